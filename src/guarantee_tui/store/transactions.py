"""Write transactions that queue instead of failing.

SQLite in WAL mode lets a transaction read an old snapshot and then refuses
its first write if another process committed meanwhile. A write transaction
therefore takes the write lock first (BEGIN IMMEDIATE) and waits for it
(busy timeout). PostgreSQL needs nothing special: the services lock the
rows they change.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One short transaction: committed when the block ends, rolled back on error."""
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.rollback()
            raise
        conn.commit()
