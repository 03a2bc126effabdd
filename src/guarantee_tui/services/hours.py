"""Office hours of the support lines: public holidays and extra closures.

Which public holidays close a line, and which extra days (a company day
off), come from the settings (`config.HoursSettings`). Holidays are looked
up in memory, a year computed once: the header asks every few seconds, on
the event loop, and this does no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from functools import cache

from guarantee_tui.config import HoursSettings
from guarantee_tui.i18n import N_, Translator
from guarantee_tui.policy.calendar import to_local
from guarantee_tui.policy.hours import LineStatus, line_status
from guarantee_tui.policy.markets import MARKETS
from guarantee_tui.policy.vocabulary import Market

__all__ = ["HoursSettings", "LineStatus", "closed_days", "lines", "when"]


@cache
def _public_holidays(country: str, year: int, subdivision: str | None = None) -> frozenset[date]:
    # Imported here: the package is large, and the header computes the lines
    # in a worker, not while the app starts.
    import holidays

    _countries_one_by_one()
    return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year).keys())


def _countries_one_by_one() -> None:
    """Lets `holidays` import only the countries asked for.

    Its `countries` package imports all of its 250 countries (300 modules,
    8 MiB resident for the workspace's whole life) as soon as one is asked
    for, though `holidays.country_holidays` imports each country's own module
    by name. The package is registered without running its `__init__`, so
    France's module loads France alone. Skipped when the package is already
    loaded (a config file's subdivision checked, say): nothing more to save."""
    import importlib.util
    import sys

    name = "holidays.countries"
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None or spec.submodule_search_locations is None:
        return
    sys.modules[name] = importlib.util.module_from_spec(spec)


def closed_days(
    market: Market, extra: Iterable[date] = (), public_holidays: bool | str = True
) -> Callable[[date], bool]:
    """A test for days the market's line is closed: its country's public holidays
    (unless `public_holidays` is False; a string adds that subdivision's), and
    any extra closure (a company day off)."""
    country = MARKETS[market].country
    extra_days = frozenset(extra)
    subdivision = public_holidays if isinstance(public_holidays, str) else None

    def closed(day: date) -> bool:
        if day in extra_days:
            return True
        return public_holidays is not False and day in _public_holidays(
            country, day.year, subdivision
        )

    return closed


def lines(at: datetime, settings: HoursSettings | None = None) -> dict[Market, LineStatus]:
    """Every market's line at `at`."""
    settings = settings or HoursSettings()
    return {
        market: line_status(
            rules,
            at,
            closed_days(
                market,
                settings.closures.get(str(market), ()),
                settings.holidays.get(str(market), True),
            ),
        )
        for market, rules in MARKETS.items()
    }


def when(change: datetime, now: datetime, zone_name: str, tr: Translator) -> str:
    """When a line next changes, as short as is clear from `now`: "17:00" today,
    "Mon 08:00" within the week, "2 Jan 08:00" beyond."""
    local = to_local(change, zone_name)
    today = to_local(now, zone_name).date()
    days = (local.date() - today).days
    if days == 0:
        return tr.time(local)
    if 0 < days < 7:
        return tr.weekday_time(local)
    return tr(N_("{date} {time}"), date=tr.day_month(local.date()), time=tr.time(local))
