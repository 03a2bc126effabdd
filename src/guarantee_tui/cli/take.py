"""`guarantee-tui take`: hold the next claim nobody holds, and print its ref."""

from __future__ import annotations

import argparse
from typing import Any

from guarantee_tui.cli.common import Context, add_common
from guarantee_tui.i18n import Translator


def register(parser: argparse.ArgumentParser, subparsers: Any, tr: Translator) -> None:
    p = subparsers.add_parser(
        "take",
        help=tr("take the next open claim nobody holds, and print its ref"),
        description=tr(
            "Holds the oldest open claim of your markets that nobody holds (a lease of "
            "[team] lease_minutes, 15 by default, renewed while you work it) and prints "
            "its ref. Exit 1 when there is none."
        ),
    )
    add_common(p, tr)
    p.add_argument("--market", choices=("FR", "PT"), help=tr("this market (default: your markets)"))
    p.add_argument(
        "--agent", metavar="NAME", help=tr("who takes it (default: $GUARANTEE_TUI_AGENT)")
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from guarantee_tui.config import lease_minutes
    from guarantee_tui.services.leases import take_next

    minutes = lease_minutes()
    engine = ctx.engine()
    try:
        held = take_next(engine, ctx.settings.agent, args.market, minutes=minutes)
    finally:
        engine.dispose()
    if held is None:
        return 1
    print(held.claim_ref)
    return 0
