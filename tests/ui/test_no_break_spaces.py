"""A French line on screen never begins with the mark a no-break space holds back.

French text has a no-break space (U+00A0) before ":" and a narrow one (U+202F)
before ";" and "%"; ui/typography.py keeps Rich and Textual from breaking a
line there (tests/ui/test_textual_canaries.py watches the privates it replaces).
"""

from __future__ import annotations

import re

import pytest
import rich._wrap
import textual._wrap
from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.content import Content
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Static, TextArea

import guarantee_tui.ui.app  # noqa: F401  (loading it installs the patterns)
from guarantee_tui.ui.typography import RICH_WORD, TEXTUAL_CHUNK

DECISION = "Décision\u00a0: rejetée par Ana le 1er juin\u00a0: L-0000511"
PROFILE = "Profil complété à 80\u202f% au moins\u202f; remboursement possible"
# Each text again behind 1 to 9 more letters: wherever the widgets' wrap
# column is (near 40), some no-break space falls at it.
LINES = [("a" * shift) + text for text in (DECISION, PROFILE) for shift in range(10)]
# The longest run of characters without an ordinary space.
LONGEST = max(len(word) for line in LINES for word in line.split(" "))
HELD = (":", ";", "%")


def held_marks(lines: list[str]) -> list[str]:
    """Lines that begin with a mark a no-break space should have kept on the line above."""
    return [line for line in lines if line.lstrip().startswith(HELD)]


def test_loading_the_app_keeps_no_break_spaces_together() -> None:
    assert rich._wrap.re_word is RICH_WORD
    assert textual._wrap.re_chunk is TEXTUAL_CHUNK


def test_wrapping_breaks_at_ordinary_spaces_only() -> None:
    for width in range(LONGEST, 60):
        for text in LINES:
            lines = [line.plain for line in Content(text).wrap(width)]
            assert "".join(lines).replace(" ", "") == text.replace(" ", "")
            assert not held_marks(lines), (width, lines)
            assert not any(line.startswith(("\u00a0", "\u202f")) for line in lines)
    # Ordinary spaces still break.
    assert [line.plain for line in Content(DECISION).wrap(20)] == [
        "Décision\u00a0: rejetée",
        "par Ana le 1er",
        "juin\u00a0: L-0000511",
    ]


def _table() -> Table:
    table = Table(box=None, show_header=False, padding=0, expand=True)
    table.add_column(overflow="fold")
    for line in LINES:
        table.add_row(Text(line))
    return table


class Screenful(App[None]):
    """The ways the screens put text on screen, 40 columns wide."""

    CSS = """
    Static, TextArea { width: 40; height: auto; }
    TextArea { border: none; padding: 0; }
    """

    def compose(self) -> ComposeResult:
        text = "\n".join(LINES)
        yield Static(Text(text), id="rich-text")
        yield Static(Content(text), id="content")
        yield Static(text, markup=False, id="string")
        yield Static(_table(), id="rich-table")
        yield TextArea(text, soft_wrap=True, id="text-area")


def shown(widget: Widget) -> list[str]:
    width, height = widget.size
    return [strip.text for strip in widget.render_lines(Region(0, 0, width, height))]


async def lines_on_screen() -> dict[str, list[str]]:
    app = Screenful()
    async with app.run_test(size=(60, 200)) as pilot:
        await pilot.pause()
        return {
            str(widget.id): shown(widget)
            for widget in app.query(Widget).results()
            if widget.id is not None
        }


async def test_no_line_on_screen_begins_with_the_mark_held_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    screen = await lines_on_screen()
    assert set(screen) == {"rich-text", "content", "string", "rich-table", "text-area"}
    for where, lines in screen.items():
        assert len(lines) > len(LINES), (where, lines)
        assert not held_marks(lines), (where, held_marks(lines))
    # The same screen with Rich's and Textual's own patterns: the test sees
    # what it guards against, in every widget.
    monkeypatch.setattr(rich._wrap, "re_word", re.compile(r"\s*\S+\s*"))
    monkeypatch.setattr(textual._wrap, "re_chunk", re.compile(r"\S+\s*|\s+"))
    for where, lines in (await lines_on_screen()).items():
        assert held_marks(lines), where
