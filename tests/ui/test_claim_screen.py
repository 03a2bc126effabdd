"""The claim screen and its dialogs: what decides first, the decision in the
header, whose move a wait is, notes, the reopening's reason, and dialogs
that keep their context, confirm with ctrl+s and say why they cannot."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select

from guarantee_tui.services import reopen
from guarantee_tui.store.engine import make_engine
from guarantee_tui.store.models import ClaimNote, Decision, LogEntry
from guarantee_tui.ui.app import GuaranteeApp
from guarantee_tui.ui.screens.claim import ClaimScreen
from guarantee_tui.ui.screens.decision import DecisionScreen
from guarantee_tui.ui.screens.letter import LetterScreen
from guarantee_tui.ui.screens.prompt import PromptScreen
from guarantee_tui.ui.screens.queue import QueueScreen
from tests.builders import AT
from tests.ui.conftest import settle
from tests.ui.test_contacts_screen import flat, notices, prose
from tests.ui.test_workspace import showing, visible_text

MakeApp = Callable[..., GuaranteeApp]


async def open_claim(pilot: object, *keys: str) -> None:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await settle(pilot)
    await pilot.press(*keys, "enter")
    await settle(pilot)


def claim_ref(app: GuaranteeApp) -> str:
    screen = app.screen
    assert isinstance(screen, ClaimScreen)
    return screen.claim_ref


async def test_failed_conditions_come_first_at_80x24(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_claim(pilot, "j", "j", "j")  # CL-REJ-FR
        lines = visible_text(app).splitlines()
        marks = [line.strip()[0] for line in lines if line.strip()[:2] in ("✘ ", "✔ ")]
        assert marks[0] == "✘" and "✘" not in marks[1:]
        assert "✘ Bought through the priority service with discount" in flat(visible_text(app))


async def test_a_wait_says_whose_move_it_is(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_claim(pilot, "j")  # CL-PEND-PT: the agent's 20 explanations to verify
        shown = flat(visible_text(app))
        assert "Your move: verify 20 explanations (c), then decide." in shown
        # The pending condition is at the top, visible without scrolling.
        assert "… Every explanation verified truthful" in shown


async def test_after_a_decision_the_header_shows_it_and_r_says_why_not(
    make_app: MakeApp,
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_claim(pilot)  # CL-ELIG-FR
        assert "Recommended: approve" in visible_text(app)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        shown = visible_text(app)
        assert "Decided: approved by Ana" in shown and "Refund: 240 credits" in shown
        assert "Recommended" not in shown
        await pilot.press("r")
        await pilot.pause()
        assert showing(app, ClaimScreen)
        assert any("already decided (approved)" in n for n in notices(app))


async def test_a_reopened_claim_shows_who_reopened_it_when_and_why(
    make_app: MakeApp, ui_db: str
) -> None:
    engine = make_engine(ui_db)
    reopen.reopen(
        engine,
        "CL-DONE-PT",
        reason="The job was won after the claim: check the dates",
        agent="Sofia",
        at=AT - timedelta(hours=2),
    )
    engine.dispose()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_claim(pilot)  # CL-DONE-PT is open again, the oldest
        assert claim_ref(app) == "CL-DONE-PT"
        assert (
            "Reopened by Sofia on 1 Jun 2026 at 11:00 (Lisbon time): "
            "The job was won after the claim"
        ) in flat(visible_text(app))


async def test_a_note_on_the_claim_is_shown_logged_and_never_in_the_letter(
    make_app: MakeApp, ui_db: str
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_claim(pilot)  # CL-ELIG-FR
        await pilot.press("N")
        await settle(pilot)
        assert showing(app, PromptScreen)
        # The claim stays in view in the dialog.
        assert "Rénovation Dupont" in visible_text(app)
        await pilot.press(*"Called: he sends the review Monday", "enter")
        await settle(pilot)
        assert showing(app, ClaimScreen)
        shown = visible_text(app)
        assert "Notes (internal, never in a letter):" in shown
        assert "Ana · 1 Jun 2026 at 14:00 (Paris time): Called: he sends the review Monday" in shown
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
    engine = make_engine(ui_db)
    with engine.connect() as conn:
        note = conn.execute(select(ClaimNote.text, ClaimNote.agent)).one()
        action = conn.execute(
            select(LogEntry.action).where(
                LogEntry.seq == select(ClaimNote.log_seq).scalar_subquery()
            )
        ).scalar_one()
        letter = conn.execute(select(Decision.letter_text)).scalars().all()
    engine.dispose()
    assert tuple(note) == ("Called: he sends the review Monday", "Ana")
    assert action == "claim_note"
    assert letter and not any("review Monday" in text for text in letter)


async def test_approve_on_a_claim_not_eligible_neither_claims_nor_previews_a_refund(
    make_app: MakeApp,
) -> None:
    app = make_app(lang="fr")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_claim(pilot, "j", "j", "j")  # CL-REJ-FR
        await pilot.press("a")
        await settle(pilot)
        assert showing(app, DecisionScreen)
        shown = prose(app)
        assert "Toutes les conditions sont remplies" not in shown
        assert "crédits ont été" not in shown and "Aucune lettre" in shown
        # The claim's key facts stay in view.
        assert "Non remplies" in shown and "Martin & Fils" in shown
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert showing(app, DecisionScreen)
        assert any("Pour approuver, toutes les conditions" in n for n in notices(app))


async def test_a_drafted_reason_is_selected_whole_and_typing_replaces_it(
    make_app: MakeApp, ui_db: str
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_claim(pilot, "j", "j", "j")  # CL-REJ-FR
        await pilot.press("r")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DecisionScreen)
        reason = screen.query_one("#decision-reason")
        assert reason.text.startswith("Not met:")  # type: ignore[attr-defined]
        assert reason.selected_text == reason.text  # type: ignore[attr-defined]
        await pilot.press(*"Standard channel", "enter", *"second line")
        await settle(pilot)
        assert reason.text == "Standard channel\nsecond line"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert showing(app, ClaimScreen)
    engine = make_engine(ui_db)
    with engine.connect() as conn:
        reasons = conn.execute(select(Decision.reason)).scalars().all()
    engine.dispose()
    assert "Standard channel\nsecond line" in reasons


async def test_decide_and_next_opens_the_queues_next_open_claim(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_claim(pilot)  # CL-ELIG-FR, the oldest open claim
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await settle(pilot)
        assert showing(app, ClaimScreen)
        assert claim_ref(app) == "CL-PEND-PT"  # next in the queue's order
        await pilot.press("escape")
        await settle(pilot)
        assert showing(app, QueueScreen)


async def test_the_letter_is_copied_with_y(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_claim(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LetterScreen)
        await pilot.press("y")
        await pilot.pause()
        assert app.clipboard == screen.decision.letter_text
        assert "240\xa0crédits" in app.clipboard
        assert any("is copied" in n for n in notices(app))
