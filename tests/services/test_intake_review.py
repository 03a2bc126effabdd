"""An agent's answer to waiting intake messages, on both databases: the draft's
edits, confirming (a new claim, or changes to an open one), setting aside,
and every answer given once whoever asks twice."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from guarantee_tui.mail.sources import RawMessage
from guarantee_tui.services import intake_review as review
from guarantee_tui.services import log as log_service
from guarantee_tui.services.intake import intake_one
from guarantee_tui.services.intake_review import (
    AGENT_CUE,
    AlreadyAnswered,
    CannotSplit,
    ClaimExists,
    Draft,
    NoProfessional,
    NoSuchContact,
    NothingToMerge,
    Paragraph,
    ReasonRequired,
)
from guarantee_tui.store.models import Claim, Explanation, IntakeMessage
from tests.mail.cases import load, numbered_letter
from tests.mail.helpers import raw

AT = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
FROM_PRO = "Jean Martin <jean.martin@plomberie-martin.fr>"
# Nineteen unlabelled paragraphs for twenty contacts: intake cannot tell which is missing.
PROSE = "Bonjour,\n\n" + "\n\n".join(
    f"Le client numéro {n} n'a pas donné suite." for n in range(19)
)


def _take(engine: Engine, data: bytes) -> int:
    outcome = intake_one(engine, RawMessage("t.eml", data), agent="Robot", at=AT)
    assert outcome.message_id is not None
    with engine.connect() as conn:
        return int(
            conn.execute(
                select(IntakeMessage.id).where(IntakeMessage.message_id == outcome.message_id)
            ).scalar_one()
        )


def _claims(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(Claim)).scalar_one())


def _texts(engine: Engine, ref: str) -> dict[str, str]:
    with engine.connect() as conn:
        return dict(
            conn.execute(
                select(Explanation.contact_ref, Explanation.text)
                .join(Claim, Claim.id == Explanation.claim_id)
                .where(Claim.ref == ref)
            ).all()
        )


def test_waiting_lists_the_messages_for_an_agent_newest_first(
    engine: Engine, tmp_path: Path
) -> None:
    load(engine, tmp_path)
    first = _take(engine, raw(PROSE, sender=FROM_PRO, message_id="<p@x>"))
    stranger = raw(numbered_letter().replace("Plomberie Martin", ""), sender="x@nowhere.example")
    second = intake_one(
        engine, RawMessage("s.eml", stranger), agent="Robot", at=AT + timedelta(minutes=5)
    )
    assert second.status == "unknown_sender"
    created = _take(engine, raw(numbered_letter(), sender=FROM_PRO, message_id="<n@x>"))
    rows = review.waiting(engine)
    assert [(r.status, r.professional) for r in rows] == [
        ("unknown_sender", None),
        ("needs_review", "FR-T1"),
    ]
    assert rows[1].id == first and created not in {r.id for r in rows}


def test_a_draft_pairs_paragraphs_and_contacts_and_edits_stay_in_memory(
    engine: Engine, tmp_path: Path
) -> None:
    load(engine, tmp_path)
    intake_id = _take(engine, raw(PROSE, sender=FROM_PRO, message_id="<p@x>"))
    draft = review.load(engine, intake_id)
    assert draft.professional is not None and draft.professional.ref == "FR-T1"
    assert len(draft.contacts) == 20 and draft.contacts[0].client_name == "Mme Moreau"
    assert len(draft.paragraphs) == 19 and len(draft.missing) == 1
    assert draft.unsure > 0
    free = draft.missing[0].position
    moved = review.move(draft, 0, free)
    assert moved.paragraphs[0].position == free and moved.paragraphs[0].cue == AGENT_CUE
    # The contact it left is now without an explanation; the stored proposal is unchanged.
    assert [c.position for c in moved.missing] == [draft.paragraphs[0].position]
    assert review.load(engine, intake_id) == draft
    # Onto an occupied contact: the two swap.
    taken = draft.paragraphs[1].position
    assert taken is not None
    swapped = review.move(draft, 0, taken)
    assert (swapped.paragraphs[0].position, swapped.paragraphs[1].position) == (
        taken,
        draft.paragraphs[0].position,
    )
    with pytest.raises(NoSuchContact):
        review.move(draft, 0, 21)


def _draft(*texts: str) -> Draft:
    at = datetime(2026, 6, 1, tzinfo=UTC)
    return Draft(
        intake_id=1,
        message_id="<m@x>",
        status="needs_review",
        reason=None,
        received_at=at,
        sent_at=None,
        sender="a@b.fr",
        forwarded_by=None,
        subject="",
        attachments=(),
        professional=None,
        claim=None,
        contacts=tuple(
            review.ContactCard(n, f"L-{n}", None, None, None, None) for n in range(1, 4)
        ),
        paragraphs=tuple(
            Paragraph(t, n if n <= 3 else None, "number", 0.9) for n, t in enumerate(texts, 1)
        ),
    )


def test_split_cuts_at_a_line_else_at_a_sentence_and_merge_joins_again() -> None:
    draft = _draft("M. Martin a choisi un autre artisan. Mme Moreau n'a jamais répondu.", "Deux.")
    cut = review.split(draft, 0)
    assert [p.text for p in cut.paragraphs] == [
        "M. Martin a choisi un autre artisan.",
        "Mme Moreau n'a jamais répondu.",
        "Deux.",
    ]
    assert [p.position for p in cut.paragraphs] == [1, None, 2]
    assert review.merge(cut, 0).paragraphs[0].text == draft.paragraphs[0].text
    lines = review.split(_draft("Premier point\nsecond point"), 0)
    assert [p.text for p in lines.paragraphs] == ["Premier point", "second point"]
    with pytest.raises(CannotSplit):
        review.split(_draft("Le n.º 3 não respondeu"), 0)
    with pytest.raises(NothingToMerge):
        review.merge(draft, 1)
    # A merge onto the first's contact frees the second's.
    merged = review.merge(draft, 0)
    assert [p.position for p in merged.paragraphs] == [1]
    assert [c.position for c in merged.missing] == [2, 3]
    assert review.unassign(merged, 0).left_over == [0]


def test_confirming_creates_the_claim_as_intake_would_once(engine: Engine, tmp_path: Path) -> None:
    load(engine, tmp_path)
    intake_id = _take(engine, raw(PROSE, sender=FROM_PRO, message_id="<p@x>"))
    draft = review.load(engine, intake_id)
    free = draft.missing[0]
    draft = review.move(draft, 3, free.position)
    before = _claims(engine)
    answer = review.confirm(engine, draft, agent="Camille", at=AT)
    assert (answer.status, answer.claim, answer.created, answer.explanations) == (
        "confirmed",
        f"CL-M{intake_id:06d}",
        True,
        19,
    )
    assert _claims(engine) == before + 1
    texts = _texts(engine, answer.claim or "")
    assert texts[free.ref] == draft.paragraphs[3].text
    assert texts == dict(draft.texts())
    with engine.connect() as conn:
        claim = conn.execute(
            select(Claim.status, Claim.submitted_at).where(Claim.ref == answer.claim)
        ).one()
        message = conn.execute(
            select(IntakeMessage.status, IntakeMessage.agent, IntakeMessage.log_seq).where(
                IntakeMessage.id == intake_id
            )
        ).one()
    assert claim.status == "open"
    assert claim.submitted_at == datetime(2026, 6, 15, 8, 0, tzinfo=UTC)
    assert tuple(message) == ("confirmed", "Camille", answer.log_seq)
    entries = list(log_service.iter_all(engine))
    assert [(e.action, e.agent, e.claim_ref) for e in entries] == [
        ("intake", "Camille", answer.claim)
    ]
    details = json.loads(entries[0].details or "{}")
    assert (details["message_id"], details["intake"], details["outcome"]) == (
        "<p@x>",
        intake_id,
        "confirmed",
    )
    assert log_service.verify(engine).ok
    # Again, by the same agent: done already, nothing twice; by another: refused, naming her.
    again = review.confirm(engine, draft, agent="Camille", at=AT)
    assert again.already and again.claim == answer.claim
    with pytest.raises(AlreadyAnswered, match="Camille has already confirmed") as refused:
        review.confirm(engine, draft, agent="Julien", at=AT)
    assert refused.value.claim == answer.claim
    with pytest.raises(AlreadyAnswered):
        review.dismiss(engine, intake_id, "doublon", agent="Julien", at=AT)
    assert _claims(engine) == before + 1
    assert len(list(log_service.iter_all(engine))) == 1
    assert intake_id not in {r.id for r in review.waiting(engine)}


def test_a_claim_opened_meanwhile_refuses_a_second(engine: Engine, tmp_path: Path) -> None:
    load(engine, tmp_path)
    one = review.load(engine, _take(engine, raw(PROSE, sender=FROM_PRO, message_id="<1@x>")))
    two = review.load(engine, _take(engine, raw(PROSE, sender=FROM_PRO, message_id="<2@x>")))
    made = review.confirm(engine, one, agent="Camille", at=AT)
    with pytest.raises(ClaimExists, match=made.claim or "?"):
        review.confirm(engine, two, agent="Julien", at=AT)
    # Opened again, the second message proposes changes to that claim.
    again = review.load(engine, two.intake_id)
    assert again.claim == made.claim


def test_an_unknown_sender_waits_for_the_agent_to_pick_the_professional(
    engine: Engine, tmp_path: Path
) -> None:
    load(engine, tmp_path)
    letter = numbered_letter().replace("Plomberie Martin", "")
    intake_id = _take(engine, raw(letter, sender="x@nowhere.example", message_id="<u@x>"))
    draft = review.load(engine, intake_id)
    assert draft.professional is None and draft.contacts == ()
    assert len(draft.paragraphs) == 20 and all(p.position is None for p in draft.paragraphs)
    with pytest.raises(NoProfessional):
        review.confirm(engine, draft, agent="Camille", at=AT)
    picked = review.load(engine, intake_id, "FR-T1")
    assert picked.professional is not None and len(picked.contacts) == 20
    assert all(p.position is not None for p in picked.paragraphs)
    answer = review.confirm(engine, picked, agent="Camille", at=AT)
    assert answer.created and answer.explanations == 20
    assert _texts(engine, answer.claim or "")["LF-003"] == "Explication du contact 3."
    with engine.connect() as conn:
        pid = conn.execute(
            select(IntakeMessage.professional_id).where(IntakeMessage.id == intake_id)
        ).scalar_one()
    assert pid is not None


def test_a_question_can_be_made_a_claim_and_another_set_aside(
    engine: Engine, tmp_path: Path
) -> None:
    load(engine, tmp_path)
    question = raw(
        "Bonjour, est-ce que mes contacts achetés sans remise comptent ?",
        sender=FROM_PRO,
        message_id="<q@x>",
    )
    intake_id = _take(engine, question)
    draft = review.load(engine, intake_id)
    assert draft.status == "not_a_claim" and draft.left_over
    made = review.confirm(engine, review.move(draft, draft.left_over[0], 1), agent="Ana", at=AT)
    assert made.created and list(_texts(engine, made.claim or "")) == ["LF-001"]

    away = raw(
        "Je suis absent du bureau jusqu'au 12/07.",
        sender="Rui <rui@costa.pt>",
        subject="Réponse automatique : Garantie",
        message_id="<away@x>",
    )
    away_id = _take(engine, away)
    with pytest.raises(ReasonRequired):
        review.dismiss(engine, away_id, "  ", agent="Ana", at=AT)
    gone = review.dismiss(engine, away_id, "Réponse automatique", agent="Ana", at=AT)
    assert gone.status == "dismissed" and gone.claim is None
    assert review.dismiss(engine, away_id, "encore", agent="Ana", at=AT).already
    with pytest.raises(AlreadyAnswered, match="Ana has already set this message aside"):
        review.confirm(engine, review.load(engine, away_id), agent="Rui", at=AT)
    entry = list(log_service.iter_all(engine))[-1]
    assert (entry.action, entry.agent, entry.reason, entry.claim_ref) == (
        "intake",
        "Ana",
        "Réponse automatique",
        None,
    )
    assert json.loads(entry.details or "{}")["outcome"] == "dismissed"
    assert [r.id for r in review.waiting(engine)] == []


def test_a_later_message_applies_its_additions_and_replacements(
    engine: Engine, tmp_path: Path
) -> None:
    load(engine, tmp_path)
    text = "Bom dia,\n\n1. Sem resposta.\n2. Afinal escolheu outra empresa.\n3. Obra adiada."
    intake_id = _take(engine, raw(text, sender="Rui <rui@costa.pt>", message_id="<later@x>"))
    draft = review.load(engine, intake_id)
    assert draft.claim == "CL-T1"
    assert [draft.change(n) for n in (1, 2, 3)] == ["same", "replacement", "addition"]
    answer = review.confirm(engine, draft, agent="Rui", at=AT)
    assert (answer.claim, answer.created, answer.explanations) == ("CL-T1", False, 2)
    assert _texts(engine, "CL-T1") == {
        "LP-001": "Sem resposta.",
        "LP-002": "Afinal escolheu outra empresa.",
        "LP-003": "Obra adiada.",
    }
    assert _claims(engine) == 1
    assert log_service.verify(engine).ok


def test_two_agents_confirming_at_once_make_one_claim(engine: Engine, tmp_path: Path) -> None:
    load(engine, tmp_path)
    draft = review.load(engine, _take(engine, raw(PROSE, sender=FROM_PRO, message_id="<c@x>")))
    before = _claims(engine)
    start = threading.Barrier(2)
    results: dict[str, object] = {}

    def run(agent: str) -> None:
        start.wait()
        try:
            results[agent] = review.confirm(engine, draft, agent=agent, at=AT)
        except AlreadyAnswered as exc:
            results[agent] = exc

    threads = [threading.Thread(target=run, args=(a,)) for a in ("Camille", "Julien")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    answers = [r for r in results.values() if isinstance(r, review.Answer)]
    refusals = [r for r in results.values() if isinstance(r, AlreadyAnswered)]
    assert len(answers) == 1 and len(refusals) == 1
    assert refusals[0].agent == answers[0].agent
    assert _claims(engine) == before + 1
    assert len(list(log_service.iter_all(engine))) == 1
