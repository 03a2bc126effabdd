"""Reading back the state the log vouches for: statuses, decisions, the ledger, roles.

`log verify` recomputes from the log what these tables must hold
(services/log_state.py) and compares with what they hold, read here. The
comparisons that would move large texts (a decision's letter and checklist
against its entry's) are made by the database, which returns one flag.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import Connection, and_, case, func, or_, select

from guarantee_tui.store.models import Agent, Claim, Decision, LedgerEntry, LogEntry, Professional

# Bound parameters per statement stay far below both backends' limits.
_CHUNK: Final = 1000
DECIDING: Final = ("approve", "reject", "suspend")


def _chunks(refs: Collection[str]) -> Iterator[list[str]]:
    ordered = sorted(set(refs))
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]


def claim_statuses(conn: Connection, refs: Collection[str]) -> dict[str, str]:
    """Claim ref -> status, for these refs (a ref with no claim is absent)."""
    found: dict[str, str] = {}
    for chunk in _chunks(refs):
        rows = conn.execute(select(Claim.ref, Claim.status).where(Claim.ref.in_(chunk)))
        found.update((str(ref), str(status)) for ref, status in rows)
    return found


def claim_now(conn: Connection, claim_id: int) -> tuple[str, int]:
    """The claim's status and version as committed now (read under the log head's lock)."""
    row = conn.execute(select(Claim.status, Claim.version).where(Claim.id == claim_id)).one()
    return str(row.status), int(row.version)


@dataclass(frozen=True, slots=True)
class DecisionRow:
    """A row of the decisions table beside its log entry."""

    id: int
    log_seq: int
    claim_ref: str
    # Whether the columns the entry also holds (action, agent, claim, time,
    # reason, refund, checklist, letter) are the entry's.
    same_as_entry: bool
    reason_codes: str
    # The claim's version the decision was taken at.
    seen_version: int
    entry_details: str | None


def decision_rows(conn: Connection, *, batch_size: int = 5000) -> Iterator[DecisionRow]:
    """Every decision row, compared with its log entry, in id order."""
    d, c, entry = Decision, Claim, LogEntry
    same = and_(
        entry.action == d.action,
        entry.agent == d.agent,
        entry.claim_ref == c.ref,
        entry.at == d.decided_at,
        entry.reason == d.reason,
        entry.refund_credits.is_not_distinct_from(d.refund_credits),
        entry.checklist == d.checklist,
        entry.letter_language == d.letter_language,
        entry.letter_text == d.letter_text,
    )
    last = 0
    while True:
        rows = conn.execute(
            select(
                d.id,
                d.log_seq,
                c.ref,
                case((same, 1), else_=0),
                d.reason_codes,
                d.claim_version,
                entry.details,
            )
            .join(c, c.id == d.claim_id)
            .outerjoin(entry, entry.seq == d.log_seq)
            .where(d.id > last)
            .order_by(d.id)
            .limit(batch_size)
        ).all()
        if not rows:
            return
        for row in rows:
            yield DecisionRow(
                int(row[0]),
                int(row[1]),
                str(row[2]),
                bool(row[3]),
                str(row[4]),
                int(row[5]),
                row[6],
            )
        last = int(rows[-1][0])


def unrecorded_decisions(conn: Connection) -> list[tuple[int, str | None]]:
    """(seq, claim ref) of the decision entries that no decision row records."""
    rows = conn.execute(
        select(LogEntry.seq, LogEntry.claim_ref)
        .where(LogEntry.action.in_(DECIDING))
        .where(~select(Decision.id).where(Decision.log_seq == LogEntry.seq).exists())
        .order_by(LogEntry.seq)
    )
    return [(int(seq), ref) for seq, ref in rows]


@dataclass(frozen=True, slots=True)
class LedgerRow:
    id: int
    log_seq: int
    amount: int
    # The refund (or, negative, the reversal) its log entry records; None:
    # the entry records none, or is not a refund's or a reversal's.
    logged: int | None


def ledger_rows_unlike_their_entry(conn: Connection) -> list[LedgerRow]:
    """Ledger rows whose amount, kind or professional is not their log entry's."""
    le, entry, p = LedgerEntry, LogEntry, Professional
    matches = and_(
        entry.refund_credits == le.amount,
        entry.professional_ref == p.ref,
        or_(
            and_(le.kind == "guarantee_refund", entry.action == "approve"),
            and_(le.kind == "refund_reversal", entry.action == "reopen"),
        ),
    )
    rows = conn.execute(
        select(
            le.id,
            le.log_seq,
            le.amount,
            case(
                (entry.action.in_(("approve", "reopen")), entry.refund_credits),
                else_=None,
            ),
        )
        .join(p, p.id == le.professional_id)
        .outerjoin(entry, entry.seq == le.log_seq)
        # NULL (no entry) is no match either.
        .where(case((matches, 1), else_=0) == 0)
        .order_by(le.id)
    )
    return [LedgerRow(int(i), int(seq), int(amount), logged) for i, seq, amount, logged in rows]


def ledger_balances(conn: Connection) -> dict[str, int]:
    """Professional ref -> the sum of their ledger entries (those with entries only)."""
    rows = conn.execute(
        select(Professional.ref, func.sum(LedgerEntry.amount))
        .join(Professional, Professional.id == LedgerEntry.professional_id)
        .group_by(Professional.ref)
    )
    return {str(ref): int(total) for ref, total in rows}


@dataclass(frozen=True, slots=True)
class Suspension:
    status: str
    suspended_at: datetime | None
    reason: str | None


def suspensions(conn: Connection, refs: Collection[str]) -> dict[str, Suspension]:
    """Professional ref -> status and suspension, for these refs and every suspended one."""
    columns = (
        Professional.ref,
        Professional.status,
        Professional.suspended_at,
        Professional.suspension_reason,
    )
    found: dict[str, Suspension] = {}
    rows = list(conn.execute(select(*columns).where(Professional.status != "active")))
    for chunk in _chunks(refs):
        rows.extend(conn.execute(select(*columns).where(Professional.ref.in_(chunk))))
    for ref, status, at, reason in rows:
        found[str(ref)] = Suspension(str(status), at, reason)
    return found


def agent_roles(conn: Connection) -> dict[str, str]:
    """Agent name -> role, for every agent in the table."""
    return {str(name): str(role) for name, role in conn.execute(select(Agent.name, Agent.role))}
