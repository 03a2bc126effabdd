"""`guarantee-tui log`: verify the chain, print its head, export it."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime, timedelta
from typing import Any

from guarantee_tui.cli.common import Context, add_common, in_accepted_range
from guarantee_tui.errors import InvalidArgument
from guarantee_tui.i18n import Translator


def register(parser: argparse.ArgumentParser, subparsers: Any, tr: Translator) -> None:
    p = subparsers.add_parser(
        "log",
        help=tr("the decision log: verify, head, export"),
        description=tr("Every act on a claim, in an append-only hash chain."),
    )
    sub = p.add_subparsers(metavar="ACTION", title=tr("actions"), required=True)
    verify = sub.add_parser(
        "verify",
        help=tr("walk the chain, check every entry and the state it proves"),
        description=tr(
            "Checks every entry's hash and link, that the tables say what the log says "
            "(claims' statuses, decisions, the ledger and balances, suspensions, roles), "
            "and that heads kept outside the database are still in the chain. One line per "
            "problem; exit status 0: all holds, 1: a problem was found."
        ),
    )
    add_common(verify, tr)
    verify.add_argument(
        "--head",
        dest="heads",
        action="append",
        default=[],
        metavar="SEQ:HASH",
        help=tr(
            "a head kept earlier (as log head prints it): the chain must still hold it (repeatable)"
        ),
    )
    verify.add_argument(
        "--heads-file",
        dest="heads_files",
        action="append",
        default=[],
        metavar="FILE",
        help=tr(
            "check every head kept in FILE (one SEQ:HASH a line, as log head --append-to "
            "writes them; repeatable)"
        ),
    )
    verify.set_defaults(run=run_verify)
    head = sub.add_parser(
        "head",
        help=tr("print the newest entry's number and hash (SEQ:HASH)"),
        description=tr(
            "Prints SEQ:HASH, the newest entry's number and hash. Kept outside the "
            "database, it lets log verify --head prove later that the log was neither cut "
            "short nor rewritten up to that entry."
        ),
    )
    add_common(head, tr)
    head.add_argument(
        "--append-to",
        metavar="FILE",
        help=tr(
            "also append the head, with the time, to FILE when it moved since FILE's "
            "last line (for a periodic job)"
        ),
    )
    head.set_defaults(run=run_head)
    export = sub.add_parser("export", help=tr("write entries as CSV or JSON lines"))
    add_common(export, tr)
    export.add_argument(
        "--format",
        required=True,
        choices=("csv", "jsonl"),
        help=tr("csv for spreadsheets, jsonl for programs"),
    )
    export.add_argument(
        "--from",
        dest="start",
        metavar="DATE",
        help=tr("first day (YYYY-MM-DD, UTC) or an ISO 8601 date-time"),
    )
    export.add_argument(
        "--to",
        dest="end",
        metavar="DATE",
        help=tr("last day, included (YYYY-MM-DD, UTC) or an ISO 8601 date-time"),
    )
    export.add_argument(
        "--agent",
        dest="agents",
        action="append",
        default=[],
        metavar="NAME",
        help=tr("only this agent's entries (repeatable)"),
    )
    export.add_argument(
        "--market",
        dest="markets",
        action="append",
        default=[],
        choices=("FR", "PT"),
        help=tr("only this market (repeatable)"),
    )
    export.add_argument(
        "--action",
        dest="actions",
        action="append",
        default=[],
        metavar="ACTION",
        help=tr("only this kind of entry (repeatable)"),
    )
    export.add_argument(
        "--as",
        dest="viewer",
        metavar="NAME",
        help=tr(
            "who exports: an agent gets their own entries, a supervisor "
            "all (default: $GUARANTEE_TUI_AGENT)"
        ),
    )
    export.set_defaults(run=run_export)


def parse_bound(option: str, value: str | None, tr: Translator, *, end: bool) -> datetime | None:
    """A day (whole days, UTC; an end day is included) or an exact ISO 8601 instant."""
    if value is None:
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            start = in_accepted_range(
                option, value, datetime(day.year, day.month, day.day, tzinfo=UTC), tr
            )
            return start + timedelta(days=1) if end else start
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidArgument(
            option, value, tr("not a date (YYYY-MM-DD) or an ISO 8601 date-time")
        ) from None
    if moment.tzinfo is None:
        raise InvalidArgument(
            option, value, tr("the date-time needs an offset or Z (e.g. 2026-11-21T12:00:00+01:00)")
        )
    return in_accepted_range(option, value, moment, tr)


def parse_heads(values: list[str], tr: Translator) -> list[tuple[int, str]]:
    from guarantee_tui.services.log_heads import parse_head

    heads = []
    for value in values:
        parsed = parse_head(value)
        if parsed is None:
            raise InvalidArgument(
                "--head",
                value,
                tr(
                    "not SEQ:HASH (an entry number, a colon, 64 hexadecimal digits), as log "
                    "head prints it"
                ),
            )
        heads.append(parsed)
    return heads


def run_verify(args: argparse.Namespace, ctx: Context) -> int:
    from pathlib import Path

    from guarantee_tui.services.agents import require_whole_log
    from guarantee_tui.services.log import verify
    from guarantee_tui.services.log_heads import given_heads, read_heads_file
    from guarantee_tui.text import visible

    tr = ctx.tr
    heads = given_heads(parse_heads(args.heads, tr))
    for name in args.heads_files:
        heads.extend(read_heads_file(Path(name)))
    engine = ctx.engine()
    try:
        require_whole_log(engine)
        result = verify(engine, heads)
    finally:
        engine.dispose()
    if result.problem is not None:
        print(
            tr(
                "BROKEN at entry {seq}: {problem}. {count} entries before it are intact.",
                seq=result.broken_seq,
                # The problem quotes the log's claim refs.
                problem=visible(tr.render(result.problem)),
                count=result.count,
            )
        )
    # Each quotes refs and names from the database.
    for difference in result.differences:
        print(tr("MISMATCH: {difference}", difference=visible(tr.render(difference))))
    for problem in result.head_problems:
        print(tr("KEPT HEAD: {problem}", problem=visible(tr.render(problem))))
    if result.ok:
        if result.heads_checked:
            print(
                tr.plural(
                    "{n} kept head is in the chain, unchanged.",
                    "{n} kept heads are in the chain, unchanged.",
                    result.heads_checked,
                    n=tr.number(result.heads_checked),
                )
            )
        print(f"OK {result.count} entries, head {result.head}")
        return 0
    found = (result.problem is not None) + len(result.differences) + len(result.head_problems)
    print(
        tr.plural(
            "{n} problem found: the log does not prove this database.",
            "{n} problems found: the log does not prove this database.",
            found,
            n=tr.number(found),
        )
    )
    return 1


def run_head(args: argparse.Namespace, ctx: Context) -> int:
    from pathlib import Path

    from guarantee_tui.services.log import head
    from guarantee_tui.services.log_heads import HeadKeeper, format_head

    engine = ctx.engine()
    try:
        if args.append_to is not None:
            seq, digest, _appended = HeadKeeper(engine, Path(args.append_to)).keep()
        else:
            seq, digest = head(engine)
    finally:
        engine.dispose()
    print(format_head(seq, digest))
    return 0


def run_export(args: argparse.Namespace, ctx: Context) -> int:
    from guarantee_tui.services.log import LogFilter, check_actions, export

    tr = ctx.tr
    start = parse_bound("--from", args.start, tr, end=False)
    end = parse_bound("--to", args.end, tr, end=True)
    if start is not None and end is not None and end <= start:
        raise InvalidArgument("--to", args.end, tr("is before --from"))
    f = LogFilter(
        start=start,
        end=end,
        agents=frozenset(args.agents),
        markets=frozenset(args.markets),
        actions=check_actions(args.actions),
    )
    engine = ctx.engine()
    try:
        export(engine, sys.stdout, f, args.viewer or ctx.settings.agent, args.format, tr)
    finally:
        engine.dispose()
    return 0
