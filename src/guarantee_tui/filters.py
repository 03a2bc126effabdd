"""What the screens ask for a list of: filters, sort orders, the rows that come back.

Plain data with no database import, so a screen can hold them before the
database layer has even been loaded (the app's first paint does not wait
for SQLAlchemy).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

__all__ = [
    "OPEN",
    "PAGE_SIZE",
    "SORT_COLUMNS",
    "ExactRef",
    "QueueFilter",
    "QueueResult",
    "QueueRow",
    "QueueSort",
    "open_first_matters",
]

# The queue's rows read at a time: more than a tall terminal shows.
PAGE_SIZE: Final = 100
OPEN: Final = frozenset({"open"})

SORT_COLUMNS: Final = (
    "claim",
    "company",
    "market",
    "submitted",
    "age",
    "status",
    "verdict",
    "action",
    "refund",
)


@dataclass(frozen=True, slots=True)
class QueueFilter:
    text: str = ""
    statuses: frozenset[str] = field(default_factory=frozenset)
    markets: frozenset[str] = field(default_factory=frozenset)
    verdicts: frozenset[str] = field(default_factory=frozenset)
    # Only the claims this agent holds ("my claims"); only those nobody holds.
    held_by: str | None = None
    unheld: bool = False


@dataclass(frozen=True, slots=True)
class QueueSort:
    # None: open claims first, oldest first.
    column: str | None = None
    descending: bool = False


@dataclass(frozen=True, slots=True)
class QueueRow:
    claim_ref: str
    professional_ref: str
    company: str
    market: str
    submitted_at: datetime
    status: str
    verdict: str | None
    action: str | None
    refund_credits: int | None
    # Who holds the claim (store/leases.py) since when and until when; an
    # expired lease (held_until past) holds nothing.
    holder: str | None = None
    held_since: datetime | None = None
    held_until: datetime | None = None


def open_first_matters(f: QueueFilter) -> bool:
    """Whether the default order's "open claims first" orders anything: not when
    the statuses asked for are all open or all decided."""
    return not f.statuses or len({status == "open" for status in f.statuses}) > 1


@dataclass(frozen=True, slots=True)
class ExactRef:
    """What a filter text that is exactly a ref designates, whatever the other filters.

    A claim ref designates its claim, a professional ref their claims, a
    contact ref the claims that hold its explanation. A loose match (the text
    inside another ref, a company) never shows beside it."""

    kind: str  # "claim", "professional" or "contact"
    ref: str  # as stored
    # The claims it designates, oldest first: (claim ref, status).
    claims: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class QueueResult:
    """One reading of the queue: how many claims, one page of them, and the ref typed."""

    total: int
    offset: int
    rows: list[QueueRow]
    exact: ExactRef | None = None
