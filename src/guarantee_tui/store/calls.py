"""Call notes: what an agent recorded after a phone call with a professional."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, select

from guarantee_tui.store.models import CallNote


@dataclass(frozen=True, slots=True)
class CallNoteRow:
    id: int
    at: datetime
    agent: str
    summary: str
    outcome: str
    log_seq: int


def add(
    conn: Connection,
    *,
    professional_id: int,
    agent: str,
    at: datetime,
    summary: str,
    outcome: str,
    log_seq: int,
) -> int:
    return int(
        conn.execute(
            insert(CallNote)
            .values(
                professional_id=professional_id,
                agent=agent,
                at=at,
                summary=summary,
                outcome=outcome,
                log_seq=log_seq,
            )
            .returning(CallNote.id)
        ).scalar_one()
    )


def recent(conn: Connection, professional_id: int, limit: int = 5) -> list[CallNoteRow]:
    """The professional's latest call notes, newest first."""
    rows = conn.execute(
        select(
            CallNote.id,
            CallNote.at,
            CallNote.agent,
            CallNote.summary,
            CallNote.outcome,
            CallNote.log_seq,
        )
        .where(CallNote.professional_id == professional_id)
        .order_by(CallNote.at.desc(), CallNote.id.desc())
        .limit(limit)
    )
    return [CallNoteRow(*row) for row in rows]
