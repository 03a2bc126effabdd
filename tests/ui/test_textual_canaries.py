"""Canaries: each Textual private the app relies on, checked against the installed Textual.

The app reaches past Textual's public API in a few places, each for a reason
given where it does. A Textual release may change any of them without notice;
these tests then fail, naming the private and the module of ours to revisit,
instead of the app quietly going wrong (English descriptions, keys a keymap
no longer moves, a footer rebuilt on every focus change, a cropped table,
a French line beginning with ":").
"""

from __future__ import annotations

import hashlib
import inspect
import re
from typing import Any, ClassVar

import pytest
from rich.text import Text
from textual._compositor import Compositor, LayoutUpdate
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingsMap, BindingType
from textual.command import CommandPalette
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widgets import DataTable, Static

from guarantee_tui.i18n import translator
from guarantee_tui.ui.bindings import translate_bindings
from guarantee_tui.ui.inert import InertCompositor
from guarantee_tui.ui.widgets.footer import AppFooter


def source_hash(function: Any) -> str:
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()


class Keys(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "mark", "Clear mark", id="canary.clear"),
    ]

    def compose(self) -> ComposeResult:
        yield Static("canary")
        yield AppFooter()

    def action_mark(self) -> None:
        self.app.exit("marked")


class KeysApp(App[str]):
    def on_mount(self) -> None:
        self.push_screen(Keys())


# --- DOMNode._bindings (ui/bindings.py translate_bindings) ---------------------


async def test_a_nodes_own_bindings_are_what_textual_dispatches_and_shows() -> None:
    app = KeysApp()
    async with app.run_test() as pilot:
        screen = app.screen
        assert isinstance(getattr(screen, "_bindings", None), BindingsMap), (
            "Textual no longer keeps a node's bindings in `_bindings`: "
            "ui/bindings.py translate_bindings cannot translate key descriptions"
        )
        # Declared in an English string; our translation of "Clear mark".
        screen._bindings.key_to_bindings["x"] = [
            Binding("x", "mark", "Effacer la marque", id="canary.clear")
        ]
        screen.refresh_bindings()
        await pilot.pause()
        shown = {a.binding.description for a in screen.active_bindings.values()}
        assert "Effacer la marque" in shown, (
            "Textual no longer reads `_bindings` for the active bindings: the footer, "
            "help and palette would stay in English (ui/bindings.py)"
        )


# --- App._keymap (ui/base.py AppModal.bound_key) --------------------------------


async def test_the_apps_keymap_is_kept_in__keymap_and_moves_a_nodes_keys() -> None:
    app = KeysApp()
    async with app.run_test() as pilot:
        app.set_keymap({"canary.clear": "f5"})
        assert getattr(app, "_keymap", None) == {"canary.clear": "f5"}, (
            "Textual no longer keeps the keymap in App._keymap: ui/base.py "
            "AppModal.bound_key would name the default key on the dialogs' buttons"
        )
        moved = app.screen._bindings.copy()
        moved.apply_keymap(app._keymap)
        assert "f5" in moved.key_to_bindings and "x" not in moved.key_to_bindings
        await pilot.press("f5")
    assert app.return_value == "marked"


# --- Screen.bindings_updated_signal (ui/widgets/footer.py AppFooter) ------------


async def test_the_footer_shows_translated_keys_and_the_palette_key_apart() -> None:
    app = KeysApp()
    async with app.run_test(size=(80, 10)) as pilot:
        translate_bindings(app.screen, translator("fr"))
        translate_bindings(app, translator("fr"))
        app.screen.refresh_bindings()
        await pilot.pause()
        await pilot.pause()
        placed = app.screen.query_one(AppFooter).placed()
        assert placed, (
            "the footer shows no keys: does Screen.bindings_updated_signal still "
            "fire (ui/widgets/footer.py subscribes to it)?"
        )
        assert "mark" in [p.key.action for p in placed]
        assert [p.key.action for p in placed if p.key.palette] == ["command_palette"]


# --- DataTable._update_dimensions, _update_count (ui/widgets/small_table.py) ---


def test_datatable_still_measures_new_rows_in__update_dimensions() -> None:
    method = getattr(DataTable, "_update_dimensions", None)
    assert method is not None, (
        "DataTable._update_dimensions is gone: ui/widgets/small_table.py overrides it"
    )
    assert list(inspect.signature(method).parameters) == ["self", "new_rows"], (
        "DataTable._update_dimensions changed its parameters: revisit ui/widgets/small_table.py"
    )
    # The render caches are keyed on this count, which SmallTable bumps.
    assert "self._update_count," in inspect.getsource(DataTable._render_line_in_row), (
        "DataTable's row render cache is no longer keyed on _update_count: "
        "ui/widgets/small_table.py's bump no longer redraws cropped cells"
    )


# --- CommandPalette's "No matches found" (ui/palette.py) ------------------------

# Textual 8.2.8's; ui/palette.py re-implements this method with the sentence translated.
NO_MATCHES_SOURCE = "0bc07d1794718e89d73d75d9d5cff5123c4dde7ffc68e68ffe0b6bf133ae53f2"


def test_the_palettes_no_match_method_is_the_one_ui_palette_reimplements() -> None:
    assert source_hash(CommandPalette._start_no_matches_countdown) == NO_MATCHES_SOURCE, (
        "Textual changed CommandPalette._start_no_matches_countdown: compare it with "
        "ui/palette.py Palette._start_no_matches_countdown, update that copy, then this hash"
    )
    for name in (
        "_stop_no_matches_countdown",
        "_NO_MATCHES",
        "_NO_MATCHES_COUNTDOWN",
        "_list_visible",
    ):
        assert hasattr(CommandPalette, name), (
            f"CommandPalette.{name} is gone: ui/palette.py uses it"
        )
    assert "placeholder" in inspect.signature(CommandPalette.__init__).parameters


# --- the actions the app overrides by name (ui/app.py) --------------------------


@pytest.mark.parametrize(
    ("action", "why"),
    [
        ("command_palette", "opens our translated Palette"),
        ("help_quit", "says in the UI language how to quit"),
    ],
)
def test_textual_still_runs_the_actions_the_app_overrides(action: str, why: str) -> None:
    keys = {binding.action for _key, binding in BindingsMap(App.BINDINGS)}
    assert callable(getattr(App, f"action_{action}", None)), (
        f"App.action_{action} is gone: GuaranteeApp overrides it ({why})"
    )
    if action == "help_quit":
        assert action in keys, "Textual no longer binds ctrl+c to help_quit"
    else:
        assert "self.push_screen(CommandPalette(" in inspect.getsource(App.action_command_palette)


# --- Screen._compositor, Compositor._get_renders (ui/inert.py, ui/base.py) ------


class Hostile(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Static(Text("a\x1b]0;PWNED\x07b\x9b31m\x7fc"))


class InertHostile(Hostile):
    def __init__(self) -> None:
        super().__init__()
        self._compositor = InertCompositor()


def drawn_text(screen: Screen[Any]) -> str:
    """What the screen writes to the terminal, styles aside."""
    update = screen._compositor.render_update(full=True)
    assert isinstance(update, LayoutUpdate), "Compositor.render_update(full=True) changed"
    return "".join(segment.text for line in update.strips for strip in line for segment in strip)


@pytest.mark.parametrize("screen", [Hostile, InertHostile])
async def test_every_line_a_screen_writes_comes_through__get_renders(
    screen: type[Screen[None]],
) -> None:
    app = ScreenApp(screen())
    async with app.run_test(size=(40, 5)) as pilot:
        await pilot.pause()
        shown = app.screen
        assert type(getattr(shown, "_compositor", None)) in (Compositor, InertCompositor), (
            "Textual no longer keeps a screen's compositor in Screen._compositor: "
            "ui/base.py cannot put ui/inert.py's InertCompositor in its place"
        )
        text = drawn_text(shown)
        if screen is Hostile:
            # Textual itself lets them through (rich drops BEL): the net is still needed.
            assert "a\x1b]0;PWNEDb\x9b31m\x7fc" in text
        else:
            assert "a]0;PWNEDb31mc" in text, (
                "A control character reached the terminal past InertCompositor: Textual's "
                "compositor no longer collects the widgets' lines in _get_renders "
                "(ui/inert.py)"
            )


class ScreenApp(App[None]):
    def __init__(self, screen: Screen[None]) -> None:
        super().__init__()
        self._first = screen

    def on_mount(self) -> None:
        self.push_screen(self._first)


# --- rich._wrap.re_word, textual._wrap.re_chunk (ui/typography.py) --------------

# A no-break space before ":" falls at the end of the first line when the
# width is 11: a line breaking there begins with ":".
NO_BREAK = "La décision\u00a0: approuvée\u202f; 80\u202f%"
NO_BREAK_WIDTH = 11


def _first_marks(lines: list[str]) -> list[str]:
    return [line for line in lines if line.lstrip(" ")[:1] in {":", ";", "%"}]


def test_the_patterns_ui_typography_replaces_are_still_the_installed_ones() -> None:
    import rich._wrap
    import textual._wrap
    from textual import content
    from textual.document import _wrapped_document

    assert 're_word = re.compile(r"\\s*\\S+\\s*")' in inspect.getsource(rich._wrap), (
        "rich._wrap.re_word changed: compare ui/typography.py RICH_WORD with it"
    )
    assert "re_word.match(" in inspect.getsource(rich._wrap.words)
    assert 're_chunk = re.compile(r"\\S+\\s*|\\s+")' in inspect.getsource(textual._wrap), (
        "textual._wrap.re_chunk changed: compare ui/typography.py TEXTUAL_CHUNK with it"
    )
    assert "re_chunk.match(" in inspect.getsource(textual._wrap.chunks)
    # Where Textual divides lines: Content (every Static and Label) through
    # Rich's divide_line, a TextArea through its own compute_wrap_offsets.
    assert getattr(content, "divide_line", None) is rich._wrap.divide_line, (
        "textual.content no longer wraps with rich._wrap.divide_line: ui/typography.py "
        "must replace whatever it uses now"
    )
    assert "divide_line(" in inspect.getsource(content.Content._wrap_and_format)
    wraps_with = getattr(_wrapped_document, "compute_wrap_offsets", None)
    assert wraps_with is textual._wrap.compute_wrap_offsets, (
        "TextArea no longer wraps with textual._wrap.compute_wrap_offsets: revisit ui/typography.py"
    )


def test_wrapping_goes_through_the_patterns_ui_typography_replaces(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import rich._wrap
    import textual._wrap
    from rich.console import Console
    from textual.content import Content
    from textual.document._document import Document
    from textual.document._wrapped_document import WrappedDocument

    from guarantee_tui.ui.typography import RICH_WORD, TEXTUAL_CHUNK

    def divided() -> dict[str, list[str]]:
        console = Console(width=NO_BREAK_WIDTH)
        document = WrappedDocument(Document(NO_BREAK), NO_BREAK_WIDTH)
        return {
            "textual.content.Content": [
                line.plain for line in Content(NO_BREAK).wrap(NO_BREAK_WIDTH)
            ],
            "rich.text.Text": [line.plain for line in Text(NO_BREAK).wrap(console, NO_BREAK_WIDTH)],
            "TextArea (WrappedDocument)": document.lines[0],
        }

    # Textual's and Rich's own patterns break at the no-break space...
    monkeypatch.setattr(rich._wrap, "re_word", re.compile(r"\s*\S+\s*"))
    monkeypatch.setattr(textual._wrap, "re_chunk", re.compile(r"\S+\s*|\s+"))
    assert all(_first_marks(lines) for lines in divided().values()), divided()
    # ...and ours, put in their place, do not: the wrapping reads the names.
    monkeypatch.setattr(rich._wrap, "re_word", RICH_WORD)
    monkeypatch.setattr(textual._wrap, "re_chunk", TEXTUAL_CHUNK)
    for where, lines in divided().items():
        assert not _first_marks(lines), (
            f"{where} no longer divides lines through rich._wrap.re_word or "
            f"textual._wrap.re_chunk: revisit ui/typography.py ({lines})"
        )


# --- Input/TextArea._cursor_visible (tests/ui/conftest.py hold_cursors_still) ----


def test_an_input_still_draws_its_cursor_from__cursor_visible() -> None:
    from textual.widgets import Input

    assert isinstance(getattr(Input, "_cursor_visible", None), Reactive), (
        "Input._cursor_visible is gone: revisit hold_cursors_still in tests/ui/conftest.py"
    )
    assert "_cursor_visible" in inspect.getsource(Input.render_line), (
        "Input no longer draws its cursor from _cursor_visible: revisit hold_cursors_still"
    )


def test_a_text_areas_style_update_still_empties_its_line_cache() -> None:
    from textual.widgets import TextArea

    assert "self._line_cache.clear()" in inspect.getsource(TextArea.notify_style_update), (
        "TextArea.notify_style_update keeps its lines: revisit hold_cursors_still"
    )
