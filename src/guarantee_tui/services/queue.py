"""The claim queue, for the screens: counts and pages, never the whole list."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine

from guarantee_tui.filters import (
    SORT_COLUMNS,
    ExactRef,
    QueueFilter,
    QueueResult,
    QueueRow,
    QueueSort,
)
from guarantee_tui.store import queue as store

__all__ = [
    "SORT_COLUMNS",
    "ExactRef",
    "QueueFilter",
    "QueueResult",
    "QueueRow",
    "QueueSort",
    "count",
    "page",
    "search",
]


def count(engine: Engine, f: QueueFilter) -> int:
    with engine.connect() as conn:
        return store.count(conn, f)


def page(
    engine: Engine, f: QueueFilter, sort: QueueSort, offset: int, limit: int
) -> list[QueueRow]:
    with engine.connect() as conn:
        return store.page(conn, f, sort, offset, limit)


def search(
    engine: Engine,
    f: QueueFilter,
    sort: QueueSort,
    offset: int,
    limit: int,
    cancelled: Callable[[], bool] | None = None,
) -> QueueResult | None:
    """The count and the page holding row `offset`, in one connection; None when
    `cancelled` said, before or during the queries, that a newer search replaced it."""
    if cancelled is not None and cancelled():
        return None
    with engine.connect() as conn:
        try:
            return store.search(conn, f, sort, offset, limit, cancelled)
        except store.SearchCancelled:
            return None
