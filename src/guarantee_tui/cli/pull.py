"""`guarantee-tui pull`: the marketplace's changed facts, applied like an import."""

from __future__ import annotations

import argparse
from typing import Any

from guarantee_tui.cli.common import Context, add_common
from guarantee_tui.i18n import Translator


def register(parser: argparse.ArgumentParser, subparsers: Any, tr: Translator) -> None:
    p = subparsers.add_parser(
        "pull",
        help=tr("apply the facts that changed on the marketplace"),
        description=tr(
            "Reads the marketplace's changes since the last pull, page by page, and "
            "applies each page like an import, in one transaction with the place it "
            "stopped at: an interrupted pull goes on where it stopped. Decisions, marks "
            "and the log are never changed."
        ),
    )
    add_common(p, tr)
    p.set_defaults(run=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from guarantee_tui.platform.settings import marketplace_settings
    from guarantee_tui.services.case_files import describe_kept, describe_report
    from guarantee_tui.services.pull import pull

    tr = ctx.tr
    settings = marketplace_settings()
    settings.require()
    engine = ctx.engine()
    try:
        report = pull(engine, settings)
    finally:
        engine.dispose()
    if report.restarted:
        print(tr("The marketplace's cursor had expired: read again from the beginning."))
    print(
        tr.plural(
            "Read {n} page of changes.",
            "Read {n} pages of changes.",
            report.pages,
            n=tr.number(report.pages),
        )
    )
    print(describe_report(report.totals, tr))
    for kept in report.totals.kept:
        print(describe_kept(kept, tr))
    return 0
