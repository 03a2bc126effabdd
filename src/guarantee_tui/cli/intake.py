"""`guarantee-tui intake PATH...`: claim e-mails from files, mbox files and Maildir folders."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from guarantee_tui.cli.common import Context, add_common
from guarantee_tui.i18n import Translator

if TYPE_CHECKING:
    from guarantee_tui.services.intake import Outcome


def register(parser: argparse.ArgumentParser, subparsers: Any, tr: Translator) -> None:
    p = subparsers.add_parser(
        "intake",
        help=tr("turn claim e-mails into claims"),
        description=tr(
            "Reads claim e-mails (.eml files, mbox files, Maildir folders) and turns each "
            "into an open claim whose explanations sit on the professional's contacts. A "
            "message whose explanations are not all surely placed, from an unknown sender, "
            "or about a claim already open waits for an agent; an out-of-office reply or a "
            "question is set aside; a message read before changes nothing. One line per "
            "message; exit status 0 when every message was handled, 2 when a path cannot "
            "be read (then nothing is taken in)."
        ),
    )
    add_common(p, tr)
    p.add_argument(
        "paths",
        metavar="PATH",
        nargs="+",
        type=Path,
        help=tr("an .eml file, an mbox file or a Maildir folder"),
    )
    p.add_argument(
        "--json", action="store_true", help=tr("one JSON object per message, one per line")
    )
    p.add_argument(
        "--agent",
        metavar="NAME",
        help=tr("who takes the messages in (default: $GUARANTEE_TUI_AGENT)"),
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from guarantee_tui.config import intake_max_bytes
    from guarantee_tui.mail.sources import open_sources, read_sources
    from guarantee_tui.services.intake import intake
    from guarantee_tui.text import inert_json

    limit = intake_max_bytes()
    sources = open_sources(args.paths)
    engine = ctx.engine()
    counts: Counter[str] = Counter()
    try:
        for outcome in intake(engine, read_sources(sources, limit), agent=ctx.settings.agent):
            counts[outcome.status] += 1
            if args.json:
                line = json.dumps(outcome.as_json(), ensure_ascii=False)
                sys.stdout.write(inert_json(line) + "\n")
            else:
                print(describe_outcome(outcome, ctx.tr))
            sys.stdout.flush()
    finally:
        engine.dispose()
    if not args.json:
        print(describe_counts(counts, ctx.tr))
    return 0


def describe_outcome(outcome: Outcome, tr: Translator) -> str:
    """One line of the report, data made harmless to print."""
    from guarantee_tui.mail.message import PROBLEMS
    from guarantee_tui.services.intake import (
        CREATED,
        DUPLICATE,
        NEEDS_REVIEW,
        NOT_A_CLAIM,
        REASONS,
        REJECTED,
        UNKNOWN_SENDER,
    )
    from guarantee_tui.text import visible

    reason = tr(REASONS.get(outcome.reason or "", outcome.reason or ""))
    professional = outcome.professional or "?"
    placed = len(outcome.matches)
    sure = sum(1 for m in outcome.matches if m.sure)
    if outcome.status == CREATED:
        text = tr.plural(
            "claim {claim} created for {professional}: {n} explanation placed",
            "claim {claim} created for {professional}: {n} explanations placed",
            placed,
            claim=outcome.claim or "?",
            professional=professional,
            n=tr.number(placed),
        )
        if outcome.missing:
            text += tr.plural(
                ", {n} contact without one",
                ", {n} contacts without one",
                outcome.missing,
                n=tr.number(outcome.missing),
            )
    elif outcome.status == DUPLICATE:
        text = tr(
            "already read ({message_id}); claim {claim}",
            message_id=outcome.message_id or "?",
            claim=outcome.claim or "-",
        )
    elif outcome.status == NEEDS_REVIEW:
        text = tr(
            "waits for an agent ({reason}): {professional}; explanations surely placed: "
            "{sure} of {placed}; paragraphs left over: {left}",
            reason=reason,
            professional=professional,
            sure=tr.number(sure),
            placed=tr.number(placed),
            left=tr.number(len(outcome.unmatched)),
        )
        if outcome.claim:
            text += " " + tr("(claim {claim})", claim=outcome.claim)
    elif outcome.status == UNKNOWN_SENDER:
        text = tr("sender unknown, waits for an agent: {reason}", reason=reason)
    elif outcome.status == NOT_A_CLAIM:
        text = tr(
            "not a claim ({reason}), from {professional}",
            reason=reason,
            professional=professional,
        )
    else:
        assert outcome.status == REJECTED
        problem = PROBLEMS.get(outcome.reason or "", outcome.reason or "")
        text = tr("refused, nothing recorded: {problem}", problem=tr(problem))
    return visible(f"{outcome.source}: {text}")


def describe_counts(counts: Counter[str], tr: Translator) -> str:
    from guarantee_tui.services.intake import STATUS_LABELS

    total = sum(counts.values())
    parts = "; ".join(
        tr("{label}: {n}", label=tr(label), n=tr.number(counts[status]))
        for status, label in STATUS_LABELS.items()
        if counts[status]
    )
    head = tr.plural("{n} message read", "{n} messages read", total, n=tr.number(total))
    return f"{head}: {parts}." if parts else f"{head}."
