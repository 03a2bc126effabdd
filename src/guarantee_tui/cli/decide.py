"""`guarantee-tui decide`: the scriptable twin of the decision dialog."""

from __future__ import annotations

import argparse
from typing import Any

from guarantee_tui.cli.common import Context, add_common, parse_at
from guarantee_tui.i18n import Translator


def register(parser: argparse.ArgumentParser, subparsers: Any, tr: Translator) -> None:
    p = subparsers.add_parser(
        "decide",
        help=tr("approve, reject or suspend a claim, and print the letter"),
        description=tr(
            "Records a decision exactly as the workspace does (same checks, same "
            "transaction) and prints the letter to the professional."
        ),
    )
    add_common(p, tr)
    p.add_argument("claim", metavar="CLAIM_REF", help=tr("the claim's ref"))
    p.add_argument(
        "--action", required=True, choices=("approve", "reject", "suspend"), help=tr("the decision")
    )
    p.add_argument(
        "--reason",
        required=True,
        metavar="TEXT",
        help=tr("why, for the log and the supervisors (never in the letter)"),
    )
    p.add_argument(
        "--message",
        metavar="TEXT",
        help=tr(
            "a paragraph for the professional, in the letter's language, shown in the "
            "letter as written; needed when the checklist does not explain the decision "
            "(a rejection with no condition failing, a suspension with no explanation "
            "marked untruthful)"
        ),
    )
    p.add_argument(
        "--agent", metavar="NAME", help=tr("who decides (default: $GUARANTEE_TUI_AGENT)")
    )
    p.add_argument(
        "--at",
        metavar="ISO8601",
        help=tr(
            "the decision's time, e.g. 2026-11-21T12:00:00Z (default: now); not before "
            "the log's latest entry, not in the future"
        ),
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from guarantee_tui.services.decisions import decide

    at = parse_at(args.at, ctx.tr)
    engine = ctx.engine()
    try:
        outcome = decide(
            engine,
            args.claim,
            args.action,
            reason=args.reason,
            message_for_professional=args.message,
            agent=ctx.settings.agent,
            at=at,
            language=ctx.tr.language,
            # A time given by hand may not predate the log's newest entry nor
            # lie ahead of the database's clock.
            chosen_time=args.at is not None,
        )
    finally:
        engine.dispose()
    from guarantee_tui.text import visible

    # The letter quotes the company's name and the agent's message.
    print(visible(outcome.letter, lines=True))
    return 0
