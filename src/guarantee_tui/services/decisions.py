"""Deciding a claim: approve, reject or suspend, all or nothing.

One transaction records the decision (with the checklist as it stood and
the letter), the claim's new status, the log entry, the ledger entry of a
refund, the profile's suspension, and the outbox message the marketplace
must receive. The claim changes only if it is still open at the version the
agent saw, so two agents can never both decide it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import Connection, Engine

from guarantee_tui.errors import UserError
from guarantee_tui.i18n import Translator, translator
from guarantee_tui.policy import Checklist, ConditionId, Status, Verdict, evaluate
from guarantee_tui.policy.markets import rules_for
from guarantee_tui.policy.messages import Message, msg
from guarantee_tui.services.agents import resolve_actor
from guarantee_tui.services.checks import UnknownClaim
from guarantee_tui.services.effects import enqueue_decision_effects
from guarantee_tui.services.leases import end as end_lease
from guarantee_tui.services.leases import refuse_if_held
from guarantee_tui.services.letters import letter, letter_facts
from guarantee_tui.services.verdicts import refresh_claims
from guarantee_tui.store.claims import change_status, claim_ids_of_professional
from guarantee_tui.store.decisions import (
    DecidedTwice,
    NewDecision,
    insert_decision,
    insert_ledger_entry,
    suspend_professional,
)
from guarantee_tui.store.facts import ClaimFacts, load_claim
from guarantee_tui.store.log import NewEntry, append, canonical_json, lock_head
from guarantee_tui.store.log_state import claim_now
from guarantee_tui.store.transactions import write_transaction

ACTIONS: Final = ("approve", "reject", "suspend")
NEW_STATUS: Final = {"approve": "approved", "reject": "rejected", "suspend": "suspended"}
PLATFORM_ABUSE: Final = "platform_abuse"


class UnknownAction(UserError):
    def __init__(self, action: str) -> None:
        super().__init__(action)
        self.action = action

    def describe(self, tr: Translator) -> str:
        return tr("Unknown action {action}: use approve, reject or suspend.", action=self.action)


class ClaimNotOpen(UserError):
    def __init__(self, ref: str, status: str) -> None:
        super().__init__(ref)
        self.ref, self.status = ref, status

    def describe(self, tr: Translator) -> str:
        from guarantee_tui.presentation import claim_status_label

        return tr(
            "Claim {ref} is already decided ({status}); only a supervisor can reopen it.",
            ref=self.ref,
            status=claim_status_label(self.status, tr),
        )


class DecidedBefore(UserError):
    """The claim reads open, yet its last decision was never reopened (the database refused)."""

    def __init__(self, ref: str) -> None:
        super().__init__(ref)
        self.ref = ref

    def describe(self, tr: Translator) -> str:
        return tr(
            "Claim {ref} already has a decision that no reopening followed: nothing was "
            "recorded. Only a supervisor can reopen it.",
            ref=self.ref,
        )


class ClaimChanged(UserError):
    def __init__(self, ref: str) -> None:
        super().__init__(ref)
        self.ref = ref

    def describe(self, tr: Translator) -> str:
        return tr(
            "Claim {ref} was changed by someone else since you opened it. Nothing was "
            "recorded: look at it again.",
            ref=self.ref,
        )


class ActionNotAllowed(UserError):
    def __init__(self, ref: str, why: Message) -> None:
        super().__init__(ref)
        self.ref, self.why = ref, why

    def describe(self, tr: Translator) -> str:
        return tr.render(self.why)


class UnknownReasonCode(UserError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code

    def describe(self, tr: Translator) -> str:
        return tr("Unknown reason code {code}: use condition ids.", code=self.code)


class ReasonRequired(UserError):
    def describe(self, tr: Translator) -> str:
        return tr("A reason is required.")


@dataclass(frozen=True, slots=True)
class Draft:
    """What a decision would record, shown to the agent before confirming."""

    claim_ref: str
    action: str
    version: int
    checklist: Checklist
    why_not: Message | None
    reason_codes: tuple[str, ...]
    untruthful: tuple[str, ...]
    letter_language: str
    letter: str

    @property
    def allowed(self) -> bool:
        return self.why_not is None


@dataclass(frozen=True, slots=True)
class Outcome:
    claim_ref: str
    action: str
    status: str
    decision_id: int
    log_seq: int
    letter_language: str
    letter: str
    refund_credits: int | None


def untruthful_contacts(checklist: Checklist) -> tuple[str, ...]:
    result = checklist.result(ConditionId.EXPLANATIONS_VERIFIED)
    return result.contacts if result.status is Status.NOT_MET else ()


def why_not(
    action: str, checklist: Checklist, status: str, message_for_professional: str | None
) -> Message | None:
    """Why `action` cannot be taken on this claim now, or None when it can.

    Where the checklist does not explain the decision to the professional (a
    rejection with every condition met or pending, a suspension with no
    explanation found untruthful), the letter needs a message written for
    them: the internal reason never reaches the letter."""
    if status != "open":
        return msg("This claim is already decided.")
    if action == "approve" and checklist.verdict is not Verdict.ELIGIBLE:
        return msg(
            "Approve needs every condition met; the checklist says the claim is {verdict}.",
            verdict=_verdict_message(checklist.verdict),
        )
    written = bool(message_for_professional and message_for_professional.strip())
    if action == "suspend" and not untruthful_contacts(checklist) and not written:
        return msg(
            "Suspend needs an explanation marked untruthful, or a message to the "
            "professional saying why."
        )
    if action == "reject" and not checklist.failed and not written:
        return msg(
            "No condition fails: a rejection needs a message to the professional saying why."
        )
    return None


def _verdict_message(verdict: Verdict) -> Message:
    from guarantee_tui.presentation import VERDICT_TEXT

    return msg(VERDICT_TEXT[verdict])


def _draft(
    conn: Connection,
    facts: ClaimFacts,
    action: str,
    at: datetime,
    reason: str,
    message_for_professional: str | None = None,
) -> Draft:
    if action not in ACTIONS:
        raise UnknownAction(action)
    checklist = evaluate(facts.professional, facts.claim, at)
    return Draft(
        claim_ref=facts.claim.ref,
        action=action,
        version=facts.version,
        checklist=checklist,
        why_not=why_not(action, checklist, facts.claim.status, message_for_professional),
        reason_codes=tuple(str(r.id) for r in checklist.failed),
        untruthful=untruthful_contacts(checklist),
        letter_language=rules_for(checklist.market).language,
        # The reason stays in the log; the letter shows only what is written for
        # the professional (services/letters.py).
        letter=letter(action, letter_facts(conn, facts, checklist, message_for_professional)),
    )


def draft(
    engine: Engine,
    claim_ref: str,
    action: str,
    at: datetime,
    reason: str = "",
    message_for_professional: str | None = None,
) -> Draft:
    with engine.connect() as conn:
        facts = load_claim(conn, claim_ref)
        if facts is None:
            raise UnknownClaim(claim_ref)
        return _draft(conn, facts, action, at, reason, message_for_professional)


def checklist_record(checklist: Checklist, tr: Translator) -> dict[str, Any]:
    """The checklist as stored with a decision: readable as recorded, and re-renderable."""
    return {
        "at": checklist.at.isoformat(),
        "language": tr.language,
        "verdict": str(checklist.verdict),
        "recommended_action": str(checklist.action),
        "refund_credits": checklist.refund_credits,
        "conditions": [
            {
                "id": str(r.id),
                "status": str(r.status),
                "evidence": tr.render(r.evidence),
                "message": r.evidence.to_json(),
                "contacts": list(r.contacts),
            }
            for r in checklist.results
        ],
    }


def decide(
    engine: Engine,
    claim_ref: str,
    action: str,
    *,
    reason: str,
    agent: str | None,
    at: datetime,
    seen_version: int | None = None,
    opened_at: datetime | None = None,
    language: str = "en",
    reason_codes: Sequence[str] | None = None,
    chosen_time: bool = False,
    message_for_professional: str | None = None,
) -> Outcome:
    """Records the decision, or raises and records nothing.

    `reason_codes` are the condition ids the agent gives as grounds; by
    default the conditions that are not met. `chosen_time`: a person gave
    `at` (`decide --at`), which may then be neither before the log's newest
    entry nor in the future (store.log.append). `message_for_professional`: a
    text the agent wrote for the professional, in the letter's language, shown
    in the letter as written (the reason never is).
    """
    if action not in ACTIONS:
        raise UnknownAction(action)
    known = {str(c) for c in ConditionId}
    if reason_codes is not None and not set(reason_codes) <= known:
        raise UnknownReasonCode(sorted(set(reason_codes) - known)[0])
    if not reason.strip():
        raise ReasonRequired(claim_ref)
    with write_transaction(engine) as conn:
        # The head's lock first, and the facts read under it: a decision on
        # another claim of the same professional (an approval: "no previous
        # refund") committed meanwhile is seen by this checklist.
        lock_head(conn)
        facts = load_claim(conn, claim_ref)
        if facts is None:
            raise UnknownClaim(claim_ref)
        if facts.claim.status != "open":
            raise ClaimNotOpen(claim_ref, facts.claim.status)
        if seen_version is not None and seen_version != facts.version:
            raise ClaimChanged(claim_ref)
        drafted = _draft(conn, facts, action, at, reason, message_for_professional)
        if drafted.why_not is not None:
            raise ActionNotAllowed(claim_ref, drafted.why_not)
        actor = resolve_actor(conn, agent, at)
        # Someone else working the claim has it (services/leases.py).
        refuse_if_held(conn, claim_ref, actor.name)
        # Read again under the log head's lock, which every decision and
        # reopening takes first: one that came in meanwhile is seen here.
        status_now, version_now = claim_now(conn, facts.claim_id)
        if status_now != "open":
            raise ClaimNotOpen(claim_ref, status_now)
        if version_now != facts.version:
            raise ClaimChanged(claim_ref)
        new_status = NEW_STATUS[action]
        checklist = drafted.checklist
        refund = checklist.refund_credits if action == "approve" else None
        record = canonical_json(checklist_record(checklist, translator(language)))
        codes = list(drafted.reason_codes if reason_codes is None else reason_codes)
        new_entry = NewEntry(
            at=at,
            agent=actor.name,
            role=actor.role,
            action=action,
            claim_ref=claim_ref,
            professional_ref=facts.professional.ref,
            market=str(checklist.market),
            letter_language=drafted.letter_language,
            letter_text=drafted.letter,
            reason=reason.strip(),
            refund_credits=refund,
            checklist=record,
            details=canonical_json(
                {
                    "reason_codes": codes,
                    "claim_version": facts.version,
                    "untruthful": list(drafted.untruthful),
                }
            ),
        )
        try:
            entry = append(conn, new_entry, chosen_time=chosen_time)
            decision_id = insert_decision(
                conn,
                NewDecision(
                    claim_id=facts.claim_id,
                    log_seq=entry.seq,
                    action=action,
                    agent=actor.name,
                    decided_at=at,
                    opened_at=opened_at,
                    reason=reason.strip(),
                    reason_codes=json.dumps(codes),
                    refund_credits=refund,
                    verdict=str(checklist.verdict),
                    checklist=record,
                    letter_language=drafted.letter_language,
                    letter_text=drafted.letter,
                    claim_version=facts.version,
                ),
            )
        except DecidedTwice:
            # The claim reads open, but the log and the decisions say otherwise
            # (a status changed behind the workflow's back): the database refuses.
            raise DecidedBefore(claim_ref) from None
        # The status follows its decision: the database lets a claim be decided
        # only by the decision at the log's head (migration 0008).
        if not change_status(
            conn,
            facts.claim_id,
            seen_version=facts.version,
            expected_status="open",
            new_status=new_status,
        ):
            raise ClaimChanged(claim_ref)
        if action == "approve":
            assert refund is not None
            insert_ledger_entry(
                conn,
                professional_id=facts.professional_id,
                at=at,
                amount=refund,
                kind="guarantee_refund",
                decision_id=decision_id,
                log_seq=entry.seq,
                agent=actor.name,
            )
        elif action == "suspend":
            suspend_professional(
                conn, facts.professional_id, at, f"{PLATFORM_ABUSE}: {reason.strip()}"
            )
        enqueue_decision_effects(
            conn,
            action=action,
            professional=facts.professional.ref,
            claim=claim_ref,
            log_seq=entry.seq,
            at=at,
            letter_language=drafted.letter_language,
            letter_text=drafted.letter,
            refund_credits=refund,
            note=reason.strip(),
        )
        end_lease(conn, facts.claim_id)
        # An approval changes "no earlier refund" for the professional's other claims.
        refresh_claims(conn, claim_ids_of_professional(conn, facts.professional_id), at)
        return Outcome(
            claim_ref=claim_ref,
            action=action,
            status=new_status,
            decision_id=decision_id,
            log_seq=entry.seq,
            letter_language=drafted.letter_language,
            letter=drafted.letter,
            refund_credits=refund,
        )
