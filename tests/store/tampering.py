"""What an insider with full database access does to the log and the state it proves."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields, replace
from typing import Any

from sqlalchemy import Connection, Engine, text, update

from guarantee_tui.store import log as store_log
from guarantee_tui.store.log import GENESIS, NewEntry, entry_hash
from guarantee_tui.store.models import LogEntry, LogHead


def _hash_before(conn: Connection, seq: int) -> str:
    before = store_log.entry(conn, seq - 1)
    return GENESIS if before is None else before.hash


@contextmanager
def past_the_guards(engine: Engine) -> Iterator[Connection]:
    """A transaction that writes past every trigger, as whoever can would: on
    SQLite anyone who can write the file (the triggers dropped, then put back
    so that nothing shows), on PostgreSQL a superuser."""
    with engine.begin() as conn:
        if engine.dialect.name != "sqlite":
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
            yield conn
            return
        triggers = conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
        ).all()
        for name, _sql in triggers:
            conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
        yield conn
        for _name, sql in triggers:
            conn.exec_driver_sql(sql)


def rewrite_from(conn: Connection, seq: int, **changes: Any) -> None:
    """Changes entry `seq` and recomputes its hash and every later one, and the head:
    a chain that holds, telling another story."""
    entries = [e for e in store_log.iter_entries(conn) if e.seq >= seq]
    previous = _hash_before(conn, seq)
    new_fields = {f.name for f in fields(NewEntry)}
    for entry in entries:
        changed = replace(entry, **changes) if entry.seq == seq else entry
        digest = entry_hash(
            entry.seq, NewEntry(**{k: getattr(changed, k) for k in new_fields}), previous
        )
        values = {k: getattr(changed, k) for k in new_fields if k in changes}
        conn.execute(
            update(LogEntry)
            .where(LogEntry.seq == entry.seq)
            .values(prev_hash=previous, hash=digest, **values)
        )
        previous = digest
    conn.execute(update(LogHead).where(LogHead.id == 1).values(hash=previous))


def drop_last(conn: Connection) -> None:
    """Removes the newest entry and moves the head back onto the one before it."""
    seq, _digest = store_log.head(conn)
    conn.execute(text("DELETE FROM log_entries WHERE seq = :seq"), {"seq": seq})
    before = _hash_before(conn, seq)
    conn.execute(update(LogHead).where(LogHead.id == 1).values(seq=seq - 1, hash=before))
