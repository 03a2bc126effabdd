"""The database's own clock, as a column default on both backends.

A log entry's `recorded_at` is the time the database wrote it, whatever
time the writer claims for the act (`at`): SQLite's `strftime` in the text
form `UTCDateTime` stores there (naive UTC, microseconds, so it orders with
the other values), PostgreSQL's `clock_timestamp()` (the moment of the
statement, not of the transaction's start).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from guarantee_tui.store.types import UTCDateTime


class database_now(FunctionElement[datetime]):
    type = UTCDateTime()
    inherit_cache = True
    name = "database_now"


@compiles(database_now, "sqlite")
def _sqlite_now(_element: database_now, _compiler: Any, **_kw: Any) -> str:
    # %f is seconds with milliseconds ("SS.SSS"): padded to the microseconds
    # every other value of the column has.
    return "strftime('%Y-%m-%d %H:%M:%f000', 'now')"


@compiles(database_now, "postgresql")
def _postgresql_now(_element: database_now, _compiler: Any, **_kw: Any) -> str:
    return "clock_timestamp()"
