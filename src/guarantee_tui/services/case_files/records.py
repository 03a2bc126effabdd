"""A case file's records, as the validator hands them to the importer.

Every timestamp is an aware UTC datetime. A key the file leaves out is
`ABSENT`, which is not the same as an explicit `null` (`None`): on import an
absent value keeps what the database holds, `null` clears it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Final, TypeAlias, TypeVar

FORMAT: Final = "guarantee-case-file/1"


class Absent(enum.Enum):
    ABSENT = "absent"

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Final = Absent.ABSENT

T = TypeVar("T")
Maybe: TypeAlias = T | Absent


@dataclass(frozen=True, slots=True)
class CompletenessEntry:
    at: datetime
    percent: int


@dataclass(frozen=True, slots=True)
class LabelEntry:
    kind: str
    activated_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class PackEntry:
    name: str
    starts_at: datetime
    ends_at: datetime | None
    price_eur: float | None


@dataclass(frozen=True, slots=True)
class IncidentEntry:
    at: datetime
    kind: str
    resolved_at: datetime | None


@dataclass(frozen=True, slots=True)
class PurchaseEntry:
    ref: str
    purchased_at: datetime
    price_credits: int
    channel: str
    first_contacted_at: Maybe[datetime | None] = ABSENT
    job_won: Maybe[bool] = ABSENT
    client_name: Maybe[str] = ABSENT
    client_phone: Maybe[str] = ABSENT
    job_title: Maybe[str] = ABSENT
    city: Maybe[str] = ABSENT


@dataclass(frozen=True, slots=True)
class ReviewEntry:
    ref: str
    at: datetime
    rating: int
    source: str
    contact_ref: Maybe[str | None] = ABSENT
    text: Maybe[str] = ABSENT


@dataclass(frozen=True, slots=True)
class ExplanationEntry:
    contact_ref: str
    text: str
    verification: Maybe[str | None] = ABSENT


@dataclass(frozen=True, slots=True)
class ClaimEntry:
    ref: str
    submitted_at: datetime
    status: Maybe[str] = ABSENT
    explanations: tuple[ExplanationEntry, ...] = ()


@dataclass(frozen=True, slots=True)
class ProfessionalEntry:
    ref: str
    market: str
    company_name: str
    created_at: datetime
    email: Maybe[str] = ABSENT
    phone: Maybe[str] = ABSENT
    # Keyless collections: given, they replace the stored ones; absent, they are kept.
    profile_completeness: Maybe[tuple[CompletenessEntry, ...]] = ABSENT
    trust_labels: Maybe[tuple[LabelEntry, ...]] = ABSENT
    packs: Maybe[tuple[PackEntry, ...]] = ABSENT
    payment_incidents: Maybe[tuple[IncidentEntry, ...]] = ABSENT
    # Keyed collections: upserted by ref, never deleted, so absent is the same as empty.
    contact_purchases: tuple[PurchaseEntry, ...] = ()
    reviews: tuple[ReviewEntry, ...] = ()
    claims: tuple[ClaimEntry, ...] = ()
