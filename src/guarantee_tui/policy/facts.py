"""The plain facts the policy is evaluated over.

`store` builds these from the database, tests build them by hand. All
datetimes are timezone-aware UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from guarantee_tui.policy.vocabulary import ClaimStatus, Market


@dataclass(frozen=True, slots=True)
class Purchase:
    ref: str
    purchased_at: datetime
    price_credits: int
    channel: str
    first_contacted_at: datetime | None = None
    job_won: bool = False


@dataclass(frozen=True, slots=True)
class CompletenessRecord:
    at: datetime
    percent: int


@dataclass(frozen=True, slots=True)
class TrustLabel:
    kind: str
    activated_at: datetime
    revoked_at: datetime | None = None

    def active_at(self, t: datetime) -> bool:
        return self.activated_at <= t and (self.revoked_at is None or t < self.revoked_at)


@dataclass(frozen=True, slots=True)
class Pack:
    name: str
    starts_at: datetime
    ends_at: datetime | None = None

    def active_at(self, t: datetime) -> bool:
        return self.starts_at <= t and (self.ends_at is None or t < self.ends_at)


@dataclass(frozen=True, slots=True)
class PaymentIncident:
    at: datetime
    kind: str
    resolved_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Review:
    ref: str
    at: datetime
    rating: int
    source: str
    contact_ref: str | None = None


@dataclass(frozen=True, slots=True)
class Explanation:
    contact_ref: str
    text: str
    verification: str | None = None


@dataclass(frozen=True, slots=True)
class OtherClaim:
    """Another claim of the same professional (only its outcome matters)."""

    ref: str
    status: str


@dataclass(frozen=True, slots=True)
class Claim:
    ref: str
    submitted_at: datetime
    status: str = ClaimStatus.OPEN
    explanations: tuple[Explanation, ...] = ()


@dataclass(frozen=True, slots=True)
class Professional:
    """Everything the policy needs to know about one professional.

    `purchases` may hold all purchases or only the first twenty: the policy
    orders them itself and never looks past the twentieth.
    """

    ref: str
    market: Market
    purchases: tuple[Purchase, ...] = ()
    completeness: tuple[CompletenessRecord, ...] = ()
    labels: tuple[TrustLabel, ...] = ()
    packs: tuple[Pack, ...] = ()
    incidents: tuple[PaymentIncident, ...] = ()
    reviews: tuple[Review, ...] = ()
    claims: tuple[OtherClaim, ...] = ()
