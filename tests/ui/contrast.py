"""The contrast of what the app paints: WCAG 2 relative luminance and ratios,
read from the segments Textual composes for the screen (colours as painted,
after opacity, tints and the theme; `dim` as a terminal draws it)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual._compositor import LayoutUpdate
from textual.app import App
from textual.geometry import Region

# WCAG AA for text.
AA = 4.5


def luminance(rgb: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@dataclass(frozen=True, slots=True)
class Cell:
    x: int
    y: int
    char: str
    fg: tuple[int, int, int]
    bg: tuple[int, int, int]
    bold: bool = False

    @property
    def contrast(self) -> float:
        return ratio(self.fg, self.bg)


def _rgb(color: Color | None, default: tuple[int, int, int]) -> tuple[int, int, int]:
    if color is None or color.is_default:
        return default
    t = color.get_truecolor()
    return (t.red, t.green, t.blue)


def _colours(style: Style) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    bg = _rgb(style.bgcolor, (0, 0, 0))
    fg = _rgb(style.color, (255, 255, 255))
    if style.reverse:
        fg, bg = bg, fg
    if style.dim:
        # A terminal draws dim text about half way to the background.
        fg = (
            (fg[0] + bg[0]) // 2,
            (fg[1] + bg[1]) // 2,
            (fg[2] + bg[2]) // 2,
        )
    return fg, bg


def is_text(char: str) -> bool:
    """A character read as text: not a space, a border or a block element."""
    if not char.strip():
        return False
    name = unicodedata.name(char, "")
    return not name.startswith(
        ("BOX DRAWINGS", "UPPER ", "LOWER ", "LEFT ", "RIGHT ", "FULL BLOCK", "QUADRANT")
    )


def painted(app: App[Any]) -> list[Cell]:
    """Every cell of the screen as painted (dialogs over their screens)."""
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    assert isinstance(update, LayoutUpdate)
    cells: list[Cell] = []
    for y, line in enumerate(update.strips, update.region.y):
        x = update.region.x
        for strip in line:
            for segment in strip:
                assert isinstance(segment, Segment)
                style = segment.style or Style()
                fg, bg = _colours(style)
                for char in segment.text:
                    cells.append(Cell(x, y, char, fg, bg, bool(style.bold)))
                    x += 1
    return cells


def within(cells: list[Cell], region: Region) -> list[Cell]:
    return [c for c in cells if region.contains(c.x, c.y)]


def worst(cells: list[Cell]) -> Cell | None:
    """The text cell of least contrast, if any text."""
    text = [c for c in cells if is_text(c.char)]
    return min(text, key=lambda c: c.contrast) if text else None
