"""Timestamps as SQLite holds them: naive UTC text (see store/types.UTCDateTime)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def from_sqlite(value: Any) -> datetime | None:
    # Parsing the text with its offset appended is five times faster than
    # parsing it, then replacing tzinfo.
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value + "+00:00")
    except ValueError:
        # Text some other writer left with an offset of its own.
        parsed = datetime.fromisoformat(value)
        return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
