"""The schema comes from the migrations, and a wrong revision is explained."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from guarantee_tui.i18n import translator
from guarantee_tui.store.engine import (
    check_schema,
    make_engine,
    open_database,
    resolve_url,
)
from guarantee_tui.store.errors import (
    DatabaseMissing,
    DatabaseUnavailable,
    SchemaEmpty,
    SchemaNewer,
    SchemaOutdated,
)
from guarantee_tui.store.location import SCHEMA_REVISION
from guarantee_tui.store.migrate import head_revision, upgrade
from guarantee_tui.store.models import Base

EN = translator("en")


def test_the_code_knows_the_newest_migration() -> None:
    assert head_revision() == SCHEMA_REVISION


def test_migrations_build_exactly_the_models(fresh: str) -> None:
    engine = make_engine(fresh, create=True)
    with pytest.raises(SchemaEmpty) as info:
        check_schema(engine)
    assert "guarantee-tui db upgrade" in info.value.describe(EN)
    upgrade(engine)
    check_schema(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    upgrade(engine)  # a second run is harmless
    engine.dispose()


def test_sqlite_settings(sqlite_path: Path) -> None:
    engine = make_engine(str(sqlite_path))
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert (conn.execute(text("PRAGMA busy_timeout")).scalar() or 0) >= 5000
    engine.dispose()


def test_an_older_database_is_told_to_upgrade(sqlite_path: Path) -> None:
    engine = make_engine(str(sqlite_path))
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0000_older'"))
    from guarantee_tui.store import migrate

    migrate.known_revisions.cache_clear()
    original = migrate.known_revisions
    try:
        migrate.known_revisions = lambda: frozenset({"0000_older", SCHEMA_REVISION})  # type: ignore[assignment]
        with pytest.raises(SchemaOutdated) as info:
            open_database(str(sqlite_path))
    finally:
        migrate.known_revisions = original
    message = info.value.describe(EN)
    assert "0000_older" in message and "guarantee-tui db upgrade" in message


def test_a_newer_database_is_refused(sqlite_path: Path) -> None:
    engine = make_engine(str(sqlite_path))
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    with pytest.raises(SchemaNewer, match="9999_future"):
        open_database(str(sqlite_path))


def test_a_missing_file_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "nothing.db"
    with pytest.raises(DatabaseMissing) as info:
        open_database(str(path))
    assert not path.exists()
    assert str(path) in info.value.describe(EN)


def test_an_unreachable_server_is_a_clear_error() -> None:
    with pytest.raises(DatabaseUnavailable) as info:
        open_database("postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert "127.0.0.1:1" in info.value.describe(EN) or "none" in info.value.describe(EN)


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are not the tables you are looking for\n" * 100)
    with pytest.raises(DatabaseUnavailable):
        open_database(str(path))


def test_urls() -> None:
    assert resolve_url("x.db").drivername == "sqlite+pysqlite"
    assert resolve_url("postgresql://u@h/d").drivername == "postgresql+psycopg"
    with pytest.raises(DatabaseUnavailable):
        resolve_url("not a url://")
