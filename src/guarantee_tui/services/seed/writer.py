"""Writing generated rows: bulk Core inserts, one transaction per batch.

The generator assigns every row id itself (so that two runs give the same
ids), which lets parents and children go in with plain `executemany` and no
round trip for keys. PostgreSQL's id sequences do not see explicit ids, so
`finish` moves them past the largest id afterwards.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from sqlalchemy import Connection, Engine, Table, func, insert, select, text
from sqlalchemy.exc import DBAPIError

from guarantee_tui.errors import UserError
from guarantee_tui.services.seed.generator import TABLES, Batch
from guarantee_tui.store import search
from guarantee_tui.store.engine import describe
from guarantee_tui.store.models import Base

if TYPE_CHECKING:
    from guarantee_tui.i18n import Translator

_TABLES: Final[dict[str, Table]] = {t.name: t for t in Base.metadata.sorted_tables}
# Every table of the schema, children first: what emptying a database deletes.
_ALL_CHILDREN_FIRST: Final = tuple(reversed(Base.metadata.sorted_tables))


def write(conn: Connection, batch: Batch) -> None:
    for name in TABLES:
        rows = batch.rows[name]
        if not rows:
            continue
        table = _TABLES[name]
        # The generator may know columns a given schema revision does not have.
        if not set(table.c.keys()) >= rows[0].keys():
            keep = [k for k in rows[0] if k in table.c]
            rows = [{k: row[k] for k in keep} for row in rows]
        conn.execute(insert(table), rows)
    # The phone desk finds professionals through their search tokens.
    search.sync(conn, [row["id"] for row in batch.rows["professionals"]])


def count_professionals(conn: Connection) -> int:
    return int(
        conn.execute(select(func.count()).select_from(_TABLES["professionals"])).scalar_one()
    )


class CannotEmpty(UserError):
    def __init__(self, where: str, reason: str) -> None:
        super().__init__(where)
        self.where, self.reason = where, reason

    def describe(self, tr: Translator) -> str:
        return tr(
            "Cannot empty {where} ({reason}). Seed a new database instead.",
            where=self.where,
            reason=self.reason,
        )


def delete_everything(engine: Engine) -> None:
    """Empties every table of the schema, in one transaction (or not at all)."""
    try:
        with engine.begin() as conn:
            for table in _ALL_CHILDREN_FIRST:
                # The head row stays: the log is append-only, so emptying can only
                # succeed on an empty log, whose head is that row, where appends start.
                if table.name != "log_head":
                    conn.execute(table.delete())
    except DBAPIError as exc:
        # For instance the decision log, which is append-only.
        reason = str(exc.orig or exc).strip().splitlines()[0]
        raise CannotEmpty(describe(engine.url), reason) from exc


def finish(engine: Engine) -> None:
    """What a database needs once the rows are in."""
    backend = engine.dialect.name
    if backend == "postgresql":
        with engine.begin() as conn:
            for name in TABLES:
                conn.execute(
                    text(
                        "SELECT setval(pg_get_serial_sequence(:table, 'id'), "
                        f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"
                    ),
                    {"table": name},
                )
            # Fresh statistics, as after any bulk load.
            conn.execute(text("ANALYZE"))


def make_self_contained(engine: Engine, *, vacuum: bool) -> None:
    """A SQLite file with nothing in a -wal file beside it, so it can be copied alone.

    It stays in WAL mode: the mode is recorded in the file, and every
    connection asks for it, so a file left in another mode would be rewritten
    by the first reader (and a committed sample.db would show as changed).
    """
    if engine.dialect.name != "sqlite":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if vacuum:
            conn.exec_driver_sql("VACUUM")
        conn.exec_driver_sql("PRAGMA journal_mode=WAL")
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
