"""Everything the claim and contacts screens show, loaded in one go."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from guarantee_tui.policy import Checklist, Purchase
from guarantee_tui.policy.markets import rules_for
from guarantee_tui.services.checks import UnknownClaim, evaluate_facts
from guarantee_tui.services.flags import Flag, flags_for
from guarantee_tui.store import details, notes
from guarantee_tui.store.details import (
    ContactDetails,
    DecisionRow,
    ExplanationRow,
    ProfessionalRow,
)
from guarantee_tui.store.facts import load_claim
from guarantee_tui.store.notes import NoteRow

__all__ = ["ClaimView", "ContactLine", "DecisionRow", "NoteRow", "ProfessionalRow", "load"]


@dataclass(frozen=True, slots=True)
class ContactLine:
    position: int
    purchase: Purchase
    details: ContactDetails
    explanation: ExplanationRow | None
    positive_review: str | None
    flags: tuple[Flag, ...]


@dataclass(frozen=True, slots=True)
class ClaimView:
    claim_ref: str
    status: str
    version: int
    submitted_at: datetime
    professional: ProfessionalRow
    checklist: Checklist
    contacts: tuple[ContactLine, ...]
    decision: DecisionRow | None
    latest_completeness: int | None
    active_pack: str | None
    # The team's notes on the claim, newest first; never in a letter.
    notes: tuple[NoteRow, ...] = ()
    # Who reopened the claim last, when and why (None: never reopened).
    reopening: NoteRow | None = None

    @property
    def unverified(self) -> int:
        """How many explanations given still wait for the agent's mark."""
        return sum(
            1
            for line in self.contacts
            if line.explanation is not None
            and line.explanation.text.strip()
            and line.explanation.verification is None
        )


def load(engine: Engine, claim_ref: str, at: datetime) -> ClaimView:
    with engine.connect() as conn:
        facts = load_claim(conn, claim_ref)
        if facts is None:
            raise UnknownClaim(claim_ref)
        # A date the policy would overflow on is told as such (checks.OutsideWindow).
        checklist = evaluate_facts(facts, at)
        professional = details.professional(conn, facts.professional_id)
        refs = [p.ref for p in checklist.contacts]
        contact_details = details.contacts(conn, refs)
        explanation_rows = details.explanations(conn, facts.claim_id)
        decision = (
            details.latest_decision(conn, facts.claim_id) if facts.claim.status != "open" else None
        )
        claim_notes = tuple(notes.of_claim(conn, facts.claim_id))
        reopening = notes.latest_reopening(conn, claim_ref)
    pro = facts.professional
    positive = {
        r.contact_ref: r.ref
        for r in sorted(pro.reviews, key=lambda r: r.at)
        if r.source == "platform_contact" and r.rating >= 4 and r.at <= at
    }
    flags = flags_for(
        checklist.contacts,
        {ref: row.text for ref, row in explanation_rows.items()},
        [r for r in pro.reviews if r.at <= at],
        rules_for(pro.market).zone,
    )
    lines = tuple(
        ContactLine(
            position=i + 1,
            purchase=p,
            details=contact_details.get(p.ref, ContactDetails(None, None, None, None)),
            explanation=explanation_rows.get(p.ref),
            positive_review=positive.get(p.ref),
            flags=flags.get(p.ref, ()),
        )
        for i, p in enumerate(checklist.contacts)
    )
    completeness = sorted(pro.completeness, key=lambda c: c.at)
    latest = [c.percent for c in completeness if c.at <= at]
    packs = [p for p in pro.packs if p.active_at(at)]
    return ClaimView(
        claim_ref=claim_ref,
        status=facts.claim.status,
        version=facts.version,
        submitted_at=facts.claim.submitted_at,
        professional=professional,
        checklist=checklist,
        contacts=lines,
        decision=decision,
        latest_completeness=latest[-1] if latest else None,
        active_pack=max(packs, key=lambda p: p.starts_at).name if packs else None,
        notes=claim_notes,
        reopening=reopening,
    )
