"""What changed, for screens that follow other agents' acts.

PostgreSQL announces each log entry and each change of a claim's holder on
the channel `guarantee_events` (migration 0007's triggers); a `Listener`
holds one connection that LISTENs. SQLite has no such thing: `since`
answers "what changed after this point" from the log's sequence numbers and
the lease events' ids, cheaply enough to ask every half second.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import Connection, Engine, func, select

from guarantee_tui.store.models import ClaimEvent, LogEntry

CHANNEL: Final = "guarantee_events"
# Seconds between looks at a stop event while waiting for an announcement.
STOP_CHECK: Final = 0.1


@dataclass(frozen=True, slots=True)
class Change:
    claim_ref: str | None
    action: str
    agent: str | None
    # The log entry's number; None for a lease's change.
    seq: int | None


@dataclass(frozen=True, slots=True)
class Mark:
    """A point in the changes: the newest log entry and lease event seen."""

    log_seq: int = 0
    event_id: int = 0


def mark(conn: Connection) -> Mark:
    return Mark(
        int(conn.execute(select(func.coalesce(func.max(LogEntry.seq), 0))).scalar_one()),
        int(conn.execute(select(func.coalesce(func.max(ClaimEvent.id), 0))).scalar_one()),
    )


def since(conn: Connection, after: Mark, limit: int = 500) -> tuple[list[Change], Mark]:
    """The changes after `after`, oldest first, and the new point to ask from."""
    entries = conn.execute(
        select(LogEntry.seq, LogEntry.claim_ref, LogEntry.action, LogEntry.agent)
        .where(LogEntry.seq > after.log_seq)
        .order_by(LogEntry.seq)
        .limit(limit)
    ).all()
    leases = conn.execute(
        select(ClaimEvent.id, ClaimEvent.claim_ref, ClaimEvent.action, ClaimEvent.agent)
        .where(ClaimEvent.id > after.event_id)
        .order_by(ClaimEvent.id)
        .limit(limit)
    ).all()
    changes = [Change(r.claim_ref, r.action, r.agent, r.seq) for r in entries]
    changes += [Change(r.claim_ref, r.action, r.agent, None) for r in leases]
    return changes, Mark(
        entries[-1].seq if entries else after.log_seq,
        leases[-1].id if leases else after.event_id,
    )


def _change(payload: str) -> Change:
    data: dict[str, Any] = json.loads(payload)
    return Change(data.get("claim"), str(data.get("action")), data.get("agent"), data.get("seq"))


class Listener:
    """One PostgreSQL connection LISTENing on the channel, outside the pool."""

    def __init__(self, engine: Engine) -> None:
        self._raw = engine.raw_connection()
        driver = self._raw.driver_connection
        assert driver is not None
        # Its own connection for good: a LISTEN must not go back to the pool.
        self._raw.detach()
        self._driver: Any = driver
        self._driver.set_autocommit(True)
        self._driver.execute(f"LISTEN {CHANNEL}")

    def wait(self, timeout: float, stop: threading.Event | None = None) -> list[Change]:
        """The announcements that come within `timeout` seconds: as soon as one does,
        it and any already waiting; none when the time passes or `stop` is set."""
        remaining = timeout
        while True:
            # In slices: the wait for the socket cannot be woken from another
            # thread, and a quitting app must not wait out the whole timeout.
            step = min(STOP_CHECK, remaining)
            first = list(self._driver.notifies(timeout=step, stop_after=1))
            remaining -= step
            if first or remaining <= 0 or (stop is not None and stop.is_set()):
                break
        if not first:
            return []
        rest = list(self._driver.notifies(timeout=0.0))
        return [_change(n.payload) for n in first + rest]

    def close(self) -> None:
        self._raw.close()
