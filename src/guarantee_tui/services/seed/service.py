"""Seeding a database: make or check the target, write the rows, report the counts."""

from __future__ import annotations

import contextlib
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final

from sqlalchemy import Engine, inspect
from sqlalchemy.engine import URL

from guarantee_tui.errors import UserError
from guarantee_tui.services.seed.decisions import replay_decisions
from guarantee_tui.services.seed.generator import (
    DEFAULT_ANCHOR,
    DEFAULT_PROFESSIONALS,
    DEFAULT_SEED,
    TABLES,
    Generator,
)
from guarantee_tui.services.seed.writer import (
    count_professionals,
    delete_everything,
    finish,
    make_self_contained,
    write,
)
from guarantee_tui.store.engine import (
    check_schema,
    current_revision,
    describe,
    make_engine,
    resolve_url,
)
from guarantee_tui.store.migrate import upgrade

if TYPE_CHECKING:
    from guarantee_tui.i18n import Translator

# Professionals generated and written per transaction.
BATCH_SIZE: Final = 500
# Up to this size the SQLite file is vacuumed (compact, e.g. the committed sample.db).
VACUUM_UP_TO: Final = 5_000
_SQLITE_HEADER: Final = b"SQLite format 3\x00"
_SIDECARS: Final = ("-wal", "-shm", "-journal")

# Called after each batch with (professionals written, professionals in all).
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class SeedOptions:
    professionals: int = DEFAULT_PROFESSIONALS
    seed: int = DEFAULT_SEED
    anchor: datetime = DEFAULT_ANCHOR
    replace: bool = False
    batch_size: int = BATCH_SIZE


@dataclass(frozen=True, slots=True)
class SeedSummary:
    database: str
    # Rows written, per table.
    rows: Mapping[str, int]
    # Professionals per market, claims per status.
    markets: Mapping[str, int]
    claims: Mapping[str, int]
    seconds: float


class DatabaseNotEmpty(UserError):
    def __init__(self, where: str, professionals: int) -> None:
        super().__init__(where)
        self.where, self.professionals = where, professionals

    def describe(self, tr: Translator) -> str:
        return tr.plural(
            "{where} already holds {n} professional. Add --replace to empty it and seed again.",
            "{where} already holds {n} professionals. Add --replace to empty it and seed again.",
            self.professionals,
            where=self.where,
        )


class NotASQLiteFile(UserError):
    def __init__(self, where: str) -> None:
        super().__init__(where)
        self.where = where

    def describe(self, tr: Translator) -> str:
        return tr(
            "{where} is not a SQLite database: --replace deletes only a database file.",
            where=self.where,
        )


def seed_database(
    db: str | URL | None, options: SeedOptions, progress: Progress | None = None
) -> SeedSummary:
    """Fills the database `db` (made when missing) with generated data.

    A database that already holds professionals is refused unless
    `options.replace`, which empties it first (a SQLite file is deleted and
    made again). If anything fails on the way, what was written is undone.
    """
    started = time.perf_counter()
    url = db if isinstance(db, URL) else resolve_url(db)
    where = describe(url)
    made_file = _prepare_file(url, options.replace)
    engine = make_engine(url, create=True)
    try:
        _prepare_schema(engine)
        with engine.connect() as conn:
            existing = count_professionals(conn)
        if existing:
            if not options.replace:
                raise DatabaseNotEmpty(where, existing)
            delete_everything(engine)
        try:
            rows, markets, claims = _fill(engine, options, progress)
            finish(engine)
            replay_decisions(engine, options.anchor, options.seed)
        except BaseException:
            _undo(engine, url, made_file)
            raise
        make_self_contained(engine, vacuum=options.professionals <= VACUUM_UP_TO)
    finally:
        engine.dispose()
    return SeedSummary(where, rows, markets, claims, time.perf_counter() - started)


def _sqlite_path(url: URL) -> Path | None:
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def _prepare_file(url: URL, replace: bool) -> bool:
    """For a SQLite file: deletes it if replacing. True when the file is to be made."""
    path = _sqlite_path(url)
    if path is None:
        return False
    if not path.exists() or path.stat().st_size == 0:
        return True
    if not replace:
        return False
    with path.open("rb") as f:
        if f.read(len(_SQLITE_HEADER)) != _SQLITE_HEADER:
            raise NotASQLiteFile(describe(url))
    _delete_file(path)
    return True


def _delete_file(path: Path) -> None:
    for sidecar in _SIDECARS:
        path.with_name(path.name + sidecar).unlink(missing_ok=True)
    path.unlink(missing_ok=True)


def _prepare_schema(engine: Engine) -> None:
    """Creates the tables in an empty database; otherwise the schema must be current."""
    if current_revision(engine) is None:
        with engine.connect() as conn:
            tables = inspect(conn).get_table_names()
        if not tables:
            upgrade(engine)
            return
    check_schema(engine)


def _fill(
    engine: Engine, options: SeedOptions, progress: Progress | None
) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    generator = Generator(options.professionals, options.seed, options.anchor)
    rows: Counter[str] = Counter()
    markets: Counter[str] = Counter()
    claims: Counter[str] = Counter()
    done = 0
    for batch in generator.batches(options.batch_size):
        with engine.begin() as conn:
            write(conn, batch)
        for table in TABLES:
            rows[table] += len(batch.rows[table])
        markets.update(r["market"] for r in batch.rows["professionals"])
        claims.update(r["status"] for r in batch.rows["claims"])
        done += batch.professionals
        if progress is not None:
            progress(done, options.professionals)
    return (
        {t: rows[t] for t in TABLES},
        dict(sorted(markets.items())),
        dict(sorted(claims.items())),
    )


def _undo(engine: Engine, url: URL, made_file: bool) -> None:
    """Removes what a failed or interrupted seed wrote (the target held no professional)."""
    path = _sqlite_path(url)
    engine.dispose()
    if made_file and path is not None:
        _delete_file(path)
        return
    # The original error is the one to report.
    with contextlib.suppress(Exception):
        delete_everything(engine)
