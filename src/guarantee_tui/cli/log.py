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
    verify = sub.add_parser("verify", help=tr("walk the chain and check every entry"))
    add_common(verify, tr)
    verify.set_defaults(run=run_verify)
    head = sub.add_parser("head", help=tr("print the hash of the newest entry"))
    add_common(head, tr)
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


def run_verify(args: argparse.Namespace, ctx: Context) -> int:
    from guarantee_tui.services.agents import require_whole_log
    from guarantee_tui.services.log import verify
    from guarantee_tui.text import visible

    engine = ctx.engine()
    try:
        require_whole_log(engine)
        result = verify(engine)
    finally:
        engine.dispose()
    tr = ctx.tr
    if result.ok:
        print(f"OK {result.count} entries, head {result.head}")
        return 0
    assert result.problem is not None
    print(
        tr(
            "BROKEN at entry {seq}: {problem}. {count} entries before it are intact.",
            seq=result.broken_seq,
            # The problem quotes the log's claim refs.
            problem=visible(tr.render(result.problem)),
            count=result.count,
        )
    )
    return 1


def run_head(args: argparse.Namespace, ctx: Context) -> int:
    from guarantee_tui.services.log import head

    engine = ctx.engine()
    try:
        _seq, digest = head(engine)
    finally:
        engine.dispose()
    print(digest)
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
