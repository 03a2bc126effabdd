"""`guarantee-tui lookup`: the phone desk's search, for scripts.

Exit status 0 when someone is found, 1 when nobody is (as grep), 2 for a
mistake such as a database that cannot be opened. Odd queries are not
mistakes: they find nobody.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from guarantee_tui.cli.common import Context, add_common
from guarantee_tui.i18n import Translator


def register(parser: argparse.ArgumentParser, subparsers: Any, tr: Translator) -> None:
    p = subparsers.add_parser(
        "lookup",
        help=tr("find professionals by phone, e-mail, company name or ref"),
        description=tr(
            "Finds professionals as the phone desk does: by phone number (any usual "
            "writing), e-mail, company name (or the start of its words), professional, "
            "claim or contact ref. Exits with 1 when nobody is found."
        ),
    )
    add_common(p, tr)
    p.add_argument("query", metavar="QUERY", help=tr("what the caller gave"))
    p.add_argument(
        "--json",
        action="store_true",
        help=tr("print a JSON list: professional, company, market and matched_on of each"),
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from guarantee_tui.services.phone import lookup
    from guarantee_tui.text import inert_json, visible

    tr = ctx.tr
    engine = ctx.engine()
    try:
        found = lookup(engine, args.query)
    finally:
        engine.dispose()
    if args.json:
        rows = [
            {
                "professional": r.professional_ref,
                "company": r.company,
                "market": r.market,
                "matched_on": r.matched_on,
            }
            for r in found.results
        ]
        print(inert_json(json.dumps(rows, ensure_ascii=False, indent=2)))
    elif found.results:
        _print_table(found.results, tr)
    if not found.results:
        if found.hint is not None and not args.json:
            print(visible(tr.render(found.hint)), file=sys.stderr)
        return 1
    return 0


def _print_table(results: Any, tr: Translator) -> None:
    from rich.table import Table
    from rich.text import Text

    from guarantee_tui.cli.tables import console
    from guarantee_tui.services.phone import matched_on_label
    from guarantee_tui.text import visible

    table = Table(show_lines=False, expand=False, box=None, padding=(0, 2, 0, 0))
    table.add_column(tr("Ref"), no_wrap=True)
    table.add_column(tr("Company"), overflow="fold", min_width=16)
    table.add_column(tr("Market"), no_wrap=True)
    table.add_column(tr("Found by"), no_wrap=True)
    table.add_column(tr("Phone"), no_wrap=True)
    table.add_column(tr("E-mail"), no_wrap=True, overflow="ellipsis", max_width=32)
    for r in results:
        table.add_row(
            Text(visible(r.professional_ref)),
            Text(visible(r.company)),
            Text(r.market),
            Text(matched_on_label(r.matched_on, tr)),
            Text(visible(r.phone or "")),
            Text(visible(r.email or "")),
        )
    console().print(table)
