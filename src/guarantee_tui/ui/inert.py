"""Text from data on the screens: shown as it is, never acted on, never read as markup.

A company name, a client's name, an explanation, a reason or an agent's name
may hold anything a case file or a person gave: `[b red]` markup, or the
escape sequences that retitle a terminal (`ESC ]0;…BEL`), clear it
(`ESC [2J`), leave the alternate screen or make a link (OSC 8). Two layers
keep them inert:

- Where data becomes display text, it goes through `data_text` (or
  `text.visible` for a parameter of a translated sentence): a rich `Text`,
  never markup, every control character shown as its picture ("␛", "␇").
  The tables do it for every cell they are given (widgets/lazy_table.py,
  widgets/small_table.py).
- What nobody can forget: every screen of the app draws through
  `InertCompositor` (ui/base.py), which drops any control character still in
  a line about to be written to the terminal (from a widget of Textual's own,
  or a path where `data_text` was forgotten). A terminal counts a control
  character as no cell, and so does rich, so the layout is unchanged.

What is stored is kept as received: only what is shown changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import pairwise
from typing import Final

from rich.segment import Segment
from rich.style import StyleType
from rich.text import Span, Text
from textual._compositor import Compositor
from textual.geometry import Region
from textual.strip import Strip

from guarantee_tui.text import visible

# What a terminal acts on (C0 with tab and line feed, DEL, C1), and halves of
# UTF-16 pairs, which no terminal can be sent.
_UNSAFE: Final = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_SURROGATE_START: Final = "\ud800"
_SURROGATE_END: Final = "\udfff"


def data_text(value: str | None, style: StyleType = "", *, lines: bool = False) -> Text:
    """`value` from data, shown: a Text (never markup) with every control
    character made visible; with `lines`, tabs and line feeds kept."""
    return Text(visible(value or "", lines=lines), style=style)


def inert(text: Text, *, lines: bool = False) -> Text:
    """`text` with every control character made visible, its styles kept on the
    same characters (a C1 control, shown as `\\x9b`, takes four)."""
    plain = text.plain
    if _UNSAFE.search(plain) is None:
        return text
    cuts = sorted({0, len(plain), *(s.start for s in text.spans), *(s.end for s in text.spans)})
    moved = {0: 0}
    shown: list[str] = []
    length = 0
    for start, end in pairwise(cuts):
        piece = visible(plain[start:end], lines=lines)
        shown.append(piece)
        length += len(piece)
        moved[end] = length
    out = Text(
        "".join(shown),
        style=text.style,
        justify=text.justify,
        overflow=text.overflow,
        no_wrap=text.no_wrap,
        end=text.end,
    )
    out.spans = [Span(moved[s.start], moved[s.end], s.style) for s in text.spans]
    return out


def _shown(character: re.Match[str]) -> str:
    # A half pair takes a cell, as its replacement does; a control takes none.
    return "\ufffd" if _SURROGATE_START <= character.group() <= _SURROGATE_END else ""


def inert_strip(strip: Strip) -> Strip:
    """The line without any character a terminal would act on."""
    if _UNSAFE.search(strip.text) is None:
        return strip
    return Strip(
        [
            Segment(_UNSAFE.sub(_shown, text), style, control)
            if control is None and _UNSAFE.search(text)
            else Segment(text, style, control)
            for text, style, control in strip
        ],
        strip.cell_length,
    )


class InertCompositor(Compositor):
    """Textual's compositor, whose every line drawn is made inert first.

    `_get_renders` is where the compositor collects each widget's lines, for
    the updates written to the terminal and for screenshots alike
    (tests/ui/test_textual_canaries.py checks that it still is).
    """

    def _get_renders(
        self, crop: Region | None = None
    ) -> Iterable[tuple[Region, Region, list[Strip]]]:
        for region, clip, strips in super()._get_renders(crop):
            yield region, clip, [inert_strip(strip) for strip in strips]
