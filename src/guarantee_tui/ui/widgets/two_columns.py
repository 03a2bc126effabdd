"""A mark, a label and a text side by side, wrapped to the width given.

It draws what a borderless rich Table with two ratio columns draws, for a
fraction of the cost: the Table measures every cell several times per render,
and Textual renders a widget's content at least twice when it is shown (once
for its height, once for its lines). On the claim screen that was the largest
single cost between Enter and a painted checklist.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from rich.console import Console, ConsoleOptions
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

HEADER_STYLE = Style(bold=True)
# Columns are separated as a table with one cell of padding on each side would be.
PAD = 1


@dataclass(frozen=True)
class TwoColumns:
    header: tuple[str, str]
    rows: Sequence[tuple[Text, Text, Text]]
    ratio: tuple[int, int] = (2, 5)

    def widths(self, width: int) -> tuple[int, int, int]:
        """Text widths of the three columns, shared out as rich's Table does
        (ratios over the width left by the mark, padding included, rounded up)."""
        mark = max((row[0].cell_len for row in self.rows), default=1)
        flexible = width - mark - 2 * PAD
        left = math.ceil(flexible * self.ratio[0] / sum(self.ratio))
        right = flexible - left
        return mark, max(1, left - 2 * PAD), max(1, right - 2 * PAD)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(options.max_width, options.max_width)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        mark_width, left_width, right_width = self.widths(options.max_width)
        gap = Segment(" " * (2 * PAD))
        lines: list[tuple[Text, Text, Text]] = [
            (
                Text(""),
                Text(self.header[0], style=HEADER_STYLE),
                Text(self.header[1], style=HEADER_STYLE),
            )
        ]
        lines += self.rows
        for number, (mark, left, right) in enumerate(lines):
            lefts = left.wrap(console, left_width, overflow="fold")
            rights = right.wrap(console, right_width, overflow="fold")
            for index in range(max(len(lefts), len(rights), 1)):
                shown = mark if index == 0 else Text("")
                label = lefts[index] if index < len(lefts) else None
                evidence = rights[index] if index < len(rights) else None
                line = [
                    Segment(" " * PAD),
                    *self._cell(console, shown, mark_width),
                    gap,
                    *self._cell(console, label, left_width),
                    gap,
                    *self._cell(console, evidence, right_width + PAD),
                ]
                # The header is bold from edge to edge, padding included.
                yield from Segment.apply_style(line, HEADER_STYLE) if number == 0 else line
                yield Segment.line()

    @staticmethod
    def _cell(console: Console, text: Text | None, width: int) -> Iterator[Segment]:
        if text is None:
            yield Segment(" " * width)
            return
        text = text.copy()
        text.rstrip()
        text.truncate(width, pad=True)
        # Text.render leaves out the text's own style; only its spans come through.
        style = console.get_style(text.style) if isinstance(text.style, str) else text.style
        yield from Segment.apply_style(text.render(console), style)
