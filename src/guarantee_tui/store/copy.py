"""Copying a whole database to another, SQLite to PostgreSQL and back.

Every table of the schema, row for row with its ids, in the order foreign
keys need, in one transaction on the target: a failed copy leaves the
target as empty as it was. Values go through the models' column types, so
instants keep their microseconds and the log's hashes still hold. On
PostgreSQL the target's own triggers (team checks, notifications, the
log's integrity checks) are switched off for the copy and on again before
it commits: the rows are the source's, already checked there, and the
copier is the tables' owner (ALTER TABLE … DISABLE TRIGGER USER needs no
superuser). The serial sequences then start after the copied ids.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from sqlalchemy import Connection, Engine, Table, func, inspect, select, text, update

from guarantee_tui.store.models import Base, LogHead
from guarantee_tui.store.transactions import write_transaction

BATCH: Final = 2000


def non_empty_tables(conn: Connection) -> list[str]:
    """Tables of the schema holding rows (the log's genesis head does not count)."""
    found = []
    for table in Base.metadata.sorted_tables:
        stmt = select(func.count()).select_from(table)
        if table.name == LogHead.__tablename__:
            stmt = stmt.where(LogHead.seq != 0)
        if conn.execute(stmt).scalar_one():
            found.append(table.name)
    return found


def _serial(table: Table) -> str | None:
    """The table's integer key that a sequence feeds on PostgreSQL, if any."""
    keys = list(table.primary_key.columns)
    if len(keys) == 1 and keys[0].autoincrement is not False and keys[0].name == "id":
        return keys[0].name
    return None


def _copy_table(source: Connection, target: Connection, table: Table) -> int:
    order = list(table.primary_key.columns)
    result = source.execution_options(stream_results=True, yield_per=BATCH).execute(
        select(table).order_by(*order)
    )
    copied = 0
    for rows in result.partitions(BATCH):
        values = [dict(row._mapping) for row in rows]
        if table.name == LogHead.__tablename__:
            # The target's genesis head moves onto the copied chain's last entry.
            for value in values:
                target.execute(
                    update(LogHead)
                    .where(LogHead.id == value["id"])
                    .values(seq=value["seq"], hash=value["hash"])
                )
        else:
            target.execute(table.insert(), values)
        copied += len(values)
    return copied


def copy_database(
    source: Engine, target: Engine, progress: Callable[[str, int], None] | None = None
) -> dict[str, int]:
    """Copies every row of `source` into the empty `target`; returns rows per table.

    The caller has checked that the target is empty (`non_empty_tables`);
    this checks again inside the copy's transaction.
    """
    counts: dict[str, int] = {}
    tables = Base.metadata.sorted_tables
    postgresql = target.dialect.name == "postgresql"
    with source.connect() as src, write_transaction(target) as dst:
        busy = non_empty_tables(dst)
        if busy:
            raise TargetNotEmptyError(busy)
        if postgresql:
            with_triggers = [t.name for t in tables if inspect(dst).has_table(t.name)]
            for name in with_triggers:
                dst.execute(text(f'ALTER TABLE "{name}" DISABLE TRIGGER USER'))
        for table in tables:
            counts[table.name] = _copy_table(src, dst, table)
            if progress is not None:
                progress(table.name, counts[table.name])
        if postgresql:
            for table in tables:
                key = _serial(table)
                if key is not None:
                    dst.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', '{key}'), "
                            f'COALESCE((SELECT max("{key}") FROM "{table.name}"), 0) + 1, false)'
                        )
                    )
            for name in with_triggers:
                dst.execute(text(f'ALTER TABLE "{name}" ENABLE TRIGGER USER'))
    return counts


class TargetNotEmptyError(Exception):
    """The target holds data: a copy never merges."""

    def __init__(self, tables: list[str]) -> None:
        super().__init__(", ".join(tables))
        self.tables = tables
