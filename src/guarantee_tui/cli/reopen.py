"""`guarantee-tui reopen`: a supervisor puts a decided claim back in the queue."""

from __future__ import annotations

import argparse
from typing import Any

from guarantee_tui.cli.common import Context, add_common, parse_at
from guarantee_tui.i18n import Translator


def register(parser: argparse.ArgumentParser, subparsers: Any, tr: Translator) -> None:
    p = subparsers.add_parser(
        "reopen",
        help=tr("reopen a decided claim (supervisors)"),
        description=tr(
            "Appends a reopening to the log, reverses an approved refund or lifts "
            "a suspension, and puts the claim back in the queue."
        ),
    )
    add_common(p, tr)
    p.add_argument("claim", metavar="CLAIM_REF", help=tr("the claim's ref"))
    p.add_argument("--reason", required=True, metavar="TEXT", help=tr("why (recorded)"))
    p.add_argument(
        "--agent",
        metavar="NAME",
        help=tr("the supervisor who reopens (default: $GUARANTEE_TUI_AGENT)"),
    )
    p.add_argument(
        "--at",
        metavar="ISO8601",
        help=tr(
            "the time of the act, e.g. 2026-11-21T12:00:00Z (default: now); not before "
            "the log's latest entry, not in the future"
        ),
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from guarantee_tui.services.reopen import reopen
    from guarantee_tui.text import visible

    at = parse_at(args.at, ctx.tr)
    engine = ctx.engine()
    try:
        done = reopen(
            engine,
            args.claim,
            reason=args.reason,
            agent=ctx.settings.agent,
            at=at,
            chosen_time=args.at is not None,
        )
    finally:
        engine.dispose()
    tr = ctx.tr
    print(
        tr(
            "Claim {ref} reopened (was {status}).",
            ref=visible(done.claim_ref),
            status=tr(done.previous_status),
        )
    )
    if done.reversed_credits:
        print(tr("Refund reversed: {credits}.", credits=tr.credits(-done.reversed_credits)))
    if done.lifted_suspension:
        print(tr("Suspension lifted."))
    return 0
