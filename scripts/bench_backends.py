"""Scratch databases for scripts/bench.py's marketplace and team sections.

`scratch_database("sqlite" | "postgresql", tag)` yields the URL of a new,
migrated, empty database and removes it afterwards: a file in a temporary
directory, or a database `guarantee_bench_<tag>_<pid>` created on the
PostgreSQL server of `GUARANTEE_TUI_BENCH_PG` (default: 127.0.0.1:5432,
user postgres), dropped at the end even when the measurement failed.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

from sqlalchemy import create_engine, make_url, text

from guarantee_tui.store.engine import make_engine
from guarantee_tui.store.migrate import upgrade

PG_ADMIN_URL: Final = os.environ.get(
    "GUARANTEE_TUI_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
BACKENDS: Final = ("sqlite", "postgresql")


def _migrate(url: str) -> None:
    engine = make_engine(url, create=True)
    try:
        upgrade(engine)
    finally:
        engine.dispose()


@contextmanager
def scratch_database(backend: str, tag: str) -> Iterator[str]:
    """A new migrated database of `backend`, removed on leaving; yields its URL."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="guarantee-bench-") as tmp:
            path = str(Path(tmp) / f"{tag}.db")
            _migrate(path)
            yield path
        return
    name = f"guarantee_bench_{tag}_{os.getpid()}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
            _migrate(url)
            yield url
        finally:
            # WITH (FORCE): a child process killed mid-measurement may still hold a session.
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
