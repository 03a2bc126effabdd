"""Intake on both databases: claims created, duplicates, proposals, messages set aside."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, func, select

from guarantee_tui.mail.sources import RawMessage
from guarantee_tui.services import log as log_service
from guarantee_tui.services.intake import Outcome, intake, intake_one
from guarantee_tui.store.log import LogFilter
from guarantee_tui.store.models import (
    Claim,
    Explanation,
    IntakeMatch,
    IntakeMessage,
)
from tests.mail.cases import load, numbered_letter
from tests.mail.helpers import raw

AT = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
FROM_PRO = "Jean Martin <JEAN.MARTIN@plomberie-martin.fr>"


def _one(engine: Engine, data: bytes, origin: str = "test.eml") -> Outcome:
    return intake_one(engine, RawMessage(origin, data), agent="Camille", at=AT)


def _count(engine: Engine, table: type) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_a_numbered_claim_becomes_an_open_claim_with_its_log_entry(
    engine: Engine, tmp_path: Path
) -> None:
    load(engine, tmp_path)
    data = raw(numbered_letter(), sender=FROM_PRO, message_id="<claim-1@pm.fr>")
    outcome = intake_one(engine, RawMessage("claim.eml", data), agent="Camille", at=AT)
    assert (outcome.status, outcome.professional, outcome.claim) == (
        "created",
        "FR-T1",
        "CL-M000001",
    )
    assert len(outcome.matches) == 20 and outcome.unmatched == ()
    with engine.connect() as conn:
        claim = conn.execute(
            select(Claim.id, Claim.status, Claim.submitted_at, Claim.verdict).where(
                Claim.ref == "CL-M000001"
            )
        ).one()
        assert claim.status == "open"
        assert claim.submitted_at == datetime(2026, 6, 15, 8, 0, tzinfo=UTC)
        assert claim.verdict is not None
        texts = dict(
            conn.execute(
                select(Explanation.contact_ref, Explanation.text).where(
                    Explanation.claim_id == claim.id
                )
            ).all()
        )
        message = conn.execute(
            select(
                IntakeMessage.id,
                IntakeMessage.raw,
                IntakeMessage.status,
                IntakeMessage.agent,
                IntakeMessage.log_seq,
            )
        ).one()
    assert texts["LF-003"] == "Explication du contact 3."
    assert len(texts) == 20
    assert message.raw == data
    assert message.status == "created" and message.agent == "Camille"
    entries = list(log_service.iter_all(engine))
    assert [(e.action, e.claim_ref, e.agent) for e in entries] == [
        ("intake", "CL-M000001", "Camille")
    ]
    details = json.loads(entries[0].details or "{}")
    assert details["message_id"] == "<claim-1@pm.fr>"
    assert details["intake"] == message.id
    assert entries[0].seq == message.log_seq
    assert log_service.verify(engine).ok
    assert log_service.count(engine, LogFilter(actions=frozenset({"intake"})), "Camille") == 1


def test_the_same_message_twice_creates_nothing(engine: Engine, tmp_path: Path) -> None:
    load(engine, tmp_path)
    data = raw(numbered_letter(), sender=FROM_PRO)
    first = _one(engine, data)
    second = _one(engine, data)
    assert (second.status, second.claim, second.professional) == (
        "duplicate",
        first.claim,
        "FR-T1",
    )
    assert _count(engine, IntakeMessage) == 1
    assert _count(engine, Claim) == 2  # CL-T1 and the one created


def test_a_later_message_about_an_open_claim_proposes_changes(
    engine: Engine, tmp_path: Path
) -> None:
    load(engine, tmp_path)
    text = "Bom dia,\n\n1. Sem resposta.\n2. Afinal escolheu outra empresa.\n3. Obra adiada."
    outcome = _one(engine, raw(text, sender="Rui <rui@costa.pt>", message_id="<later@x>"))
    assert (outcome.status, outcome.reason, outcome.claim) == (
        "needs_review",
        "open_claim",
        "CL-T1",
    )
    with engine.connect() as conn:
        changes = dict(conn.execute(select(IntakeMatch.contact_ref, IntakeMatch.change)).all())
        stored = dict(conn.execute(select(Explanation.contact_ref, Explanation.text)).all())
    assert changes == {"LP-001": "same", "LP-002": "replacement", "LP-003": "addition"}
    assert stored == {"LP-001": "Sem resposta.", "LP-002": "Escolheu outro."}
    assert list(log_service.iter_all(engine)) == []


def test_unknown_senders_and_automatic_answers_wait_without_a_claim(
    engine: Engine, tmp_path: Path
) -> None:
    load(engine, tmp_path)
    anonymous = numbered_letter().replace("Plomberie Martin", "")
    stranger = _one(engine, raw(anonymous, sender="x@nowhere.example", message_id="<a@x>"))
    assert (stranger.status, stranger.reason) == ("unknown_sender", "not_found")
    away = raw(
        "Je suis absent du bureau jusqu'au 12/07.",
        sender=FROM_PRO,
        subject="Réponse automatique : Garantie",
        message_id="<b@x>",
    )
    set_aside = _one(engine, away)
    assert (set_aside.status, set_aside.reason) == ("not_a_claim", "out_of_office")
    question = raw(
        "Bonjour, est-ce que mes contacts achetés sans remise comptent ?",
        sender=FROM_PRO,
        message_id="<c@x>",
    )
    assert _one(engine, question).reason == "question"
    with engine.connect() as conn:
        statuses = sorted(conn.execute(select(IntakeMessage.status)).scalars())
    assert statuses == ["not_a_claim", "not_a_claim", "unknown_sender"]
    assert _count(engine, Claim) == 1


def test_the_professional_is_found_by_what_the_message_names(
    engine: Engine, tmp_path: Path
) -> None:
    load(engine, tmp_path)
    for n, signature in enumerate(("FR-T1", "Tél. : 06.12.34.56.78", "Plomberie Martin")):
        text = numbered_letter().replace("Plomberie Martin", signature)
        outcome = _one(engine, raw(text, sender=f"autre{n}@example.org", message_id=f"<{n}@x>"))
        assert outcome.professional == "FR-T1"


def test_an_inline_forward_is_read_as_from_the_professional(engine: Engine, tmp_path: Path) -> None:
    load(engine, tmp_path)
    text = (
        "Je vous transfère la demande de mon patron.\n\n"
        "---------- Message transféré ---------\n"
        "De : Jean Martin <jean.martin@plomberie-martin.fr>\nDate : lun. 15 juin 2026\n"
        "Objet : Garantie\n\n" + numbered_letter()
    )
    outcome = _one(engine, raw(text, sender="secretariat@example.net", subject="TR: Garantie"))
    assert (outcome.status, outcome.professional) == ("created", "FR-T1")
    with engine.connect() as conn:
        row = conn.execute(select(IntakeMessage.sender, IntakeMessage.forwarded_by)).one()
    assert tuple(row) == ("jean.martin@plomberie-martin.fr", "secretariat@example.net")


def test_unsure_attributions_wait_for_an_agent(engine: Engine, tmp_path: Path) -> None:
    load(engine, tmp_path)
    # Nineteen unlabelled paragraphs for twenty contacts: which one is missing?
    prose = "\n\n".join(f"Le client numéro {n} n'a pas donné suite." for n in range(19))
    outcome = _one(engine, raw(f"Bonjour,\n\n{prose}", sender=FROM_PRO))
    assert (outcome.status, outcome.reason) == ("needs_review", "low_confidence")
    assert _count(engine, Claim) == 1
    missing = _one(engine, raw(numbered_letter(skip=(7,)), sender=FROM_PRO, message_id="<m@x>"))
    assert missing.status == "created" and missing.missing == 1


def test_bad_messages_are_refused_one_by_one_and_the_batch_goes_on(
    engine: Engine, tmp_path: Path
) -> None:
    load(engine, tmp_path)
    injected = b"From: a@b.fr\r\nSubject: =?utf-8?q?Garantie=0D=0ABcc:_x@y.z?=\r\n\r\ntext\r\n"
    bomb = b"From: a@b.fr\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n" + b"".join(
        b"--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n" % (i, i + 1)
        for i in range(400)
    )
    messages = [
        RawMessage("malformed", b"\x00\x01garbage without headers"),
        RawMessage("big", None),
        RawMessage("empty", raw("  ", sender=FROM_PRO, message_id="<e@x>")),
        RawMessage("bomb", bomb),
        RawMessage("injected", injected),
        RawMessage("good", raw(numbered_letter(), sender=FROM_PRO)),
    ]
    outcomes = list(intake(engine, messages, agent="Camille", clock=lambda: AT))
    assert [(o.source, o.status, o.reason) for o in outcomes] == [
        ("malformed", "rejected", "malformed"),
        ("big", "rejected", "too_large"),
        ("empty", "rejected", "no_text"),
        ("bomb", "rejected", "mime_bomb"),
        ("injected", "rejected", "header_injection"),
        ("good", "created", None),
    ]
    assert _count(engine, IntakeMessage) == 1
