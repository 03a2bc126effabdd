"""The Intake screens show an e-mail's text as written: markup stays text and no
control character of the message reaches the terminal (as every screen,
tests/ui/test_hostile_text.py)."""

from __future__ import annotations

from collections.abc import Callable

from guarantee_tui.mail.sources import RawMessage
from guarantee_tui.services.intake import intake_one
from guarantee_tui.store.engine import make_engine
from guarantee_tui.ui.app import GuaranteeApp
from guarantee_tui.ui.screens.intake import IntakeScreen
from guarantee_tui.ui.screens.intake_message import IntakeMessageScreen
from guarantee_tui.ui.screens.intake_original import OriginalScreen
from tests.builders import AT
from tests.mail.helpers import raw
from tests.ui.conftest import settle
from tests.ui.test_hostile_text import ESCAPES, MARKUP, check, hostile, on

MakeApp = Callable[..., GuaranteeApp]
SUBJECT = f"Garantie {MARKUP}"
FIRST = hostile("Le client ne répond plus.")
SECOND = f"Autre artisan {MARKUP}."


async def test_an_e_mails_markup_and_controls_stay_inert(make_app: MakeApp, ui_db: str) -> None:
    engine = make_engine(ui_db)
    try:
        data = raw(
            f"Bonjour,\n\n1. {FIRST}\n\n2. {SECOND}",
            sender="inconnu@example.org",
            subject=SUBJECT,
            message_id="<hostile@example.org>",
        )
        outcome = intake_one(engine, RawMessage("h.eml", data), agent="intake", at=AT)
    finally:
        engine.dispose()
    assert outcome.status == "unknown_sender", outcome.reason
    app = make_app("fr")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        assert on(app, IntakeScreen)
        check(app, "intake list", "inconnu@exa", SUBJECT[:20])
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, IntakeMessageScreen)
        # As intake read them (the reading drops what mail cannot carry).
        texts = [p.text for p in screen.draft.paragraphs]
        assert len(texts) == 2 and all(MARKUP in t for t in texts)
        # Each paragraph beside its contact: its lines interleave with the
        # contact's, so its words and its escapes are looked for apart.
        check(app, "intake message", SUBJECT, f"ne répond plus. {MARKUP}", ESCAPES, SECOND)
        await pilot.press("o")
        await settle(pilot)
        assert on(app, OriginalScreen)
        check(app, "original", SUBJECT, *texts)
