"""The Intake screen as an agent uses it: open the waiting e-mails from the
queue, fix what intake could not place, create the claim; pick who sent an
unknown sender's; set an automatic answer aside. Keyboard only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from textual.pilot import Pilot
from textual.screen import Screen

from guarantee_tui.mail.sources import RawMessage
from guarantee_tui.services import log as log_service
from guarantee_tui.services.intake import intake_one
from guarantee_tui.services.intake_review import Draft
from guarantee_tui.services.seed.mails import corpus
from guarantee_tui.store.engine import make_engine
from guarantee_tui.store.models import Claim, Explanation, IntakeMessage
from guarantee_tui.ui.app import GuaranteeApp
from guarantee_tui.ui.bindings import listed
from guarantee_tui.ui.screens.help import HelpScreen
from guarantee_tui.ui.screens.intake import IntakeScreen
from guarantee_tui.ui.screens.intake_message import IntakeMessageScreen, PairRow
from guarantee_tui.ui.screens.intake_original import OriginalScreen
from guarantee_tui.ui.screens.intake_pick import PickProfessionalScreen
from guarantee_tui.ui.screens.queue import QueueScreen
from tests.builders import AT
from tests.mail.helpers import raw
from tests.ui.conftest import settle
from tests.ui.intake_mails import PROFESSIONAL, add_waiting_mails
from tests.ui.test_workspace import visible_text

MakeApp = Callable[..., GuaranteeApp]

pytestmark = pytest.mark.usefixtures("no_debounce")


def _claim_texts(url: str, ref: str) -> dict[str, str]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return dict(
                conn.execute(
                    select(Explanation.contact_ref, Explanation.text)
                    .join(Claim, Claim.id == Explanation.claim_id)
                    .where(Claim.ref == ref, Claim.status == "open")
                ).all()
            )
    finally:
        engine.dispose()


def _shown(app: GuaranteeApp) -> Screen[Any]:
    """The screen on top (a call, so that each check reads it again)."""
    return app.screen


def _draft(screen: IntakeMessageScreen) -> Draft:
    """The screen's draft now (a call: each edit replaces it)."""
    return screen.draft


def _notices(app: GuaranteeApp) -> list[str]:
    return [n.message for n in app._notifications]


async def _open(pilot: Pilot[None], row: int) -> IntakeMessageScreen:
    """From the queue: `i`, then the message on `row` of the list."""
    await settle(pilot)
    await pilot.press("i")
    await settle(pilot)
    assert isinstance(pilot.app.screen, IntakeScreen)
    for _ in range(row):
        await pilot.press("down")
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, IntakeMessageScreen)
    return screen


async def _to(pilot: Pilot[None], screen: IntakeMessageScreen, row: int) -> None:
    await pilot.press("home")
    for _ in range(row):
        await pilot.press("down")
    assert screen.cursor == row


async def test_the_list_shows_the_waiting_mails_newest_first(make_app: MakeApp, ui_db: str) -> None:
    add_waiting_mails(ui_db)
    app = make_app("fr")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, IntakeScreen)
        assert [(r.status, r.professional) for r in screen.rows] == [
            ("unknown_sender", None),
            ("needs_review", PROFESSIONAL),
            ("not_a_claim", PROFESSIONAL),
            ("not_a_claim", PROFESSIONAL),
        ]
        cells = [screen.table.row_at(i) for i in range(4)]
        assert all(c is not None for c in cells)
        assert "inconnu" in str(cells[0].cells[3] if cells[0] else "")


async def test_an_agent_moves_splits_merges_and_creates_the_claim(
    make_app: MakeApp, ui_db: str
) -> None:
    add_waiting_mails(ui_db)
    app = make_app("fr")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open(pilot, 1)
        draft = screen.draft
        assert draft.professional is not None and draft.professional.ref == PROFESSIONAL
        assert len(draft.contacts) == 20 and draft.missing
        assert len(list(screen.query(PairRow))) >= 20
        # The first contact's paragraph to the first contact without one (m, its number).
        first = draft.index_at(1)
        assert first is not None
        free = draft.missing[0].position
        await _to(pilot, screen, 0)
        await pilot.press("m")
        await settle(pilot)
        await pilot.press(*str(free), "enter")
        await settle(pilot)
        assert isinstance(_shown(app), IntakeMessageScreen)
        assert screen.draft.paragraphs[first].position == free
        assert screen.lines[screen.cursor].position == free  # the cursor followed it
        # shift+↑ takes it one contact up, swapping with the paragraph there.
        above = screen.draft.index_at(free - 1)
        await pilot.press("shift+up")
        assert screen.draft.paragraphs[first].position == free - 1
        if above is not None:
            assert screen.draft.paragraphs[above].position == free
        # Split a paragraph of two sentences, then merge it back.
        two = next(i for i, p in enumerate(screen.draft.paragraphs) if ". " in p.text.strip()[:-1])
        position = screen.draft.paragraphs[two].position
        assert position is not None
        await _to(pilot, screen, position - 1)
        count = len(screen.draft.paragraphs)
        await pilot.press("s")
        assert len(screen.draft.paragraphs) == count + 1
        assert screen.draft.paragraphs[two + 1].position is None
        await pilot.press("j")
        assert len(screen.draft.paragraphs) == count
        edited = screen.draft
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(_shown(app), IntakeScreen)
        ref = f"CL-M{edited.intake_id:06d}"
        assert any(ref in n for n in _notices(app))
        assert _claim_texts(ui_db, ref) == dict(edited.texts())
        listed = _shown(app)
        assert isinstance(listed, IntakeScreen) and len(listed.rows) == 3
        await pilot.press("escape")
        await settle(pilot)
        queue = _shown(app)
        assert isinstance(queue, QueueScreen)
        await pilot.press("slash", *ref, "enter")
        await settle(pilot)
        row = queue.table.cursor
        assert row is not None and row.key == ref


async def test_an_unknown_sender_is_picked_with_the_desk_search_then_confirmed(
    make_app: MakeApp, ui_db: str
) -> None:
    add_waiting_mails(ui_db)
    engine = make_engine(ui_db)
    try:
        # What the stranger's e-mail explains, as the corpus recorded it.
        truth = next(iter(corpus(engine, professionals=1, anchor=AT, styles=("numbered",))))
    finally:
        engine.dispose()
    app = make_app("pt")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot, 0)
        assert screen.draft.professional is None
        # Nothing can be placed nor created before the professional is known.
        await pilot.press("m")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(_shown(app), IntakeMessageScreen)
        notices = _notices(app)
        assert notices == [
            "O profissional ainda não é conhecido: p para o escolher primeiro.",
            "Não se sabe quem enviou esta mensagem: escolha primeiro o profissional.",
        ]
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(_shown(app), PickProfessionalScreen)
        await pilot.press(*"ferreira")
        await settle(pilot)
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert _shown(app) is screen
        picked = _draft(screen)
        assert picked.professional is not None and picked.professional.ref == PROFESSIONAL
        assert not picked.left_over and not picked.missing
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(_shown(app), IntakeScreen)
    engine = make_engine(ui_db)
    try:
        with engine.connect() as conn:
            row = conn.execute(
                select(IntakeMessage.status, IntakeMessage.agent, Claim.ref)
                .join(Claim, Claim.id == IntakeMessage.claim_id)
                .where(IntakeMessage.message_id == "<stranger@example.org>")
            ).one()
    finally:
        engine.dispose()
    assert (row.status, row.agent) == ("confirmed", "Ana")
    # Every explanation on its contact, as the corpus recorded the truth.
    assert _claim_texts(ui_db, row.ref) == {r: t.strip() for r, t in truth.truth.explanations}


async def test_an_automatic_answer_is_set_aside_with_a_reason(
    make_app: MakeApp, ui_db: str
) -> None:
    ids = add_waiting_mails(ui_db)
    app = make_app("fr")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot, 3)
        assert screen.draft.intake_id == ids["out_of_office"]
        # The original, read-only.
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(_shown(app), OriginalScreen)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        await pilot.press(*"Réponse automatique", "enter")
        await settle(pilot)
        assert isinstance(_shown(app), IntakeScreen)
        listed = _shown(app)
        assert isinstance(listed, IntakeScreen)
        assert ids["out_of_office"] not in {r.id for r in listed.rows}
        # The log reads it as a message set aside, not as a claim taken in.
        await pilot.press("l")
        await settle(pilot)
        assert "message mis de côté" in visible_text(app)
    engine = make_engine(ui_db)
    try:
        entry = [e for e in log_service.iter_all(engine) if e.action == "intake"][-1]
    finally:
        engine.dispose()
    assert (entry.agent, entry.reason) == ("Ana", "Réponse automatique")


async def test_every_key_that_cannot_act_says_why(make_app: MakeApp, ui_db: str) -> None:
    add_waiting_mails(ui_db)
    app = make_app("en")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open(pilot, 1)
        empty = screen.draft.missing[0].position
        await _to(pilot, screen, empty - 1)
        for key in ("s", "j", "u", "m", "shift+up"):
            app.clear_notifications()
            before = screen.draft
            await pilot.press(key)
            await settle(pilot)
            assert screen.draft == before
            assert [n for n in _notices(app) if "No paragraph on this contact" in n], key
        # The message's last paragraph has none after it to merge with.
        final = len(screen.draft.paragraphs) - 1
        last = next(i for i, line in enumerate(screen.lines) if line.index == final)
        await _to(pilot, screen, last)
        app.clear_notifications()
        await pilot.press("j")
        assert any("last paragraph" in n for n in _notices(app))


async def test_an_empty_list_says_nothing_waits(make_app: MakeApp) -> None:
    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        screen = _shown(app)
        assert isinstance(screen, IntakeScreen) and screen.rows == []
        summary = str(screen.query_one("#intake-summary").render())
        assert "No message waits" in summary
        await pilot.press("enter")
        await settle(pilot)
        assert _shown(app) is screen
        assert "No message waits here." in _notices(app)


async def test_a_later_message_changes_the_open_claim_once_confirmed(
    make_app: MakeApp, ui_db: str
) -> None:
    engine = make_engine(ui_db)
    try:
        before = _claim_texts(ui_db, "CL-ELIG-FR")
        text = "Bonjour,\n\n1. Le client a choisi un autre artisan.\n2. Aucune réponse depuis."
        data = raw(text, sender="contact@dupont.fr", message_id="<later@dupont.fr>")
        outcome = intake_one(engine, RawMessage("later.eml", data), agent="intake", at=AT)
    finally:
        engine.dispose()
    assert (outcome.status, outcome.claim) == ("needs_review", "CL-ELIG-FR")
    app = make_app("fr")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open(pilot, 0)
        assert screen.draft.claim == "CL-ELIG-FR"
        head = str(screen.query_one("#intake-head").render())
        assert "modifications de la demande ouverte CL-ELIG-FR" in head
        placed = dict(screen.draft.texts())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(_shown(app), IntakeScreen)
        assert any("CL-ELIG-FR" in n for n in _notices(app))
    after = _claim_texts(ui_db, "CL-ELIG-FR")
    assert after == {**before, **placed} and after != before


async def test_the_help_lists_the_message_screens_keys(make_app: MakeApp, ui_db: str) -> None:
    add_waiting_mails(ui_db)
    app = make_app("fr")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open(pilot, 1)
        entries = {e.description: e.keys for e in listed(app, screen)}
        assert entries["Fusionner"] == ("j",)
        assert entries["Confirmer"] == ("^s",)
        assert entries["Mettre de côté"] == ("d",)
        assert entries["Déplacer"] == ("m",)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(_shown(app), HelpScreen)
