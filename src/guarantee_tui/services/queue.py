"""The claim queue, for the screens: counts and pages, never the whole list."""

from __future__ import annotations

from sqlalchemy import Engine

from guarantee_tui.filters import SORT_COLUMNS, QueueFilter, QueueRow, QueueSort
from guarantee_tui.store import queue as store

__all__ = ["SORT_COLUMNS", "QueueFilter", "QueueRow", "QueueSort", "count", "page"]


def count(engine: Engine, f: QueueFilter) -> int:
    with engine.connect() as conn:
        return store.count(conn, f)


def page(
    engine: Engine, f: QueueFilter, sort: QueueSort, offset: int, limit: int
) -> list[QueueRow]:
    with engine.connect() as conn:
        return store.page(conn, f, sort, offset, limit)
