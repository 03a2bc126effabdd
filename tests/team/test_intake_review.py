"""On PostgreSQL an agent confirms and sets aside intake messages under their own
login, and cannot do it, or anything else with the rights it needs, under
another agent's name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError

from guarantee_tui.mail.sources import RawMessage
from guarantee_tui.services import intake_review as review
from guarantee_tui.services import log as log_service
from guarantee_tui.services.agents import WrongAgent
from guarantee_tui.services.intake import intake_one
from guarantee_tui.store.engine import make_engine
from guarantee_tui.store.models import Claim, Explanation, IntakeMessage
from tests.mail.cases import load, numbered_letter
from tests.mail.helpers import raw
from tests.services.test_intake_review import AT, FROM_PRO, PROSE
from tests.team.conftest import MakeLogin

pytestmark = pytest.mark.pg


def _waiting(admin: Engine, message_id: str, text_: str = PROSE, sender: str = FROM_PRO) -> int:
    data = raw(text_, sender=sender, message_id=message_id)
    outcome = intake_one(admin, RawMessage("t.eml", data), agent="Robot", at=AT)
    assert outcome.status in review.WAITING
    with admin.connect() as conn:
        return int(
            conn.execute(
                select(IntakeMessage.id).where(IntakeMessage.message_id == message_id)
            ).scalar_one()
        )


@pytest.fixture
def logins(pg_url: str, make_login: MakeLogin, tmp_path: Path) -> dict[str, str]:
    admin = make_engine(pg_url)
    try:
        load(admin, tmp_path)
    finally:
        admin.dispose()
    return {
        "camille": make_login("Camille Laurent", "agent"),
        "julien": make_login("Julien Morel", "agent"),
    }


def test_an_agent_confirms_and_sets_aside_under_their_own_name(
    pg_url: str, logins: dict[str, str]
) -> None:
    admin = make_engine(pg_url)
    camille = make_engine(logins["camille"])
    julien = make_engine(logins["julien"])
    try:
        claim_message = _waiting(admin, "<p@x>")
        later = "Bom dia,\n\n1. Sem resposta.\n2. Afinal escolheu outra empresa.\n3. Obra adiada."
        changes = _waiting(admin, "<later@x>", later, "Rui <rui@costa.pt>")
        aside = _waiting(admin, "<q@x>", "Bonjour, est-ce que les contacts sans remise comptent ?")
        draft = review.load(camille, claim_message)
        made = review.confirm(camille, draft, agent=None, at=AT)
        assert made.created and made.agent == "Camille Laurent"
        changed = review.confirm(camille, review.load(camille, changes), agent=None, at=AT)
        assert (changed.claim, changed.explanations) == ("CL-T1", 2)
        gone = review.dismiss(
            julien, aside, "Une question, répondue par téléphone", agent=None, at=AT
        )
        assert gone.agent == "Julien Morel"
        with pytest.raises(review.AlreadyAnswered, match="Camille Laurent has already confirmed"):
            review.confirm(julien, draft, agent=None, at=AT)
        with admin.connect() as conn:
            rows = conn.execute(
                select(IntakeMessage.id, IntakeMessage.status, IntakeMessage.agent).order_by(
                    IntakeMessage.id
                )
            ).all()
            status = conn.execute(select(Claim.status).where(Claim.ref == made.claim)).scalar_one()
            texts = dict(
                conn.execute(
                    select(Explanation.contact_ref, Explanation.text)
                    .join(Claim, Claim.id == Explanation.claim_id)
                    .where(Claim.ref == "CL-T1")
                ).all()
            )
        assert [tuple(r) for r in rows] == [
            (claim_message, "confirmed", "Camille Laurent"),
            (changes, "confirmed", "Camille Laurent"),
            (aside, "dismissed", "Julien Morel"),
        ]
        assert status == "open" and texts["LP-003"] == "Obra adiada."
        entries = [(e.action, e.agent) for e in log_service.iter_all(admin) if e.action == "intake"]
        assert entries == [("intake", "Camille Laurent")] * 2 + [("intake", "Julien Morel")]
        assert log_service.verify(admin).ok
    finally:
        for engine in (admin, camille, julien):
            engine.dispose()


def test_an_agent_picks_an_unknown_senders_professional_and_confirms(
    pg_url: str, logins: dict[str, str]
) -> None:
    admin = make_engine(pg_url)
    camille = make_engine(logins["camille"])
    try:
        letter = numbered_letter().replace("Plomberie Martin", "")
        intake_id = _waiting(admin, "<u@x>", letter, "x@nowhere.example")
        draft = review.load(camille, intake_id, "FR-T1")
        made = review.confirm(camille, draft, agent=None, at=AT)
        assert made.created and made.explanations == 20
        with admin.connect() as conn:
            row = conn.execute(
                select(
                    IntakeMessage.status, IntakeMessage.agent, IntakeMessage.professional_id
                ).where(IntakeMessage.id == intake_id)
            ).one()
        assert row.status == "confirmed" and row.agent == "Camille Laurent"
        assert row.professional_id is not None
    finally:
        admin.dispose()
        camille.dispose()


def test_an_agent_cannot_answer_under_another_agents_name(
    pg_url: str, logins: dict[str, str]
) -> None:
    admin = make_engine(pg_url)
    camille = make_engine(logins["camille"])
    try:
        first = _waiting(admin, "<1@x>")
        second = _waiting(admin, "<2@x>")
        with pytest.raises(WrongAgent):
            review.confirm(camille, review.load(camille, first), agent="Julien Morel", at=AT)
        with pytest.raises(WrongAgent):
            review.dismiss(camille, first, "non", agent="Julien Morel", at=AT)
        own = review.dismiss(camille, first, "doublon", agent=None, at=AT)
        you = "you are connected as"
        forged = [
            # The log entry under Julien's name.
            (
                "INSERT INTO log_entries (seq, at, agent, role, action, prev_hash, hash) "
                "VALUES (999, now(), 'Julien Morel', 'agent', 'intake', 'x', 'y')",
                you,
            ),
            # The answer under Julien's name, with Camille's entry.
            (
                f"UPDATE intake_messages SET status = 'dismissed', agent = 'Julien Morel', "
                f"log_seq = {own.log_seq} WHERE id = {second}",
                you,
            ),
            # Camille's answer without an entry of hers.
            (
                f"UPDATE intake_messages SET status = 'dismissed', agent = 'Camille Laurent' "
                f"WHERE id = {second}",
                you,
            ),
            # An answered message answered again.
            (
                f"UPDATE intake_messages SET status = 'confirmed' WHERE id = {first}",
                "answered already",
            ),
            # A claim that is no message's, and an explanation on someone's claim.
            (
                "INSERT INTO claims (professional_id, ref, submitted_at, status, version) "
                "SELECT id, 'CL-FORGED', now(), 'open', 1 FROM professionals LIMIT 1",
                "only by confirming",
            ),
            (
                "UPDATE explanations SET text = 'autre' WHERE contact_ref = 'LP-001'",
                "only by confirming",
            ),
        ]
        for statement, match in forged:
            with pytest.raises(DBAPIError, match=match) as refused, camille.begin() as conn:
                conn.execute(text(statement))
            assert "insufficient" in type(refused.value.orig).__name__.lower() or (
                getattr(refused.value.orig, "sqlstate", None) == "42501"
            )
        with admin.connect() as conn:
            row = conn.execute(
                select(IntakeMessage.status, IntakeMessage.agent).where(IntakeMessage.id == second)
            ).one()
            details = [
                json.loads(e.details or "{}")
                for e in log_service.iter_all(admin)
                if e.action == "intake"
            ]
        assert tuple(row) == ("needs_review", "Robot")
        assert [d["outcome"] for d in details] == ["dismissed"]
    finally:
        admin.dispose()
        camille.dispose()
