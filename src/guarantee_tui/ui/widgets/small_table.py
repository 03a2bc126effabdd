"""Textual's DataTable, for the short tables (the 20 contacts, a review sample).

A DataTable measures the columns of new rows only when it is next idle. If the
screen paints in between, which a busy machine makes likely, the cells are
drawn at the width of the headers and cached; measuring afterwards widens the
columns but leaves those cached cells as they were, so the table stays cropped
("5 janv" for "5 janv. 10:00") until something else changes it. This table
invalidates its cells once the columns are measured.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.widgets import DataTable
from textual.widgets.data_table import RowKey


class SmallTable(DataTable[Any]):
    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        super()._update_dimensions(new_rows)
        # Render caches are keyed by this count: new widths, new renders.
        self._update_count += 1
        self.refresh()
