"""Messages for the marketplace's API, written with the act that causes them.

A dispatcher (platform sync) will send each one with its idempotency key;
the key is derived from the log entry of the act, so resending a message can
never act twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert

from guarantee_tui.store.log import canonical_json
from guarantee_tui.store.models import OutboxMessage


def enqueue(
    conn: Connection, kind: str, log_seq: int, at: datetime, payload: dict[str, Any]
) -> None:
    """Adds a message in the caller's transaction: it exists if and only if the act does."""
    conn.execute(
        insert(OutboxMessage).values(
            kind=kind,
            idempotency_key=f"{kind}-{log_seq}",
            payload=canonical_json(payload),
            created_at=at,
        )
    )
