"""Shared fixtures: databases on SQLite and PostgreSQL, settings isolation.

Store tests take the `engine` fixture and run twice: on a fresh SQLite file
and on a PostgreSQL database of the machine's server. Without a reachable
server the PostgreSQL half is skipped, unless GUARANTEE_TUI_REQUIRE_PG=1
(set by .ci/run), where it fails instead: CI must never skip it quietly.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from guarantee_tui.store.engine import make_engine
from guarantee_tui.store.log import GENESIS
from guarantee_tui.store.migrate import upgrade

PG_ADMIN_URL = os.environ.get(
    "GUARANTEE_TUI_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REQUIRE_PG = os.environ.get("GUARANTEE_TUI_REQUIRE_PG") == "1"


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's config file or environment."""
    monkeypatch.setenv("GUARANTEE_TUI_CONFIG", str(tmp_path / "no-config.toml"))
    for var in ("GUARANTEE_TUI_DB", "GUARANTEE_TUI_LANG", "GUARANTEE_TUI_AGENT"):
        monkeypatch.delenv(var, raising=False)


# --- SQLite -------------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, empty SQLite database, made once and copied for each test."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(str(path), create=True)
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture
def sqlite_path(sqlite_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "test.db"
    shutil.copyfile(sqlite_template, path)
    return path


# --- PostgreSQL ---------------------------------------------------------------


def _pg_unavailable(reason: str) -> None:
    if REQUIRE_PG:
        pytest.fail(f"PostgreSQL is required (GUARANTEE_TUI_REQUIRE_PG=1) but {reason}")
    pytest.skip(f"PostgreSQL not available: {reason}")


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[Engine]:
    engine = create_engine(
        PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
    )
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        engine.dispose()
        _pg_unavailable(f"{PG_ADMIN_URL}: {str(exc).splitlines()[0]}")
    yield engine
    engine.dispose()


# Databases are claimed from a pool, never created and dropped per run: on a
# busy machine DROP DATABASE waits for a checkpoint (20 s and more), which the
# suite paid once per test process and once per migration test. A slot is
# held with a session-level advisory lock on a connection kept open for the
# test process, so concurrent runs (xdist workers, other checkouts) never
# share one; the databases stay on the server for the next run.
POOL_NAME = "gtui_test_pool_{slot}_{kind}"
POOL_SLOTS = 64
# An arbitrary key of this suite's advisory locks (the second half is the slot).
POOL_LOCK = 0x67747569


@pytest.fixture(scope="session")
def pg_slot(pg_admin: Engine) -> Iterator[int]:
    """A pool slot held by this test process until it ends."""
    holder = pg_admin.connect()
    try:
        for slot in range(POOL_SLOTS):
            held = holder.execute(
                text("SELECT pg_try_advisory_lock(:key, :slot)"),
                {"key": POOL_LOCK, "slot": slot},
            ).scalar_one()
            if held:
                yield slot
                return
        pytest.fail(f"all {POOL_SLOTS} PostgreSQL test databases are in use")
    finally:
        # Closing the connection releases the lock.
        holder.close()


def _pool_url(name: str) -> str:
    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def empty_pg_database(admin: Engine, name: str) -> str:
    """The database `name`, created if missing, emptied as a new one is; returns its URL."""
    with admin.connect() as conn:
        exists = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        ).first()
        if exists is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        else:
            # A test that leaked a connection must not block the reset.
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
        # Tests need no durability: a commit need not wait for the disk.
        conn.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    url = _pool_url(name)
    if exists is not None:
        # What CREATE DATABASE gives on PostgreSQL 15+, without its cost.
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public AUTHORIZATION pg_database_owner"))
            conn.execute(text("GRANT USAGE ON SCHEMA public TO PUBLIC"))
        engine.dispose()
    return url


@pytest.fixture(scope="session")
def pg_session_url(pg_admin: Engine, pg_slot: int) -> str:
    """One migrated database per test process; tests empty it before use."""
    url = empty_pg_database(pg_admin, POOL_NAME.format(slot=pg_slot, kind="migrated"))
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def pg_session_engine(pg_session_url: str) -> Iterator[Engine]:
    engine = make_engine(pg_session_url)
    yield engine
    engine.dispose()


@pytest.fixture
def pg_url(pg_session_url: str, pg_session_engine: Engine) -> str:
    with pg_session_engine.begin() as conn:
        tables = conn.execute(
            text(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                "AND tablename <> 'alembic_version'"
            )
        ).scalars()
        # The log refuses DELETE and TRUNCATE; a test database may bypass its
        # triggers. DELETE, not TRUNCATE: truncating some thirty tables gives
        # each new files, 0.5 to 1 s a test; emptying small tables is instant.
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        for table in list(tables):
            conn.execute(text(f'DELETE FROM "{table}"'))
        conn.execute(
            text(
                "SELECT setval(c.oid, 1, false) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind = 'S' AND n.nspname = current_schema()"
            )
        )
        conn.execute(
            text("INSERT INTO log_head (id, seq, hash) VALUES (1, 0, :genesis)"),
            {"genesis": GENESIS},
        )
        # A tampering test may have switched the log's guards off: every test
        # starts with them on.
        conn.execute(text("ALTER TABLE log_entries ENABLE TRIGGER USER"))
    return pg_session_url


@pytest.fixture
def fresh_pg_url(pg_admin: Engine, pg_slot: int) -> str:
    """An empty, unmigrated PostgreSQL database (for migration tests)."""
    return empty_pg_database(pg_admin, POOL_NAME.format(slot=pg_slot, kind="empty"))


# --- either -------------------------------------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def db_url(request: pytest.FixtureRequest) -> str:
    """The URL of an empty database at the current schema, on each backend."""
    if request.param == "sqlite":
        path: Path = request.getfixturevalue("sqlite_path")
        return str(path)
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def fresh(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty, unmigrated database on each backend (for migration tests)."""
    if request.param == "sqlite":
        return str(tmp_path / "fresh.db")
    url: str = request.getfixturevalue("fresh_pg_url")
    return url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()
