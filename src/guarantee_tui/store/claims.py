"""Claim state in the database: stored verdicts, status changes, explanation marks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, bindparam, or_, select, update

from guarantee_tui.store.models import Claim, Explanation


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


def stale_claim_ids(conn: Connection, at: datetime, limit: int | None = None) -> list[int]:
    """Claims whose stored verdict is missing or may have changed with time."""
    rows = conn.execute(
        select(Claim.id)
        .where(or_(Claim.verdict.is_(None), Claim.stable_until <= at))
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


def bump_version(conn: Connection, claim_id: int, *, seen_version: int) -> bool:
    result = conn.execute(
        update(Claim)
        .where(Claim.id == claim_id, Claim.version == seen_version, Claim.status == "open")
        .values(version=Claim.version + 1)
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
