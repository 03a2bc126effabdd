"""What the claim screen shows beyond the policy's facts: names, contacts, decisions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, select

from guarantee_tui.store.models import (
    Claim,
    ContactPurchase,
    Decision,
    Explanation,
    LedgerEntry,
    Professional,
)


@dataclass(frozen=True, slots=True)
class ProfessionalRow:
    id: int
    ref: str
    company: str
    market: str
    email: str | None
    phone: str | None
    status: str
    suspended_at: datetime | None
    suspension_reason: str | None
    balance: int
    claims: int


@dataclass(frozen=True, slots=True)
class ContactDetails:
    client_name: str | None
    client_phone: str | None
    job_title: str | None
    city: str | None


@dataclass(frozen=True, slots=True)
class ExplanationRow:
    text: str
    verification: str | None
    verified_by: str | None
    verified_at: datetime | None
    note: str | None


@dataclass(frozen=True, slots=True)
class DecisionRow:
    id: int
    action: str
    agent: str
    decided_at: datetime
    reason: str
    refund_credits: int | None
    letter_language: str
    letter_text: str
    checklist: str
    log_seq: int


def professional(conn: Connection, professional_id: int) -> ProfessionalRow:
    p = conn.execute(
        select(
            Professional.id,
            Professional.ref,
            Professional.company_name,
            Professional.market,
            Professional.email,
            Professional.phone,
            Professional.status,
            Professional.suspended_at,
            Professional.suspension_reason,
        ).where(Professional.id == professional_id)
    ).one()
    balance = conn.execute(
        select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
            LedgerEntry.professional_id == professional_id
        )
    ).scalar_one()
    claims = conn.execute(
        select(func.count()).select_from(Claim).where(Claim.professional_id == professional_id)
    ).scalar_one()
    return ProfessionalRow(*p, balance=int(balance), claims=int(claims))


def contacts(conn: Connection, refs: Sequence[str]) -> dict[str, ContactDetails]:
    if not refs:
        return {}
    rows = conn.execute(
        select(
            ContactPurchase.ref,
            ContactPurchase.client_name,
            ContactPurchase.client_phone,
            ContactPurchase.job_title,
            ContactPurchase.city,
        ).where(ContactPurchase.ref.in_(list(refs)))
    )
    return {r.ref: ContactDetails(*r[1:]) for r in rows}


def explanations(conn: Connection, claim_id: int) -> dict[str, ExplanationRow]:
    rows = conn.execute(
        select(
            Explanation.contact_ref,
            Explanation.text,
            Explanation.verification,
            Explanation.verified_by,
            Explanation.verified_at,
            Explanation.verification_note,
        ).where(Explanation.claim_id == claim_id)
    )
    return {r.contact_ref: ExplanationRow(*r[1:]) for r in rows}


def latest_decision(conn: Connection, claim_id: int) -> DecisionRow | None:
    row = conn.execute(
        select(
            Decision.id,
            Decision.action,
            Decision.agent,
            Decision.decided_at,
            Decision.reason,
            Decision.refund_credits,
            Decision.letter_language,
            Decision.letter_text,
            Decision.checklist,
            Decision.log_seq,
        )
        .where(Decision.claim_id == claim_id)
        .order_by(Decision.decided_at.desc(), Decision.id.desc())
        .limit(1)
    ).first()
    return None if row is None else DecisionRow(**row._asdict())
