"""Calendar-month arithmetic in the market's zone, at its edges."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guarantee_tui.policy.calendar import add_months, to_local, zone

PARIS = "Europe/Paris"
LISBON = "Europe/Lisbon"


def local(zone_name: str, *args: int, fold: int = 0) -> datetime:
    year, month, day, hour, minute = args
    return datetime(year, month, day, hour, minute, tzinfo=zone(zone_name), fold=fold)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        # Clamped to the end of a short month.
        ((2026, 1, 31, 10, 0), 1, (2026, 2, 28, 10, 0)),
        ((2028, 1, 31, 10, 0), 1, (2028, 2, 29, 10, 0)),  # leap year
        ((2028, 2, 29, 10, 0), 12, (2029, 2, 28, 10, 0)),
        ((2025, 11, 30, 18, 0), 3, (2026, 2, 28, 18, 0)),
        ((2026, 3, 31, 8, 0), 1, (2026, 4, 30, 8, 0)),
        ((2026, 12, 15, 9, 0), 1, (2027, 1, 15, 9, 0)),  # over the year end
    ],
)
def test_day_is_clamped_and_wall_clock_kept(
    start: tuple[int, ...], months: int, expected: tuple[int, ...]
) -> None:
    got = add_months(local(PARIS, *start).astimezone(UTC), months, PARIS)
    assert got.tzinfo is UTC
    year, month, day, hour, minute = expected
    assert to_local(got, PARIS).replace(tzinfo=None) == datetime(year, month, day, hour, minute)


def test_wall_clock_is_kept_across_the_spring_change() -> None:
    # 1 March 10:00 CET (09:00 UTC) + 1 month = 1 April 10:00 CEST (08:00 UTC).
    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    assert add_months(start, 1, PARIS) == datetime(2026, 4, 1, 8, 0, tzinfo=UTC)
    # And in Lisbon: 09:00 WET (09:00 UTC) -> 09:00 WEST (08:00 UTC).
    assert add_months(start, 1, LISBON) == datetime(2026, 4, 1, 8, 0, tzinfo=UTC)


def test_wall_clock_is_kept_across_the_autumn_change() -> None:
    # 1 October 10:00 CEST (08:00 UTC) + 1 month = 1 November 10:00 CET (09:00 UTC).
    start = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
    assert add_months(start, 1, PARIS) == datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def test_a_time_in_the_spring_gap_moves_forward() -> None:
    # 29 March 2026 (last Sunday of March) has no 02:30 in Paris.
    start = local(PARIS, 2026, 1, 29, 2, 30).astimezone(UTC)
    got = add_months(start, 2, PARIS)
    assert got == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert to_local(got, PARIS).hour == 3  # 03:30 CEST
    # Lisbon's gap is 01:00-02:00 on the same day.
    start = local(LISBON, 2026, 2, 28, 1, 30).astimezone(UTC)
    got = add_months(start, 1, LISBON)
    assert to_local(got, LISBON).replace(tzinfo=None) == datetime(2026, 3, 28, 1, 30)
    start = local(LISBON, 2026, 1, 29, 1, 30).astimezone(UTC)
    assert to_local(add_months(start, 2, LISBON), LISBON).hour == 2


def test_an_ambiguous_autumn_time_takes_its_first_occurrence() -> None:
    # 25 October 2026 (last Sunday of October): 02:30 happens twice in Paris.
    start = local(PARIS, 2026, 9, 25, 2, 30).astimezone(UTC)
    got = add_months(start, 1, PARIS)
    assert got == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST, the first one


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        add_months(datetime(2026, 1, 1), 1, PARIS)


instants = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.just(UTC)
)


@given(instants, st.integers(min_value=0, max_value=24), st.sampled_from([PARIS, LISBON]))
def test_properties_of_adding_months(at: datetime, months: int, zone_name: str) -> None:
    got = add_months(at, months, zone_name)
    before, after = to_local(at, zone_name), to_local(got, zone_name)
    month_index = before.year * 12 + before.month - 1 + months
    year, month = divmod(month_index, 12)
    assert (after.year, after.month) == (year, month + 1)
    assert after.day == min(before.day, calendar.monthrange(year, month + 1)[1])
    # Wall-clock time is kept, except when it falls in a spring-forward gap,
    # where it moves forward by the size of the gap.
    wall_before = timedelta(hours=before.hour, minutes=before.minute, seconds=before.second)
    wall_after = timedelta(hours=after.hour, minutes=after.minute, seconds=after.second)
    assert wall_after - wall_before in (timedelta(0), timedelta(hours=1))
    assert got >= at
