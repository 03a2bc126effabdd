"""The moments and amounts the tool works with: anything outside is refused at the door.

Python's datetimes end in year 9999 and PostgreSQL's INTEGER at 2**31 - 1.
The policy adds months and years to the dates it is given (claim windows,
waiting periods, the stable-until instant) and sums twenty prices into a
refund, so a fact near those ends overflows far from where it came in: a
claim submitted on 9999-12-31 crashed every check of the database. Imported
dates, `--at`, `--from` and `--to` must lie in this window, and a contact's
price must leave room for the sum of twenty.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final

from guarantee_tui.policy.vocabulary import CONTACTS_REQUIRED

# Both ends included; decades of margin on either side of the marketplace's
# life, and centuries before any arithmetic of the policy could overflow.
EARLIEST: Final = datetime(2000, 1, 1, tzinfo=UTC)
LATEST: Final = datetime(2100, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
EARLIEST_DAY: Final = EARLIEST.date()
LATEST_DAY: Final = LATEST.date()

# The database's INTEGER is 32-bit on PostgreSQL.
MAX_INTEGER: Final = 2**31 - 1
# A refund is the sum of the first 20 contacts' prices, stored in an INTEGER.
MAX_PRICE_CREDITS: Final = MAX_INTEGER // CONTACTS_REQUIRED


def in_window(moment: datetime) -> bool:
    """Whether an aware instant lies between EARLIEST and LATEST (included)."""
    return EARLIEST <= moment <= LATEST
