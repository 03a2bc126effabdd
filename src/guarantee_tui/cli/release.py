"""`guarantee-tui release`: give back a claim you hold."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from guarantee_tui.cli.common import Context, add_common
from guarantee_tui.i18n import Translator


def register(parser: argparse.ArgumentParser, subparsers: Any, tr: Translator) -> None:
    p = subparsers.add_parser(
        "release",
        help=tr("give back a claim you hold"),
        description=tr(
            "Ends your lease on the claim: anyone may take it. Exit 1 if you did not hold it."
        ),
    )
    add_common(p, tr)
    p.add_argument("claim", metavar="CLAIM_REF", help=tr("the claim's ref"))
    p.add_argument(
        "--agent", metavar="NAME", help=tr("who gives it back (default: $GUARANTEE_TUI_AGENT)")
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from guarantee_tui.services.leases import release

    engine = ctx.engine()
    try:
        released = release(engine, args.claim, ctx.settings.agent)
    finally:
        engine.dispose()
    if not released:
        print(ctx.tr("You did not hold claim {ref}.", ref=args.claim), file=sys.stderr)
        return 1
    print(ctx.tr("Claim {ref} is free for anyone to take.", ref=args.claim))
    return 0
