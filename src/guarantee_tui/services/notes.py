"""Internal notes on a claim: what an agent wants the team to know.

A note is written with its decision-log entry (action `claim_note`) in one
transaction. It is for the team only: letters are built from the checklist
and the decision (services/letters.py), never from notes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import Engine

from guarantee_tui.errors import UserError
from guarantee_tui.i18n import Translator
from guarantee_tui.services.agents import resolve_actor
from guarantee_tui.services.checks import UnknownClaim
from guarantee_tui.store import notes
from guarantee_tui.store.facts import load_claim
from guarantee_tui.store.log import NewEntry, append
from guarantee_tui.store.transactions import write_transaction

MAX_NOTE: Final = 2000
ACTION: Final = "claim_note"


class NoteEmpty(UserError):
    def describe(self, tr: Translator) -> str:
        return tr("Write the note first: it is empty.")


class NoteTooLong(UserError):
    def describe(self, tr: Translator) -> str:
        return tr("A note is at most {n} characters: shorten it.", n=MAX_NOTE)


@dataclass(frozen=True, slots=True)
class Noted:
    claim_ref: str
    note_id: int
    log_seq: int


def add_note(
    engine: Engine, claim_ref: str, text: str, *, agent: str | None, at: datetime
) -> Noted:
    """Adds the note and its log entry, together or not at all. Open or
    decided, any claim takes a note: it changes nothing of its state."""
    text = text.strip()
    if not text:
        raise NoteEmpty(claim_ref)
    if len(text) > MAX_NOTE:
        raise NoteTooLong(claim_ref)
    with write_transaction(engine) as conn:
        facts = load_claim(conn, claim_ref)
        if facts is None:
            raise UnknownClaim(claim_ref)
        actor = resolve_actor(conn, agent, at)
        entry = append(
            conn,
            NewEntry(
                at=at,
                agent=actor.name,
                role=actor.role,
                action=ACTION,
                claim_ref=claim_ref,
                professional_ref=facts.professional.ref,
                market=str(facts.professional.market),
                reason=text,
            ),
        )
        note_id = notes.add(
            conn, claim_id=facts.claim_id, agent=actor.name, at=at, text=text, log_seq=entry.seq
        )
    return Noted(claim_ref, note_id, entry.seq)
