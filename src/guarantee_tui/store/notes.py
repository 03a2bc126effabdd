"""What the team tells itself on a claim: agents' notes, and the reason a
supervisor gave when reopening it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, select

from guarantee_tui.store.models import ClaimNote, LogEntry


@dataclass(frozen=True, slots=True)
class NoteRow:
    at: datetime
    agent: str
    text: str


def add(
    conn: Connection, *, claim_id: int, agent: str, at: datetime, text: str, log_seq: int
) -> int:
    return int(
        conn.execute(
            insert(ClaimNote)
            .values(claim_id=claim_id, agent=agent, at=at, text=text, log_seq=log_seq)
            .returning(ClaimNote.id)
        ).scalar_one()
    )


def of_claim(conn: Connection, claim_id: int, limit: int = 20) -> list[NoteRow]:
    """The claim's notes, newest first."""
    rows = conn.execute(
        select(ClaimNote.at, ClaimNote.agent, ClaimNote.text)
        .where(ClaimNote.claim_id == claim_id)
        .order_by(ClaimNote.at.desc(), ClaimNote.id.desc())
        .limit(limit)
    ).all()
    return [NoteRow(at, agent, text) for at, agent, text in rows]


def latest_reopening(conn: Connection, claim_ref: str) -> NoteRow | None:
    """Who reopened the claim last, when and why (None: never reopened)."""
    row = conn.execute(
        select(LogEntry.at, LogEntry.agent, LogEntry.reason)
        .where(LogEntry.claim_ref == claim_ref, LogEntry.action == "reopen")
        .order_by(LogEntry.seq.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    return NoteRow(row.at, row.agent, row.reason or "")
