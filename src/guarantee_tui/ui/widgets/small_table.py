"""Textual's DataTable, for the short tables (the 20 contacts, a review sample).

A DataTable measures the columns of new rows only when it is next idle. If the
screen paints in between, which a busy machine makes likely, the cells are
drawn at the width of the headers and cached; measuring afterwards widens the
columns but leaves those cached cells as they were, so the table stays cropped
("5 janv" for "5 janv. 10:00") until something else changes it. This table
invalidates its cells once the columns are measured.

A DataTable also reads a string cell or title as markup: a claim ref such as
`[/nope]` crashed the review sample, `[b red]X[/]` came out styled. Here every
string is a plain Text and every Text has its control characters made visible
(ui/inert.py): cells are data.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.text import Text, TextType
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey

from guarantee_tui.ui.inert import data_text, inert


def _shown(cell: object) -> Any:
    if isinstance(cell, str):
        return data_text(cell)
    if isinstance(cell, Text):
        return inert(cell)
    return cell


class SmallTable(DataTable[Any]):
    def add_column(
        self,
        label: TextType,
        *,
        width: int | None = None,
        key: str | None = None,
        default: Any = None,
    ) -> ColumnKey:
        return super().add_column(_shown(label), width=width, key=key, default=_shown(default))

    def add_row(
        self,
        *cells: Any,
        height: int | None = 1,
        key: str | None = None,
        label: TextType | None = None,
    ) -> RowKey:
        return super().add_row(
            *(_shown(cell) for cell in cells), height=height, key=key, label=_shown(label)
        )

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        super()._update_dimensions(new_rows)
        # Render caches are keyed by this count: new widths, new renders.
        self._update_count += 1
        self.refresh()
