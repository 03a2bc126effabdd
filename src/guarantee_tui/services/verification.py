"""Marking a claim's explanations truthful or untruthful, one contact at a time."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import Connection, Engine

from guarantee_tui.errors import UserError
from guarantee_tui.i18n import Translator
from guarantee_tui.services.agents import Actor, resolve_actor
from guarantee_tui.services.checks import UnknownClaim
from guarantee_tui.services.decisions import ClaimNotOpen
from guarantee_tui.services.leases import refuse_if_held
from guarantee_tui.services.verdicts import refresh_claims
from guarantee_tui.store.claims import mark_explanation, touch
from guarantee_tui.store.facts import ClaimFacts, load_claim
from guarantee_tui.store.log import NewEntry, append, canonical_json
from guarantee_tui.store.transactions import write_transaction

MARK_ACTIONS: Final = {
    "truthful": "mark_truthful",
    "untruthful": "mark_untruthful",
    None: "mark_cleared",
}


class NoExplanation(UserError):
    def __init__(self, claim_ref: str, contact_ref: str) -> None:
        super().__init__(contact_ref)
        self.claim_ref, self.contact_ref = claim_ref, contact_ref

    def describe(self, tr: Translator) -> str:
        return tr(
            "Claim {claim} has no explanation for contact {contact} to verify.",
            claim=self.claim_ref,
            contact=self.contact_ref,
        )


class NoteRequired(UserError):
    def describe(self, tr: Translator) -> str:
        return tr("Say in a short note why the explanation is untruthful.")


@dataclass(frozen=True, slots=True)
class Marked:
    claim_ref: str
    contact_ref: str
    verification: str | None
    version: int
    log_seq: int


def mark(
    engine: Engine,
    claim_ref: str,
    contact_ref: str,
    verification: str | None,
    *,
    agent: str | None,
    at: datetime,
    note: str = "",
) -> Marked:
    """Records the mark, who made it and when; the claim's verdict follows at once."""
    if verification not in MARK_ACTIONS:
        raise ValueError(verification)
    note = note.strip()
    if verification == "untruthful" and not note:
        raise NoteRequired(claim_ref)
    with write_transaction(engine) as conn:
        facts = _open_facts(conn, claim_ref)
        if all(e.contact_ref != contact_ref for e in facts.claim.explanations):
            raise NoExplanation(claim_ref, contact_ref)
        actor = resolve_actor(conn, agent, at)
        refuse_if_held(conn, claim_ref, actor.name)
        marked = _mark_one(conn, facts, contact_ref, verification, actor, at, note)
        refresh_claims(conn, [facts.claim_id], at)
        return marked


def unverified(explanations: Iterable[tuple[str, str, str | None]]) -> list[str]:
    """The contacts whose explanation (contact ref, text, verification) has text
    and no mark yet: what "mark the rest truthful" marks."""
    return [ref for ref, text, mark in explanations if text.strip() and mark is None]


def mark_rest_truthful(
    engine: Engine,
    claim_ref: str,
    contact_refs: Iterable[str],
    *,
    agent: str | None,
    at: datetime,
) -> list[Marked]:
    """Marks truthful, in one transaction, those of `contact_refs` (the ones the
    agent was shown as unverified) still unverified now; each mark is its own
    act in the log, as if made one by one. A contact marked meanwhile by
    someone else keeps that mark."""
    wanted = list(dict.fromkeys(contact_refs))
    with write_transaction(engine) as conn:
        facts = _open_facts(conn, claim_ref)
        actor = resolve_actor(conn, agent, at)
        refuse_if_held(conn, claim_ref, actor.name)
        still = set(
            unverified((e.contact_ref, e.text, e.verification) for e in facts.claim.explanations)
        )
        marks = [
            _mark_one(conn, facts, ref, "truthful", actor, at, "") for ref in wanted if ref in still
        ]
        if marks:
            refresh_claims(conn, [facts.claim_id], at)
        return marks


def _open_facts(conn: Connection, claim_ref: str) -> ClaimFacts:
    facts = load_claim(conn, claim_ref)
    if facts is None:
        raise UnknownClaim(claim_ref)
    if facts.claim.status != "open":
        raise ClaimNotOpen(claim_ref, facts.claim.status)
    return facts


def _mark_one(
    conn: Connection,
    facts: ClaimFacts,
    contact_ref: str,
    verification: str | None,
    actor: Actor,
    at: datetime,
    note: str,
) -> Marked:
    claim_ref = facts.claim.ref
    mark_explanation(
        conn,
        facts.claim_id,
        contact_ref,
        verification=verification,
        agent=None if verification is None else actor.name,
        at=None if verification is None else at,
        note=note or None,
    )
    # Any change of state invalidates what other agents saw of the claim.
    version = touch(conn, facts.claim_id)
    entry = append(
        conn,
        NewEntry(
            at=at,
            agent=actor.name,
            role=actor.role,
            action=MARK_ACTIONS[verification],
            claim_ref=claim_ref,
            professional_ref=facts.professional.ref,
            market=str(facts.professional.market),
            reason=note or None,
            details=canonical_json({"contact_ref": contact_ref}),
        ),
    )
    return Marked(claim_ref, contact_ref, verification, version, entry.seq)
