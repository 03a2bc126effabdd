"""The claim queue's page as plain data: its columns, its join, its orders.

Two readers build their statements from these: store/queue.py with
SQLAlchemy, and store/first_page.py in SQL text for sqlite3, because the
workspace paints its opening page before SQLAlchemy has been imported. So
this module imports nothing but the standard library and the plain filters,
and a column or an order changed here changes both (tests/store/
test_first_page.py checks that they read the same rows).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from guarantee_tui.filters import QueueFilter, open_first_matters

__all__ = [
    "JOIN",
    "MOMENTS",
    "PAGE_COLUMNS",
    "SORT_COLUMNS",
    "STATUS",
    "TIEBREAK",
    "VERDICT",
    "Column",
    "OpenFirst",
    "OrderItem",
    "default_order",
]


@dataclass(frozen=True, slots=True)
class Column:
    table: str
    name: str

    @property
    def sql(self) -> str:
        return f"{self.table}.{self.name}"


@dataclass(frozen=True, slots=True)
class OpenFirst:
    """0 for a claim whose `column` is `value`, else 1: open claims before decided ones."""

    column: Column
    value: str

    @property
    def sql(self) -> str:
        quoted = "'" + self.value.replace("'", "''") + "'"
        return f"CASE WHEN ({self.column.sql} = {quoted}) THEN 0 ELSE 1 END"


OrderItem = Column | OpenFirst

CLAIMS: Final = "claims"
PROFESSIONALS: Final = "professionals"

CLAIM_REF: Final = Column(CLAIMS, "ref")
SUBMITTED_AT: Final = Column(CLAIMS, "submitted_at")
STATUS: Final = Column(CLAIMS, "status")
VERDICT: Final = Column(CLAIMS, "verdict")
HOLDER: Final = Column(CLAIMS, "holder")
HELD_SINCE: Final = Column(CLAIMS, "held_since")
HELD_UNTIL: Final = Column(CLAIMS, "held_until")

# The page's columns, in the order of filters.QueueRow's fields.
PAGE_COLUMNS: Final = (
    CLAIM_REF,
    Column(PROFESSIONALS, "ref"),
    Column(PROFESSIONALS, "company_name"),
    Column(PROFESSIONALS, "market"),
    SUBMITTED_AT,
    STATUS,
    VERDICT,
    Column(CLAIMS, "recommended_action"),
    Column(CLAIMS, "refund_credits"),
    HOLDER,
    HELD_SINCE,
    HELD_UNTIL,
)

# The page's columns that hold instants (sqlite3 reads them as text).
MOMENTS: Final = frozenset({SUBMITTED_AT, HELD_SINCE, HELD_UNTIL})

# FROM claims JOIN professionals ON <the first> = <the second>.
JOIN: Final = (Column(PROFESSIONALS, "id"), Column(CLAIMS, "professional_id"))

# The column each sort of filters.SORT_COLUMNS orders by.
SORT_COLUMNS: Final[dict[str, Column]] = {
    "claim": CLAIM_REF,
    "company": Column(PROFESSIONALS, "company_key"),
    "market": Column(PROFESSIONALS, "market"),
    "submitted": SUBMITTED_AT,
    # Older claims have more days: age ascending is submitted descending.
    "age": SUBMITTED_AT,
    "status": STATUS,
    "verdict": VERDICT,
    "action": Column(CLAIMS, "recommended_action"),
    "refund": Column(CLAIMS, "refund_credits"),
}
# What orders rows that a sort leaves equal: refs are unique.
TIEBREAK: Final = CLAIM_REF


def default_order(f: QueueFilter) -> tuple[OrderItem, ...]:
    """Open claims first, oldest first: the order the queue opens in."""
    if not open_first_matters(f):
        # Without it the (status, submitted_at) index gives the order.
        return (SUBMITTED_AT, TIEBREAK)
    return (OpenFirst(STATUS, "open"), SUBMITTED_AT, TIEBREAK)
