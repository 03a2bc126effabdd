"""Calendar arithmetic in a market's own time zone.

Timestamps are stored in UTC, but the guarantee's deadlines ("three months",
"one month") are calendar months as a person in the market counts them: the
same day of the month, clamped to the month's last day, at the same
wall-clock time, whatever daylight-saving change lies between.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo


@cache
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def to_local(at: datetime, zone_name: str) -> datetime:
    return at.astimezone(zone(zone_name))


def add_months(at: datetime, months: int, zone_name: str) -> datetime:
    """`at` plus `months` calendar months in `zone_name`, returned in UTC.

    A wall-clock time that does not exist on the target day (inside the
    spring-forward gap) resolves as PEP 495 does: it is read with the offset
    in force before the gap, which lands after the gap. An ambiguous one
    (the repeated autumn hour) takes its first occurrence.
    """
    if at.tzinfo is None:
        raise ValueError("add_months needs an aware datetime")
    # Imported here: the workspace's first paint needs `to_local`, not this.
    from dateutil.relativedelta import relativedelta

    local = to_local(at, zone_name)
    # relativedelta clamps the day to the end of the target month.
    shifted = (local.replace(tzinfo=None) + relativedelta(months=months)).replace(
        tzinfo=zone(zone_name), fold=0
    )
    return shifted.astimezone(UTC)
