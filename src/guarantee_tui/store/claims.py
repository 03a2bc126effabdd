"""Claim state in the database: stored verdicts, status changes, explanation marks, acts."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import Connection, bindparam, or_, select, update

from guarantee_tui.store.models import Claim, Explanation, LogEntry


@dataclass(frozen=True, slots=True)
class StoredVerdict:
    claim_id: int
    verdict: str
    action: str
    refund_credits: int | None
    checked_at: datetime
    stable_until: datetime | None


def save_verdicts(conn: Connection, verdicts: Sequence[StoredVerdict]) -> None:
    if not verdicts:
        return
    stmt = (
        update(Claim)
        .where(Claim.id == bindparam("b_id"))
        .values(
            verdict=bindparam("b_verdict"),
            recommended_action=bindparam("b_action"),
            refund_credits=bindparam("b_refund"),
            checked_at=bindparam("b_checked"),
            stable_until=bindparam("b_until"),
        )
    )
    conn.execute(
        stmt.execution_options(synchronize_session=False),
        [
            {
                "b_id": v.claim_id,
                "b_verdict": v.verdict,
                "b_action": v.action,
                "b_refund": v.refund_credits,
                "b_checked": v.checked_at,
                "b_until": v.stable_until,
            }
            for v in verdicts
        ],
    )


def stale_claim_ids(
    conn: Connection, at: datetime, limit: int | None = None, after: int = 0
) -> list[int]:
    """Claims whose stored verdict is missing or may have changed with time,
    by id from after `after`."""
    rows = conn.execute(
        select(Claim.id)
        .where(or_(Claim.verdict.is_(None), Claim.stable_until <= at), Claim.id > after)
        .order_by(Claim.id)
        .limit(limit)
    ).scalars()
    return list(rows)


def claim_ids_of_professional(conn: Connection, professional_id: int) -> list[int]:
    return list(
        conn.execute(select(Claim.id).where(Claim.professional_id == professional_id)).scalars()
    )


def change_status(
    conn: Connection, claim_id: int, *, seen_version: int, expected_status: str, new_status: str
) -> bool:
    """Moves the claim to `new_status` if nobody changed it since `seen_version`."""
    result = conn.execute(
        update(Claim)
        .where(
            Claim.id == claim_id,
            Claim.version == seen_version,
            Claim.status == expected_status,
        )
        .values(status=new_status, version=Claim.version + 1)
    )
    return result.rowcount == 1


def mark_explanation(
    conn: Connection,
    claim_id: int,
    contact_ref: str,
    *,
    verification: str | None,
    agent: str | None,
    at: datetime | None,
    note: str | None,
) -> bool:
    result = conn.execute(
        update(Explanation)
        .where(Explanation.claim_id == claim_id, Explanation.contact_ref == contact_ref)
        .values(
            verification=verification,
            verified_by=agent,
            verified_at=at,
            verification_note=note,
        )
    )
    return result.rowcount == 1


def touch(conn: Connection, claim_id: int) -> int:
    """Bumps the claim's version (its state changed); returns the new one."""
    return int(
        conn.execute(
            update(Claim)
            .where(Claim.id == claim_id)
            .values(version=Claim.version + 1)
            .returning(Claim.version)
        ).scalar_one()
    )


@dataclass(frozen=True, slots=True)
class Act:
    """An agent's act on a claim, as the log holds it."""

    seq: int
    at: datetime
    agent: str
    action: str


# The acts that change what a claim is: its decision, its marks.
ACTING: Final = (
    "approve",
    "reject",
    "suspend",
    "reopen",
    "mark_truthful",
    "mark_untruthful",
    "mark_cleared",
)
DECIDING: Final = ("approve", "reject", "suspend")


def acts_on(conn: Connection, claim_refs: Collection[str]) -> dict[str, list[Act]]:
    """Claim ref -> the acts logged on it, oldest first; claims never acted on are absent."""
    found: dict[str, list[Act]] = {}
    refs = sorted(set(claim_refs))
    # Bound parameters per statement stay far below both backends' limits.
    for start in range(0, len(refs), 1000):
        rows = conn.execute(
            select(LogEntry.claim_ref, LogEntry.seq, LogEntry.at, LogEntry.agent, LogEntry.action)
            .where(LogEntry.claim_ref.in_(refs[start : start + 1000]))
            .where(LogEntry.action.in_(ACTING))
            .order_by(LogEntry.seq)
        )
        for ref, seq, at, agent, action in rows:
            found.setdefault(str(ref), []).append(Act(seq, at, agent, action))
    return found
