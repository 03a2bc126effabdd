"""Office hours of the support lines: open or closed, and when that changes,
across daylight-saving changes, weekends, public holidays and closures."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guarantee_tui.config import HoursSettings, hours_settings
from guarantee_tui.i18n import translator
from guarantee_tui.policy.hours import line_status
from guarantee_tui.policy.markets import MARKETS
from guarantee_tui.policy.vocabulary import Market
from guarantee_tui.services.hours import closed_days, lines, when

PARIS = ZoneInfo("Europe/Paris")
LISBON = ZoneInfo("Europe/Lisbon")
FR = MARKETS[Market.FR]
PT = MARKETS[Market.PT]


def never(day: date) -> bool:
    return False


def paris(y: int, m: int, d: int, hh: int = 0, mm: int = 0, ss: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, ss, tzinfo=PARIS).astimezone(UTC)


def lisbon(y: int, m: int, d: int, hh: int = 0, mm: int = 0, ss: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, ss, tzinfo=LISBON).astimezone(UTC)


# --- a plain week ---------------------------------------------------------------


def test_open_during_the_day_until_five() -> None:
    status = line_status(FR, paris(2026, 6, 1, 14, 5), never)  # a Monday
    assert status.open
    assert status.local_time.hour == 14 and status.local_time.minute == 5
    assert status.local_time.utcoffset() == timedelta(hours=2)
    assert status.next_change == paris(2026, 6, 1, 17, 0)


@pytest.mark.parametrize(
    ("at", "is_open"),
    [
        (paris(2026, 6, 1, 8, 59, 59), False),
        (paris(2026, 6, 1, 9, 0), True),
        (paris(2026, 6, 1, 16, 59, 59), True),
        (paris(2026, 6, 1, 17, 0), False),
    ],
)
def test_the_edges_of_the_day(at: datetime, is_open: bool) -> None:
    assert line_status(FR, at, never).open is is_open


def test_before_opening_the_next_change_is_this_morning() -> None:
    status = line_status(PT, lisbon(2026, 6, 2, 7, 30), never)
    assert not status.open
    assert status.next_change == lisbon(2026, 6, 2, 8, 0)


def test_portugal_opens_at_eight_lisbon_time_an_hour_behind_paris() -> None:
    at = paris(2026, 6, 1, 9, 30)  # 08:30 in Lisbon
    assert line_status(PT, at, never).open
    assert line_status(PT, at, never).local_time.hour == 8
    assert line_status(FR, at, never).open


def test_friday_evening_points_to_monday_morning() -> None:
    status = line_status(FR, paris(2026, 6, 5, 18, 20), never)
    assert not status.open
    assert status.next_change == paris(2026, 6, 8, 9, 0)


def test_saturday_is_closed() -> None:
    status = line_status(PT, lisbon(2026, 6, 6, 11, 0), never)
    assert not status.open
    assert status.next_change == lisbon(2026, 6, 8, 8, 0)


# --- daylight saving -----------------------------------------------------------
# 2026: clocks go forward on Sunday 29 March, back on Sunday 25 October
# (Paris and Lisbon change at the same instant, 01:00 UTC).


def test_across_the_spring_change_monday_opens_at_nine_summer_time() -> None:
    status = line_status(FR, paris(2026, 3, 27, 17, 30), never)  # Friday, winter time
    assert status.local_time.utcoffset() == timedelta(hours=1)
    assert status.next_change == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)  # 09:00 CEST


def test_across_the_autumn_change_monday_opens_at_nine_winter_time() -> None:
    status = line_status(FR, paris(2026, 10, 23, 17, 30), never)
    assert status.next_change == datetime(2026, 10, 26, 8, 0, tzinfo=UTC)  # 09:00 CET


def test_lisbon_across_the_spring_change() -> None:
    status = line_status(PT, datetime(2026, 3, 28, 12, 0, tzinfo=UTC), never)
    assert status.next_change == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)  # 08:00 WEST


def test_on_the_night_of_the_change_local_time_follows_the_zone() -> None:
    # 01:30 UTC on 29 March 2026 is 03:30 in Paris (summer time already).
    status = line_status(FR, datetime(2026, 3, 29, 1, 30, tzinfo=UTC), never)
    assert (status.local_time.hour, status.local_time.minute) == (3, 30)
    assert status.next_change == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)


def test_a_monday_after_the_change_closes_at_five_local() -> None:
    status = line_status(PT, lisbon(2026, 10, 26, 12, 0), never)
    assert status.open
    assert status.next_change == datetime(2026, 10, 26, 17, 0, tzinfo=UTC)  # WET = UTC


# --- holidays and closures -----------------------------------------------------


def test_labour_day_closes_both_lines() -> None:
    statuses = lines(paris(2026, 5, 1, 11, 0))  # Friday 1 May
    assert not statuses[Market.FR].open
    assert not statuses[Market.PT].open
    assert statuses[Market.FR].next_change == paris(2026, 5, 4, 9, 0)
    assert statuses[Market.PT].next_change == lisbon(2026, 5, 4, 8, 0)


def test_each_country_has_its_own_holidays() -> None:
    # Good Friday (3 April 2026) is a holiday in Portugal, not in France;
    # Easter Monday (6 April) the other way round.
    friday = lines(paris(2026, 4, 3, 11, 0))
    assert friday[Market.FR].open
    assert not friday[Market.PT].open
    assert friday[Market.PT].next_change == lisbon(2026, 4, 6, 8, 0)
    monday = lines(paris(2026, 4, 6, 11, 0))
    assert not monday[Market.FR].open
    assert monday[Market.FR].next_change == paris(2026, 4, 7, 9, 0)
    assert monday[Market.PT].open


def test_a_long_run_of_closed_days() -> None:
    # Christmas on Friday 25 December 2026, a company day off on the 24th:
    # from Wednesday evening the line next opens on Monday 28th.
    closed = closed_days(Market.FR, {date(2026, 12, 24)})
    status = line_status(FR, paris(2026, 12, 23, 17, 30), closed)
    assert status.next_change == paris(2026, 12, 28, 9, 0)


def test_holidays_can_be_switched_off() -> None:
    settings = HoursSettings(holidays={"FR": False, "PT": True})
    statuses = lines(paris(2026, 5, 1, 11, 0), settings)
    assert statuses[Market.FR].open
    assert not statuses[Market.PT].open


def test_a_subdivision_adds_its_own_holidays() -> None:
    # 13 June (St Anthony) is a holiday in the district of Lisbon only; in 2025
    # it was a Friday.
    at = lisbon(2025, 6, 13, 10, 0)
    assert lines(at)[Market.PT].open
    lisbon_district = HoursSettings(holidays={"FR": True, "PT": "11"})
    assert not lines(at, lisbon_district)[Market.PT].open


def test_closures_come_from_the_config_file() -> None:
    settings = hours_settings({"closures": {"PT": ["2026-06-02"]}, "holidays": True})
    statuses = lines(lisbon(2026, 6, 2, 10, 0), settings)
    assert not statuses[Market.PT].open
    assert statuses[Market.FR].open
    assert statuses[Market.PT].next_change == lisbon(2026, 6, 3, 8, 0)


def test_closed_for_ever_has_no_next_change() -> None:
    status = line_status(FR, paris(2026, 6, 1, 18, 0), lambda day: True)
    assert not status.open
    assert status.next_change is None


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2030, 12, 31)))
def test_the_next_change_is_the_next_change(naive: datetime) -> None:
    at = naive.replace(tzinfo=UTC)
    for rules, market in ((FR, Market.FR), (PT, Market.PT)):
        closed = closed_days(market)
        status = line_status(rules, at, closed)
        assert status.next_change is not None
        assert status.next_change > at
        # Nothing changes before it, and it does change there.
        before = status.next_change - timedelta(microseconds=1)
        assert line_status(rules, before, closed).open is status.open
        assert line_status(rules, status.next_change, closed).open is not status.open


# --- how the header says when --------------------------------------------------


def test_when_is_short_today_and_names_the_day_later() -> None:
    en, fr = translator("en"), translator("fr")
    now = paris(2026, 6, 5, 18, 20)  # Friday evening
    assert when(paris(2026, 6, 5, 17, 0), now, "Europe/Paris", en) == "17:00"
    assert when(paris(2026, 6, 8, 9, 0), now, "Europe/Paris", en) == "Mon 09:00"
    assert when(paris(2026, 6, 8, 9, 0), now, "Europe/Paris", fr) == "lun. 09:00"
    assert when(paris(2026, 6, 20, 9, 0), now, "Europe/Paris", en) == "20 Jun 09:00"
