"""Opening a database: URL resolution, engine settings, schema revision check."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from guarantee_tui.store.errors import (
    DatabaseMissing,
    DatabaseUnavailable,
    SchemaEmpty,
    SchemaNewer,
    SchemaOutdated,
)
from guarantee_tui.store.location import (
    SCHEMA_REVISION,
    database_setting,
    sqlite_file,
)

SQLITE_BUSY_TIMEOUT_MS: Final = 10_000
# Per connection, and the workspace's workers hold several: the queue, the
# checklist and the log read through indexes, a few pages each, and the
# operating system caches the file, so a page SQLite no longer holds costs one
# read from memory. A 64 MiB cache per connection took the workspace to
# 200 MiB on the 100,000-professional database; SQLite's default of 2 MiB
# still cost 6 MiB of the tour's peak there (its caches fill up with the
# counts' and the log's index pages), for no measurable gain in opening a
# checklist or filtering the queue (scripts/bench.py, Memory section).
SQLITE_CACHE_KIB: Final = 512
SQLITE_IDLE_CONNECTIONS: Final = 2


def resolve_url(value: str | None = None) -> URL:
    """The database URL from an explicit value, else `$GUARANTEE_TUI_DB`, else sample.db.

    A plain path means a SQLite file. `postgresql://` is read as psycopg 3.
    """
    raw = database_setting(value)
    path = sqlite_file(raw)
    if path is not None:
        return URL.create("sqlite+pysqlite", database=str(path))
    try:
        url = make_url(raw)
    except ArgumentError as exc:
        raise DatabaseUnavailable(raw, "not a database URL") from exc
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if url.drivername == "sqlite":
        url = url.set(drivername="sqlite+pysqlite")
    return url


def describe(url: URL) -> str:
    """The URL as shown to people: no password; a SQLite file by its path."""
    if url.get_backend_name() == "sqlite":
        return url.database or ":memory:"
    return url.render_as_string(hide_password=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # A small page cache: see SQLITE_CACHE_KIB.
    cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    cursor.close()


def make_engine(url: URL | str | None = None, *, create: bool = False) -> Engine:
    """An engine for `url`. Without `create`, a missing SQLite file is an error
    rather than a new empty database."""
    if not isinstance(url, URL):
        url = resolve_url(url)
    backend = url.get_backend_name()
    kwargs: dict[str, Any] = {}
    if backend == "sqlite":
        path = url.database
        if path and path != ":memory:" and not create and not Path(path).exists():
            raise DatabaseMissing(describe(url))
        kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        # Idle connections kept open, each with its page cache: the workspace's
        # bursts of workers get more (closed when done), the resting app two.
        kwargs["pool_size"] = SQLITE_IDLE_CONNECTIONS
    elif backend == "postgresql":
        kwargs["pool_pre_ping"] = True
        kwargs["connect_args"] = {"connect_timeout": 5}
    else:
        raise DatabaseUnavailable(describe(url), f"unsupported database '{backend}'")
    try:
        engine = create_engine(url, **kwargs)
    except (ArgumentError, ImportError) as exc:
        raise DatabaseUnavailable(describe(url), str(exc)) from exc
    if backend == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def current_revision(engine: Engine) -> str | None:
    """The schema revision Alembic recorded, or None for a database without one.

    Read with one query rather than through Alembic, whose import costs most
    of a second at every start of the app.
    """
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except OperationalError as exc:
        raise DatabaseUnavailable(describe(engine.url), _first_line(exc)) from exc
    except SQLAlchemyError as exc:
        raise DatabaseUnavailable(describe(engine.url), _first_line(exc)) from exc
    return str(rows[0]) if len(rows) == 1 else None


def check_schema(engine: Engine) -> None:
    """Raises unless the database is at the schema this program expects."""
    revision = current_revision(engine)
    if revision == SCHEMA_REVISION:
        return
    where = describe(engine.url)
    if revision is None:
        with engine.connect() as conn:
            tables = inspect(conn).get_table_names()
        raise SchemaEmpty(where, has_tables=bool(tables))
    from guarantee_tui.store.migrate import known_revisions

    if revision in known_revisions():
        raise SchemaOutdated(where, revision, SCHEMA_REVISION)
    raise SchemaNewer(where, revision)


def open_database(url: URL | str | None = None) -> Engine:
    """An engine on an existing database at the expected schema revision."""
    engine = make_engine(url)
    try:
        check_schema(engine)
    except Exception:
        engine.dispose()
        raise
    return engine


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
