"""The footer leaves out whole keys, least important first, and never cuts the
ones that matter: back, help, and the screen's first actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Static

from guarantee_tui.ui.app import GuaranteeApp
from guarantee_tui.ui.screens.claim import ClaimScreen
from guarantee_tui.ui.widgets.footer import AppFooter, FooterKey, cells, fitting
from tests.ui.conftest import settle, until

MakeApp = Callable[..., GuaranteeApp]


def footer_actions(app: GuaranteeApp) -> list[str]:
    """The actions of the keys shown, the palette's apart."""
    return [p.key.action for p in app.screen.query_one(AppFooter).placed() if not p.key.palette]


def footer_width(app: GuaranteeApp) -> int:
    return sum(p.width for p in app.screen.query_one(AppFooter).placed())


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
        (palette,) = [p.key for p in app.screen.query_one(AppFooter).placed() if p.key.palette]
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


class _Keys(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("m", "mark", "Mark", tooltip="Marks it"),
        Binding("n", "never", "Never"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.marked = 0

    def compose(self) -> ComposeResult:
        yield Static("keys")
        yield AppFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "never" else True

    def action_mark(self) -> None:
        self.marked += 1

    def action_never(self) -> None:
        raise AssertionError("a disabled key ran")


class _KeysApp(App[None]):
    def on_mount(self) -> None:
        self.push_screen(_Keys())


def _tip(footer: AppFooter) -> tuple[object, str]:
    """The footer's tooltip and mouse pointer."""
    return footer.tooltip, str(footer.styles.pointer)


def _line(footer: AppFooter) -> str:
    return footer.render_line(0).text


async def test_one_widget_paints_each_key_and_each_is_clicked_and_hovered_on_its_own() -> None:
    app = _KeysApp()
    bells: list[None] = []
    app.bell = lambda: bells.append(None)  # type: ignore[method-assign]
    async with app.run_test(size=(60, 5)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, _Keys)
        footer = screen.query_one(AppFooter)
        placed = {p.key.action: p for p in footer.placed()}
        assert list(placed) == ["mark", "never", "command_palette"]
        assert _line(footer).startswith(" m Mark  n Never ")
        assert _line(footer).endswith("▏^p palette ")
        assert not placed["never"].key.enabled
        await pilot.click(AppFooter, offset=(placed["mark"].x + 3, 0))
        await pilot.pause()
        assert screen.marked == 1
        await pilot.click(AppFooter, offset=(placed["never"].x + 1, 0))
        await pilot.pause()
        assert bells and screen.marked == 1
        # Between the keys and the palette's: nothing.
        await pilot.click(AppFooter, offset=(placed["never"].x + placed["never"].width + 2, 0))
        await pilot.pause()
        assert screen.marked == 1 and len(bells) == 1
        await pilot.hover(AppFooter, offset=(placed["mark"].x + 1, 0))
        await pilot.pause()
        assert _tip(footer) == ("Marks it", "pointer")
        hovered = footer.render_line(0)
        await pilot.hover(Static)
        await pilot.pause()
        assert _tip(footer) == (None, "default")
        # The key under the mouse had the hover's background, and has it no more.
        assert footer.render_line(0) != hovered


def _key(action: str, description: str, tier: int, *, palette: bool = False) -> FooterKey:
    return FooterKey(action[0], action[0], description, action, True, "", tier, palette)


def test_fitting_leaves_out_app_keys_first_then_the_palettes_word_then_the_screens_last() -> None:
    keys = (
        _key("back", "Back", 0),
        _key("open", "Open claim", 1),
        _key("log", "Log", 2),
        _key("help", "Help", 0),
        _key("command_palette", "palette", 0, palette=True),
    )
    everything = sum(cells(k) for k in keys) + 1
    assert fitting(keys, everything) == keys
    # One column short: the app's key goes, the palette keeps its word.
    narrower = fitting(keys, everything - 1)
    assert [k.action for k in narrower] == ["back", "open", "help", "command_palette"]
    assert narrower[-1].description == "palette"
    # Not even the screen's keys fit with the palette's word: it shows its key alone.
    tight = sum(cells(k) for k in keys[:2] + keys[3:4]) + 1 + 1 + 1
    fitted = fitting(keys, tight)
    assert [k.action for k in fitted] == ["back", "open", "help", "command_palette"]
    assert fitted[-1].description == ""
    # Back and help stay whatever the width.
    assert [k.action for k in fitting(keys, 5)] == ["back", "help", "command_palette"]
