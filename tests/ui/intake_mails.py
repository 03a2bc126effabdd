"""Waiting e-mails in the UI tests' database, written by the seeded corpus
(services/seed/mails.py) for its one professional who may claim (D-PT-0001,
Remodelações Ferreira), and taken in by intake as the mailbox would."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from guarantee_tui.mail.sources import RawMessage
from guarantee_tui.services.intake import intake_one
from guarantee_tui.services.seed.mails import CorpusMail, corpus
from guarantee_tui.store.engine import make_engine
from guarantee_tui.store.models import IntakeMessage
from tests.builders import AT
from tests.mail.helpers import raw

PROFESSIONAL = "D-PT-0001"
# What intake makes of each, oldest first: the list shows them newest first.
STYLES = ("out_of_office", "question", "grouped")


def _stranger(mail: CorpusMail) -> bytes:
    """The corpus's explanations, numbered, from an address nobody has and
    signed by nobody: the agent must say who sent it."""
    items = "\n".join(
        f"{n}. {text}" for n, (_ref, text) in enumerate(mail.truth.explanations, start=1)
    )
    return raw(
        f"Bom dia,\n\nSegue o que aconteceu com cada contacto:\n\n{items}\n\nCumprimentos",
        sender="Obras <obras.lisboa@example.org>",
        subject="Garantia de contactos",
        message_id="<stranger@example.org>",
        date_header="Mon, 29 Jun 2026 09:30:00 +0100",
    )


def add_waiting_mails(url: str) -> dict[str, int]:
    """The waiting messages by style ("unknown" for the stranger's), by id."""
    engine = make_engine(url)
    try:
        mails = {m.truth.style: m for m in corpus(engine, professionals=1, anchor=AT)}
        messages = [(s, mails[s].raw) for s in STYLES]
        messages.append(("unknown", _stranger(mails["numbered"])))
        ids: dict[str, int] = {}
        for minutes, (style, data) in enumerate(messages):
            at = AT - timedelta(hours=3) + timedelta(minutes=10 * minutes)
            outcome = intake_one(engine, RawMessage(f"{style}.eml", data), agent="intake", at=at)
            assert outcome.status in ("needs_review", "unknown_sender", "not_a_claim"), style
            with engine.connect() as conn:
                ids[style] = int(
                    conn.execute(
                        select(IntakeMessage.id).where(
                            IntakeMessage.message_id == outcome.message_id
                        )
                    ).scalar_one()
                )
        return ids
    finally:
        engine.dispose()
