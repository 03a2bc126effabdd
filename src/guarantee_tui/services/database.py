"""The database as the screens see it: opened once, errors told in words.

The UI layer never imports SQLAlchemy; it holds a `Database` handle and runs
service calls through `guarded`, which turns a lost connection or a broken
file into a `DatabaseUnavailable` the screens know how to show.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from guarantee_tui.store.engine import describe, open_database
from guarantee_tui.store.errors import DatabaseUnavailable, StoreError

Database = Engine
T = TypeVar("T")

__all__ = ["Database", "DatabaseUnavailable", "StoreError", "close", "guarded", "name", "open_"]


def open_(url: str | None) -> Database:
    return open_database(url)


def name(database: Database) -> str:
    """Short enough for a header: a SQLite file by its name, a server URL without password."""
    if database.url.get_backend_name() == "sqlite" and database.url.database:
        return Path(database.url.database).name
    return describe(database.url)


def close(database: Database) -> None:
    database.dispose()


def guarded(database: Database, job: Callable[[Database], T]) -> T:
    """Runs `job`, reporting database failures as `DatabaseUnavailable`."""
    try:
        return job(database)
    except OperationalError as exc:
        raise _unavailable(database, exc) from exc
    except DBAPIError as exc:
        if exc.connection_invalidated:
            raise _unavailable(database, exc) from exc
        raise


def _unavailable(database: Database, exc: DBAPIError) -> DatabaseUnavailable:
    reason = str(exc.orig or exc).strip().splitlines()
    return DatabaseUnavailable(describe(database.url), reason[0] if reason else "")
