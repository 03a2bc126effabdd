"""What a decision and its reopening write besides the log: rows, not rules.

The services (services/decisions.py, services/reopen.py) decide what is
written; these functions write it, in the caller's transaction. The
database itself refuses a second decision on a claim that no reopening
followed, and a second refund (or reversal) of one decision (migration
0004): `DecidedTwice` is that refusal, recognised.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from guarantee_tui.store.log import DECIDED_TWICE, DecidedTwice
from guarantee_tui.store.models import Decision, LedgerEntry, Professional

__all__ = ["DecidedTwice"]


@dataclass(frozen=True, slots=True)
class NewDecision:
    claim_id: int
    log_seq: int
    action: str
    agent: str
    decided_at: datetime
    opened_at: datetime | None
    reason: str
    reason_codes: str  # JSON list of condition ids
    refund_credits: int | None
    verdict: str
    checklist: str  # canonical JSON
    letter_language: str
    letter_text: str
    claim_version: int


def insert_decision(conn: Connection, decision: NewDecision) -> int:
    """Records the decision; returns its id. Raises DecidedTwice when the database refuses."""
    values = {name: getattr(decision, name) for name in NewDecision.__dataclass_fields__}
    try:
        return int(
            conn.execute(insert(Decision).values(**values).returning(Decision.id)).scalar_one()
        )
    except IntegrityError as exc:
        if DECIDED_TWICE in str(exc.orig):
            raise DecidedTwice(str(decision.claim_id)) from exc
        raise


def insert_ledger_entry(
    conn: Connection,
    *,
    professional_id: int,
    at: datetime,
    amount: int,
    kind: str,
    decision_id: int | None,
    log_seq: int,
    agent: str,
) -> None:
    conn.execute(
        insert(LedgerEntry).values(
            professional_id=professional_id,
            at=at,
            amount=amount,
            kind=kind,
            decision_id=decision_id,
            log_seq=log_seq,
            agent=agent,
        )
    )


def suspend_professional(conn: Connection, professional_id: int, at: datetime, reason: str) -> None:
    conn.execute(
        update(Professional)
        .where(Professional.id == professional_id)
        .values(status="suspended", suspended_at=at, suspension_reason=reason)
    )


def lift_suspension(conn: Connection, professional_id: int) -> bool:
    """Makes a suspended professional active again; False when they were not suspended."""
    result = conn.execute(
        update(Professional)
        .where(Professional.id == professional_id, Professional.status == "suspended")
        .values(status="active", suspended_at=None, suspension_reason=None)
    )
    return result.rowcount == 1


def times_to_decide(conn: Connection, log_seqs: Sequence[int]) -> list[tuple[datetime, datetime]]:
    """(opened_at, decided_at) of the decisions logged at these entries that know when
    the claim was opened."""
    found: list[tuple[datetime, datetime]] = []
    for start in range(0, len(log_seqs), 500):
        rows = conn.execute(
            select(Decision.opened_at, Decision.decided_at).where(
                Decision.log_seq.in_(log_seqs[start : start + 500]),
                Decision.opened_at.is_not(None),
            )
        )
        found.extend((opened, decided) for opened, decided in rows if opened is not None)
    return found
