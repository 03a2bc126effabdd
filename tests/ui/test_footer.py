"""The footer leaves out whole keys, least important first, and never cuts the
ones that matter: back, help, and the screen's first actions."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.widgets._footer import FooterKey

from guarantee_tui.ui.app import GuaranteeApp
from guarantee_tui.ui.screens.claim import ClaimScreen
from guarantee_tui.ui.widgets.footer import AppFooter
from tests.ui.conftest import settle, until

MakeApp = Callable[..., GuaranteeApp]


def footer_keys(app: GuaranteeApp) -> list[FooterKey]:
    footer = app.screen.query_one(AppFooter)
    return [key for key in footer.query(FooterKey) if not key.has_class("-command-palette")]


def footer_actions(app: GuaranteeApp) -> list[str]:
    return [key.action for key in footer_keys(app)]


def footer_width(app: GuaranteeApp) -> int:
    footer = app.screen.query_one(AppFooter)
    return sum(key.outer_size.width for key in footer.query(FooterKey))


async def open_claim(app: GuaranteeApp, pilot: object) -> None:
    await settle(pilot)  # type: ignore[arg-type]
    await pilot.press("enter")  # type: ignore[attr-defined]
    await until(pilot, lambda: isinstance(app.screen, ClaimScreen), "the claim screen")  # type: ignore[arg-type]
    await settle(pilot)  # type: ignore[arg-type]


@pytest.mark.parametrize("lang", ["fr", "pt"])
async def test_at_80_columns_the_footer_keeps_back_help_and_the_screens_actions(
    make_app: MakeApp, lang: str
) -> None:
    app = make_app(lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_claim(app, pilot)
        # Back, the screen's own actions and help; the app-wide keys (phone desk,
        # log, quit) are left out whole, and help lists them.
        assert footer_actions(app) == [
            "back",
            "contacts",
            "decide('approve')",
            "decide('reject')",
            "decide('suspend')",
            "help",
        ]
        # What is shown fits: nothing is cut at the edge, the palette's key included.
        assert footer_width(app) <= 80
        palette = app.screen.query_one(AppFooter).query_one(".-command-palette", FooterKey)
        assert palette.key_display and palette.description == ""


async def test_a_wide_terminal_shows_every_key_and_narrowing_it_leaves_some_out(
    make_app: MakeApp,
) -> None:
    app = make_app("fr")
    async with app.run_test(size=(200, 40)) as pilot:
        await open_claim(app, pilot)
        wide = footer_actions(app)
        assert any(action.endswith("phone") for action in wide)
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        narrow = footer_actions(app)
        assert set(narrow) < set(wide)
        assert footer_width(app) <= 80
        await pilot.resize_terminal(200, 40)
        await settle(pilot)
        assert footer_actions(app) == wide


@pytest.mark.parametrize("lang", ["fr", "pt"])
async def test_at_80_columns_a_decided_claim_shows_its_decision_key_not_approve_reject_suspend(
    make_app: MakeApp, lang: str
) -> None:
    app = make_app(lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_claim(app, pilot)
        # An open claim: the decisions come first.
        open_keys = footer_actions(app)
        assert {"decide('approve')", "decide('reject')", "decide('suspend')"} <= set(open_keys)
        assert "letter" not in open_keys
        await pilot.press("escape", "t")  # every claim, the decided one too
        await settle(pilot)
        await pilot.press("slash", *"CL-DONE-PT", "enter", "enter")
        await until(pilot, lambda: isinstance(app.screen, ClaimScreen), "the claim screen")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ClaimScreen) and screen.claim_ref == "CL-DONE-PT"
        # Decided: the decision as recorded is shown, approve/reject/suspend are not.
        decided_keys = footer_actions(app)
        assert "letter" in decided_keys
        assert not any(action.startswith("decide") for action in decided_keys)
        assert footer_width(app) <= 80
        # Still, each answers with why it does nothing.
        for key in "ars":
            app.clear_notifications()
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, ClaimScreen)
            messages = [n.message for n in app._notifications]
            assert len(messages) == 1 and "CL-DONE-PT" in messages[0]
        await pilot.press("d")
        await settle(pilot)
        assert not isinstance(app.screen, ClaimScreen)  # the decision as recorded
