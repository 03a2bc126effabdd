"""Whether a market's support line is open, and when that changes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from guarantee_tui.policy.calendar import to_local, zone
from guarantee_tui.policy.markets import MarketRules

# Far enough to cross any run of holidays and weekends.
SEARCH_DAYS = 60


@dataclass(frozen=True, slots=True)
class LineStatus:
    market: str
    open: bool
    # The wall-clock time in the market now.
    local_time: datetime
    # When the line next opens (if closed) or closes (if open), in UTC;
    # None when no opening is found within SEARCH_DAYS.
    next_change: datetime | None


def _at(day: date, rules: MarketRules, opening: bool) -> datetime:
    moment = rules.opens if opening else rules.closes
    return datetime.combine(day, moment, tzinfo=zone(rules.zone)).astimezone(UTC)


def _working(day: date, rules: MarketRules, closed: Callable[[date], bool]) -> bool:
    return day.weekday() in rules.weekdays and not closed(day)


def line_status(rules: MarketRules, at: datetime, closed: Callable[[date], bool]) -> LineStatus:
    """The line of `rules.market` at `at`; `closed(day)` names holidays and closures."""
    local = to_local(at, rules.zone)
    today = local.date()
    if _working(today, rules, closed) and rules.opens <= local.time() < rules.closes:
        return LineStatus(str(rules.market), True, local, _at(today, rules, opening=False))
    for offset in range(SEARCH_DAYS + 1):
        day = today + timedelta(days=offset)
        if not _working(day, rules, closed):
            continue
        opening = _at(day, rules, opening=True)
        if opening > at:
            return LineStatus(str(rules.market), False, local, opening)
    return LineStatus(str(rules.market), False, local, None)
