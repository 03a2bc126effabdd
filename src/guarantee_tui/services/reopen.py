"""Reopening a decided claim: a supervisor's act, never an edit.

The decision stays in the log as it was. Reopening appends its own entry
with the reason and compensates what the decision did: an approved refund
is reversed by a debit on the ledger, a suspension is lifted. The claim
goes back to the queue, open, at a new version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from guarantee_tui.errors import UserError
from guarantee_tui.i18n import N_, Translator
from guarantee_tui.services.agents import NotAllowed, resolve_actor
from guarantee_tui.services.checks import UnknownClaim
from guarantee_tui.services.decisions import ReasonRequired
from guarantee_tui.services.effects import enqueue_reopening_effects
from guarantee_tui.services.verdicts import refresh_claims
from guarantee_tui.store.claims import change_status, claim_ids_of_professional
from guarantee_tui.store.decisions import insert_ledger_entry, lift_suspension
from guarantee_tui.store.details import latest_decision
from guarantee_tui.store.facts import load_claim
from guarantee_tui.store.log import NewEntry, NothingToReopen, append, canonical_json
from guarantee_tui.store.transactions import write_transaction


class NotDecided(UserError):
    def __init__(self, ref: str) -> None:
        super().__init__(ref)
        self.ref = ref

    def describe(self, tr: Translator) -> str:
        return tr("Claim {ref} is open: there is no decision to reopen.", ref=self.ref)


class NoDecisionRecorded(UserError):
    """The claim's status says decided, but no decision of this tool stands on it."""

    def __init__(self, ref: str, status: str) -> None:
        super().__init__(ref)
        self.ref, self.status = ref, status

    def describe(self, tr: Translator) -> str:
        from guarantee_tui.presentation import claim_status_label

        return tr(
            "Claim {ref} reads {status}, but no decision recorded here stands on it: "
            "there is nothing to reopen.",
            ref=self.ref,
            status=claim_status_label(self.status, tr),
        )


@dataclass(frozen=True, slots=True)
class Reopened:
    claim_ref: str
    previous_status: str
    log_seq: int
    reversed_credits: int | None
    lifted_suspension: bool


def reopen(
    engine: Engine,
    claim_ref: str,
    *,
    reason: str,
    agent: str | None,
    at: datetime,
    chosen_time: bool = False,
) -> Reopened:
    """Reopens a decided claim, or raises and records nothing.

    `chosen_time`: a person gave `at` (`reopen --at`); see store.log.append.
    """
    if not reason.strip():
        raise ReasonRequired(claim_ref)
    with write_transaction(engine) as conn:
        actor = resolve_actor(conn, agent, at)
        if not actor.is_supervisor:
            raise NotAllowed(actor, N_("reopen a decision"))
        facts = load_claim(conn, claim_ref)
        if facts is None:
            raise UnknownClaim(claim_ref)
        previous = facts.claim.status
        if previous == "open":
            raise NotDecided(claim_ref)
        decision = latest_decision(conn, facts.claim_id)
        if decision is None:
            # A status that came with the claim (an import), not from a decision:
            # the log would hold a reopening of nothing.
            raise NoDecisionRecorded(claim_ref, previous)
        reversed_credits = decision.refund_credits if previous == "approved" else None
        new_entry = NewEntry(
            at=at,
            agent=actor.name,
            role=actor.role,
            action="reopen",
            claim_ref=claim_ref,
            professional_ref=facts.professional.ref,
            market=str(facts.professional.market),
            reason=reason.strip(),
            refund_credits=-reversed_credits if reversed_credits else None,
            details=canonical_json(
                {
                    "previous_status": previous,
                    "reopened_decision_seq": decision.log_seq,
                }
            ),
        )
        try:
            entry = append(conn, new_entry, chosen_time=chosen_time)
        except NothingToReopen:
            raise NoDecisionRecorded(claim_ref, previous) from None
        # The status follows its reopening: the database lets a claim reopen
        # only with the reopening at the log's head (migration 0008).
        if not change_status(
            conn,
            facts.claim_id,
            seen_version=facts.version,
            expected_status=previous,
            new_status="open",
        ):
            from guarantee_tui.services.decisions import ClaimChanged

            raise ClaimChanged(claim_ref)
        lifted = False
        if reversed_credits:
            insert_ledger_entry(
                conn,
                professional_id=facts.professional_id,
                at=at,
                amount=-reversed_credits,
                kind="refund_reversal",
                decision_id=decision.id,
                log_seq=entry.seq,
                agent=actor.name,
            )
        if previous == "suspended":
            lifted = lift_suspension(conn, facts.professional_id)
        enqueue_reopening_effects(
            conn,
            previous_status=previous,
            professional=facts.professional.ref,
            claim=claim_ref,
            log_seq=entry.seq,
            at=at,
            reversed_credits=reversed_credits,
        )
        refresh_claims(conn, claim_ids_of_professional(conn, facts.professional_id), at)
        return Reopened(claim_ref, previous, entry.seq, reversed_credits, lifted)


@dataclass(frozen=True, slots=True)
class ReopenPreview:
    """What reopening a claim would reverse, said before the supervisor confirms."""

    claim_ref: str
    market: str
    previous_status: str
    decided_by: str
    decided_at: datetime
    # Credits the approval refunded, which would be taken back.
    reversed_credits: int | None
    # The professional's profile would be unsuspended.
    lifts_suspension: bool
    # Where the decision's letter is: "delivered" (it cannot be unsent), another
    # state of the outbox (still to go), or None (no letter queued).
    letter_state: str | None
    letter_sent_at: datetime | None


def preview_reopen(engine: Engine, claim_ref: str) -> ReopenPreview:
    """What `reopen` would do now, without doing it (raises as `reopen` would)."""
    from guarantee_tui.store.outbox import latest_of_claim

    with engine.connect() as conn:
        facts = load_claim(conn, claim_ref)
        if facts is None:
            raise UnknownClaim(claim_ref)
        previous = facts.claim.status
        if previous == "open":
            raise NotDecided(claim_ref)
        decision = latest_decision(conn, facts.claim_id)
        if decision is None:
            raise NoDecisionRecorded(claim_ref, previous)
        letter = latest_of_claim(conn, claim_ref, "letter")
        return ReopenPreview(
            claim_ref=claim_ref,
            market=str(facts.professional.market),
            previous_status=previous,
            decided_by=decision.agent,
            decided_at=decision.decided_at,
            reversed_credits=decision.refund_credits if previous == "approved" else None,
            lifts_suspension=previous == "suspended",
            letter_state=None if letter is None else letter.state,
            letter_sent_at=None if letter is None else letter.delivered_at,
        )
