"""Shared fixtures: databases on SQLite and PostgreSQL, settings isolation.

Store tests take the `engine` fixture and run twice: on a fresh SQLite file
and on a PostgreSQL database of the machine's server. Without a reachable
server the PostgreSQL half is skipped, unless GUARANTEE_TUI_REQUIRE_PG=1
(set by .ci/run), where it fails instead: CI must never skip it quietly.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from guarantee_tui.store.engine import make_engine
from guarantee_tui.store.log import GENESIS
from guarantee_tui.store.migrate import upgrade
from guarantee_tui.store.models import Base

PG_ADMIN_URL = os.environ.get(
    "GUARANTEE_TUI_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REQUIRE_PG = os.environ.get("GUARANTEE_TUI_REQUIRE_PG") == "1"


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's config file or environment."""
    monkeypatch.setenv("GUARANTEE_TUI_CONFIG", str(tmp_path / "no-config.toml"))
    for var in (
        "GUARANTEE_TUI_DB",
        "GUARANTEE_TUI_LANG",
        "GUARANTEE_TUI_AGENT",
        "GUARANTEE_TUI_ROLE",
    ):
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


def create_pg_database(admin: Engine) -> str:
    """A new empty database; returns its URL. Dropped by `drop_pg_database`."""
    name = f"gtui_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def drop_pg_database(admin: Engine, url: str) -> None:
    name = make_url(url).database
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def pg_session_url(pg_admin: Engine) -> Iterator[str]:
    """One migrated database per test process; tests empty it before use."""
    url = create_pg_database(pg_admin)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    drop_pg_database(pg_admin, url)


@pytest.fixture
def pg_url(pg_session_url: str) -> str:
    engine = make_engine(pg_session_url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        # The log refuses TRUNCATE; a test database may bypass its triggers.
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        conn.execute(
            text("INSERT INTO log_head (id, seq, hash) VALUES (1, 0, :genesis)"),
            {"genesis": GENESIS},
        )
        # A tampering test may have switched the log's guards off: every test
        # starts with them on.
        conn.execute(text("ALTER TABLE log_entries ENABLE TRIGGER USER"))
    engine.dispose()
    return pg_session_url


@pytest.fixture
def fresh_pg_url(pg_admin: Engine) -> Iterator[str]:
    """A brand-new, unmigrated PostgreSQL database (for migration tests)."""
    url = create_pg_database(pg_admin)
    yield url
    drop_pg_database(pg_admin, url)


# --- either -------------------------------------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def db_url(request: pytest.FixtureRequest) -> str:
    """The URL of an empty database at the current schema, on each backend."""
    if request.param == "sqlite":
        path: Path = request.getfixturevalue("sqlite_path")
        return str(path)
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()
