"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from guarantee_tui.store.sqlite_time import from_sqlite


def _from_server(value: Any) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)  # type: ignore[no-any-return]
    return value.astimezone(UTC)  # type: ignore[no-any-return]


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every backend.

    SQLite has no time zones and silently drops `tzinfo`, so values are stored
    there as naive UTC (which also keeps them ordered as text); PostgreSQL
    stores `timestamptz`. Either way the application only ever sees aware UTC.
    Reading is one function call per value: fact loading reads millions.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: timestamps must carry a time zone")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if dialect.name == "sqlite" and isinstance(value, str):
            return from_sqlite(value)
        parsed = (
            value
            if isinstance(value, datetime) or value is None
            else datetime.fromisoformat(str(value))
        )
        return _from_server(parsed)

    def result_processor(
        self, dialect: Dialect, coltype: object
    ) -> Callable[[Any], datetime | None]:
        # Replaces the impl's processor and ours chained: SQLite returns text
        # (the pysqlite driver does not parse it here), servers a datetime.
        return from_sqlite if dialect.name == "sqlite" else _from_server
