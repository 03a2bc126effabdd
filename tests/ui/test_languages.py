"""No English from Textual on a French or Portuguese screen an agent can reach.

Textual writes its own words (the palette's prompt, its "no matches", its
commands and key descriptions, key names such as "pgdn"): each one gathered
here from the installed Textual, then looked for on the screens where they
could show (the queue, the palette open, empty and with no match, the help).
"""

from __future__ import annotations

import inspect
import io
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import textual.widgets
from rich.console import Console
from textual.app import App
from textual.binding import Binding
from textual.command import CommandPalette
from textual.containers import ScrollableContainer
from textual.keys import KEY_DISPLAY_ALIASES
from textual.screen import ModalScreen, Screen
from textual.scroll_view import ScrollView
from textual.widget import Widget
from textual.widgets import Static

from guarantee_tui.ui.app import GuaranteeApp
from guarantee_tui.ui.bindings import KEY_NAMES
from guarantee_tui.ui.screens.help import HelpScreen
from guarantee_tui.ui.screens.phone import PhoneScreen
from tests.ui.conftest import settle, until
from tests.ui.test_workspace import visible_text

# Words Textual shows that French or Portuguese write the same way.
SAME_IN_BOTH = frozenset({"palette", "Tab", "tab", "esc", "Esc"})


def _classes() -> Iterator[type[Any]]:
    yield from (App, Screen, ModalScreen, CommandPalette, ScrollableContainer, ScrollView, Widget)
    for name in vars(textual.widgets).get("__all__", ()):
        value = getattr(textual.widgets, name)
        if inspect.isclass(value):
            yield value


def textual_words() -> set[str]:
    """What Textual itself may put on screen, in English."""
    words = {"Search for commands…", "No matches found"}
    for cls in _classes():
        for binding in getattr(cls, "BINDINGS", []):
            description = (
                binding.description if isinstance(binding, Binding) else binding[2:3] or ""
            )
            if isinstance(description, tuple):
                description = description[0] if description else ""
            if description:
                words.add(str(description))
    # The named keys Textual shows its way ("pgdn", "home").
    words |= {KEY_DISPLAY_ALIASES[k] for k in ("pageup", "pagedown", "delete")}
    words |= {"home", "end"}
    return {w for w in words if w not in SAME_IN_BOTH and re.search(r"[A-Za-z]{2}", w)}


async def textual_system_commands() -> set[str]:
    """The titles and help of the commands a bare Textual app puts in its palette."""
    app: App[None] = App()
    async with app.run_test():
        return {
            text
            for command in app.get_system_commands(app.screen)
            for text in (command.title, command.help)
            if text
        }


def english_on(screen_text: str, words: set[str]) -> list[str]:
    return sorted(w for w in words if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", screen_text))


def test_the_words_are_found() -> None:
    """The list is Textual's own (a check that it is not empty by mistake)."""
    words = textual_words()
    assert {"Search for commands…", "No matches found", "pgdn", "home"} <= words
    assert any("Focus" in w or "focus" in w for w in words) or "Page Down" in words


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
@pytest.mark.parametrize("lang", ["fr", "pt"])
@pytest.mark.usefixtures("no_debounce")  # the desk searches at once
async def test_no_english_from_textual_on_any_screen_reached(
    make_app: Callable[..., GuaranteeApp],
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
    size: tuple[int, int],
) -> None:
    # The palette says "no matches" after a pause: at once here.
    monkeypatch.setattr(CommandPalette, "_NO_MATCHES_COUNTDOWN", 0.001)
    words = textual_words() | await textual_system_commands()
    app = make_app(lang)
    seen: dict[str, list[str]] = {}
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        seen["queue"] = english_on(visible_text(app), words)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        await settle(pilot)
        seen["palette"] = english_on(visible_text(app), words)
        await pilot.press(*"zzqx")
        await until(pilot, lambda: "zzqx" in visible_text(app), "the typed search")
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        await until(
            pilot,
            lambda: palette._NO_MATCHES in [o.id for o in palette.query_one("CommandList").options],  # type: ignore[attr-defined]
            "no match",
        )
        await settle(pilot)
        text = visible_text(app)
        seen["no match"] = english_on(text, words)
        assert {"fr": "Aucun résultat", "pt": "Nenhum resultado"}[lang] in text
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help")
        await settle(pilot)
        seen["help"] = english_on(visible_text(app), words)
        # The whole help, below what fits too.
        whole = help_text(app)
        seen["whole help"] = english_on(whole, words)
        for name in ("home", "end", "pageup", "pagedown"):
            assert KEY_NAMES[lang][name] in whole
        # Actions first: the first row is not a move.
        first = whole.splitlines()[2]
        assert not any(move in first for move in ("↑", "↓", KEY_NAMES[lang]["home"]))
        await pilot.press("escape")
        await settle(pilot)
        # The phone desk, a card shown.
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, PhoneScreen), "the desk")
        await pilot.press(*"01 84 88 82 46")
        await until(pilot, lambda: getattr(app.screen, "card", None) is not None, "a card")
        await settle(pilot)
        seen["desk"] = english_on(visible_text(app), words)
    assert seen == {
        "queue": [],
        "palette": [],
        "no match": [],
        "help": [],
        "whole help": [],
        "desk": [],
    }


def help_text(app: GuaranteeApp) -> str:
    """The help's table as painted, all of it (not only what the dialog shows)."""
    widget = app.screen.query_one("#help-keys", Static)
    console = Console(width=widget.content_size.width, record=True, file=io.StringIO())
    console.print(widget.content)
    return console.export_text()
