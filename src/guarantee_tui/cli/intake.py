"""`guarantee-tui intake PATH...`: claim e-mails from files, mbox files and Maildir folders;
`guarantee-tui intake --imap [--watch]`: from the IMAP mailbox of the config file."""

from __future__ import annotations

import argparse
import json
import sys
import threading
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from guarantee_tui.cli.common import Context, add_common
from guarantee_tui.errors import UserError
from guarantee_tui.i18n import N_, Translator

if TYPE_CHECKING:
    from guarantee_tui.services.intake import Outcome

# Never set: `--watch` waits between polls until Ctrl+C interrupts it.
_NEVER = threading.Event()


class SourceChoice(UserError):
    """PATH and --imap together, neither, or --watch without --imap."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem

    def describe(self, tr: Translator) -> str:
        return tr(self.problem)


def pause(seconds: float) -> bool:
    """The wait between two polls of `--watch`; True would stop it (Ctrl+C does)."""
    return _NEVER.wait(seconds)


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
            "be read (then nothing is taken in). With --imap, reads the new messages of "
            "the IMAP mailbox of the config file ([intake] imap_url, imap_user, "
            "imap_folder; the password from $GUARANTEE_TUI_IMAP_PASSWORD or ~/.netrc) and "
            "marks each as taken once its outcome is recorded."
        ),
    )
    add_common(p, tr)
    p.add_argument(
        "paths",
        metavar="PATH",
        nargs="*",
        type=Path,
        help=tr("an .eml file, an mbox file or a Maildir folder"),
    )
    p.add_argument(
        "--imap",
        action="store_true",
        help=tr("read the new messages of the IMAP mailbox of the config file instead"),
    )
    p.add_argument(
        "--watch",
        action="store_true",
        help=tr(
            "with --imap: keep reading new messages, every [intake] imap_poll_seconds, until Ctrl+C"
        ),
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
    if args.imap and args.paths:
        raise SourceChoice(
            N_(
                "Give files (PATH...) or --imap, not both: files are read as they are, "
                "the mailbox's messages are marked as taken. Nothing was taken in."
            )
        )
    if args.watch and not args.imap:
        raise SourceChoice(N_("--watch keeps reading the IMAP mailbox: give it with --imap."))
    if args.imap:
        return run_imap(args, ctx)
    if not args.paths:
        raise SourceChoice(N_("Nothing to read: give files (PATH...) or --imap."))
    from guarantee_tui.config import intake_max_bytes
    from guarantee_tui.mail.sources import open_sources, read_sources
    from guarantee_tui.services.intake import intake

    limit = intake_max_bytes()
    sources = open_sources(args.paths)
    engine = ctx.engine()
    counts: Counter[str] = Counter()
    try:
        for outcome in intake(engine, read_sources(sources, limit), agent=ctx.settings.agent):
            counts[outcome.status] += 1
            _report(outcome, args, ctx)
    finally:
        engine.dispose()
    if not args.json:
        print(describe_counts(counts, ctx.tr))
    return 0


def _report(outcome: Outcome, args: argparse.Namespace, ctx: Context) -> None:
    from guarantee_tui.text import inert_json

    if args.json:
        line = json.dumps(outcome.as_json(), ensure_ascii=False)
        sys.stdout.write(inert_json(line) + "\n")
    else:
        print(describe_outcome(outcome, ctx.tr))
    sys.stdout.flush()


def run_imap(args: argparse.Namespace, ctx: Context) -> int:
    """`intake --imap [--watch]`: the mailbox's new messages, each marked once recorded."""
    from guarantee_tui.config import imap_settings, intake_max_bytes
    from guarantee_tui.mail.imap import open_mailbox
    from guarantee_tui.services.intake_imap import Reconnected, Reconnecting, take_once, watch
    from guarantee_tui.text import visible

    tr = ctx.tr
    settings = imap_settings()
    limit = intake_max_bytes()
    engine = ctx.engine()
    counts: Counter[str] = Counter()
    # Notices go to stderr: with --json, stdout holds only the messages' objects.
    summary = sys.stderr if args.json else sys.stdout
    agent = ctx.settings.agent
    try:
        if not args.watch:
            for outcome in take_once(
                engine, lambda: open_mailbox(settings), agent=agent, limit=limit
            ):
                counts[outcome.status] += 1
                _report(outcome, args, ctx)
        else:
            events = watch(
                engine,
                lambda: open_mailbox(settings),
                agent=agent,
                limit=limit,
                poll_seconds=settings.poll_seconds,
                wait=pause,
            )
            print(
                tr(
                    "Watching {where} for new messages every {seconds} s; Ctrl+C stops.",
                    where=settings.where,
                    seconds=tr.number(settings.poll_seconds),
                ),
                file=sys.stderr,
                flush=True,
            )
            try:
                for event in events:
                    if isinstance(event, Reconnecting):
                        line = tr(
                            "Connection to {where} lost ({reason}); reconnecting in {seconds} s.",
                            where=event.where,
                            reason=event.reason,
                            seconds=tr.number(event.delay),
                        )
                        print(visible(line), file=sys.stderr, flush=True)
                    elif isinstance(event, Reconnected):
                        print(tr("Reconnected to {where}.", where=event.where), file=sys.stderr)
                    else:
                        counts[event.status] += 1
                        _report(event, args, ctx)
            except KeyboardInterrupt:
                # A message taken but not yet marked is found already read next time.
                print(file=sys.stderr)
            print(tr("Stopped watching {where}.", where=settings.where), file=summary)
    finally:
        engine.dispose()
    print(describe_counts(counts, tr), file=summary)
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
