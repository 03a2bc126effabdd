"""`guarantee-tui hours`: is each market's support line open, and until when."""

from __future__ import annotations

import argparse
import json
from typing import Any

from guarantee_tui.cli.common import Context, parse_at
from guarantee_tui.i18n import LANGUAGES, Translator


def register(parser: argparse.ArgumentParser, subparsers: Any, tr: Translator) -> None:
    p = subparsers.add_parser(
        "hours",
        help=tr("whether each market's support line is open"),
        description=tr(
            "For each market: whether its support line is open, the local time there, "
            "and when the line next opens or closes. Public holidays and the closures "
            "of the config file count."
        ),
    )
    p.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=argparse.SUPPRESS,
        help=tr("language of what is shown: en, fr or pt (default: $GUARANTEE_TUI_LANG, else en)"),
    )
    p.add_argument(
        "--at",
        metavar="ISO8601",
        help=tr("the moment to tell about, e.g. 2026-11-21T12:00:00Z (default: now)"),
    )
    p.add_argument(
        "--json",
        action="store_true",
        help=tr("print a JSON object: market -> open, local_time, next_change"),
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from guarantee_tui.policy.calendar import to_local
    from guarantee_tui.policy.markets import rules_for
    from guarantee_tui.services.hours import lines

    tr = ctx.tr
    at = parse_at(args.at, tr)
    statuses = lines(at, ctx.settings.hours)
    if args.json:
        out: dict[str, Any] = {}
        for market, status in statuses.items():
            zone = rules_for(str(market)).zone
            change = status.next_change
            out[str(market)] = {
                "open": status.open,
                "local_time": status.local_time.isoformat(),
                "next_change": to_local(change, zone).isoformat() if change else None,
            }
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    for market, status in statuses.items():
        print(_line(str(market), status, tr))
    return 0


def _line(market: str, status: Any, tr: Translator) -> str:
    from guarantee_tui.policy.markets import rules_for

    rules = rules_for(market)
    now = tr.moment(status.local_time, rules.zone, in_text=True)
    change = status.next_change
    if change is None:
        if status.open:
            return tr(
                "{market} {phone}: open, {time} local time.",
                market=market,
                phone=rules.phone,
                time=now,
            )
        return tr(
            "{market} {phone}: closed, {time} local time; no opening in the next weeks.",
            market=market,
            phone=rules.phone,
            time=now,
        )
    nxt = tr.moment(change, rules.zone, in_text=True)
    if status.open:
        return tr(
            "{market} {phone}: open, {time} local time; closes {next}.",
            market=market,
            phone=rules.phone,
            time=now,
            next=nxt,
        )
    return tr(
        "{market} {phone}: closed, {time} local time; opens {next}.",
        market=market,
        phone=rules.phone,
        time=now,
        next=nxt,
    )
