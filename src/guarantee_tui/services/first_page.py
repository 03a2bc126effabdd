"""The queue's opening page before the database layer is loaded (store/first_page).

Nothing here imports SQLAlchemy: the workspace calls it while SQLAlchemy
would still be loading.
"""

from __future__ import annotations

from pathlib import Path

from guarantee_tui.filters import QueueFilter, QueueSort
from guarantee_tui.store.first_page import FirstPage, read_first_page, serves
from guarantee_tui.store.location import sqlite_file

__all__ = ["FirstPage", "database_file", "read", "serves"]


def database_file(setting: str | None) -> Path | None:
    """The SQLite file the database setting names, if it is a plain path."""
    return sqlite_file(setting)


def read(path: Path, f: QueueFilter, sort: QueueSort, limit: int, agent: str) -> FirstPage | None:
    return read_first_page(path, f, sort, limit, agent)
