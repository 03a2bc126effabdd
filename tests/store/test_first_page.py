"""The queue's opening page read with sqlite3 is the page the full store reads."""

from __future__ import annotations

import shutil
import sqlite3
from itertools import combinations
from pathlib import Path

import pytest
from sqlalchemy.dialects import sqlite

from guarantee_tui.filters import SORT_COLUMNS, QueueFilter, QueueRow, QueueSort
from guarantee_tui.store import queue, queue_shape
from guarantee_tui.store.engine import make_engine
from guarantee_tui.store.first_page import read_first_page, serves
from guarantee_tui.store.location import sqlite_file
from guarantee_tui.store.migrate import upgrade
from tests.test_architecture import _loaded_after

SAMPLE = Path(__file__).resolve().parents[2] / "sample.db"
STATUSES = ("open", "approved", "rejected", "suspended")
EVERY_STATUS_FILTER = [
    frozenset(chosen) for n in range(len(STATUSES) + 1) for chosen in combinations(STATUSES, n)
]


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    path = tmp_path / "sample.db"
    shutil.copyfile(SAMPLE, path)
    # At the schema this code reads, whichever revision the committed file is at.
    engine = make_engine(str(path))
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    with sqlite3.connect(path) as conn:
        # Ties on the submission instant, across statuses: the ref decides.
        conn.execute(
            "UPDATE claims SET submitted_at = (SELECT min(submitted_at) FROM claims) "
            "WHERE id IN (SELECT id FROM claims ORDER BY ref DESC LIMIT 6)"
        )
    return path


@pytest.mark.parametrize("statuses", EVERY_STATUS_FILTER, ids=lambda s: "+".join(sorted(s)))
@pytest.mark.parametrize("limit", [1, 7, 100])
def test_the_first_page_is_the_full_stores(
    sample_copy: Path, statuses: frozenset[str], limit: int
) -> None:
    f = QueueFilter(statuses=statuses)
    page = read_first_page(sample_copy, f, QueueSort(), limit)
    engine = make_engine(str(sample_copy))
    try:
        with engine.connect() as conn:
            expected_rows = queue.page(conn, f, QueueSort(), 0, limit)
            expected_total = queue.count(conn, f)
    finally:
        engine.dispose()
    assert page is not None
    assert page.total == expected_total > 0
    assert page.rows == expected_rows
    assert len(page.rows) == min(limit, expected_total)


@pytest.mark.parametrize("statuses", EVERY_STATUS_FILTER, ids=lambda s: "+".join(sorted(s)))
def test_both_statements_are_written_from_one_list(statuses: frozenset[str]) -> None:
    f = QueueFilter(statuses=statuses)
    full = str(
        queue.page_statement(f, QueueSort()).compile(
            dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}
        )
    )
    columns = [f"{c.table}.{c.name}" for c in queue_shape.PAGE_COLUMNS]
    selected = full.split("\nFROM", 1)[0].removeprefix("SELECT ")
    assert [part.split(" AS ")[0].strip() for part in selected.split(", ")] == columns
    order = ", ".join(item.sql for item in queue_shape.default_order(f))
    assert full.endswith(f"ORDER BY {order}")
    joined, on = queue_shape.JOIN
    assert f"FROM claims JOIN {joined.table} ON {joined.sql} = {on.sql}" in full


def test_the_shared_list_has_every_field_and_every_sort() -> None:
    assert len(queue_shape.PAGE_COLUMNS) == len(QueueRow.__slots__)
    assert set(queue_shape.SORT_COLUMNS) == set(SORT_COLUMNS)
    assert set(queue_shape.PAGE_COLUMNS) >= queue_shape.MOMENTS


def test_the_agents_role_comes_with_it(sample_copy: Path) -> None:
    opening = QueueFilter(statuses=frozenset({"open"}))
    page = read_first_page(sample_copy, opening, QueueSort(), 5, agent="  Sofia   Martins ")
    assert page is not None and page.role == "supervisor"
    page = read_first_page(sample_copy, opening, QueueSort(), 5, agent="Nobody Known")
    assert page is not None and page.role is None


def test_only_the_opening_view_is_served(sample_copy: Path) -> None:
    for f, sort in (
        (QueueFilter(text="dupont"), QueueSort()),
        (QueueFilter(markets=frozenset({"FR"})), QueueSort()),
        (QueueFilter(verdicts=frozenset({"eligible"})), QueueSort()),
        (QueueFilter(), QueueSort("company")),
    ):
        assert not serves(f, sort)
        assert read_first_page(sample_copy, f, sort, 10) is None


def test_anything_unusual_is_left_to_the_full_store(sample_copy: Path, tmp_path: Path) -> None:
    opening = QueueFilter(statuses=frozenset({"open"}))
    missing = tmp_path / "missing.db"
    assert read_first_page(missing, opening, QueueSort(), 10) is None
    assert not missing.exists(), "a missing database must not be created"
    with sqlite3.connect(sample_copy) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0001_initial'")
    assert read_first_page(sample_copy, opening, QueueSort(), 10) is None
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    assert read_first_page(junk, opening, QueueSort(), 10) is None


def test_a_url_is_not_a_file() -> None:
    assert sqlite_file("postgresql+psycopg://u@h/db") is None
    assert sqlite_file("sqlite:///x.db") is None
    assert sqlite_file("x.db") == Path("x.db").resolve()


def test_reading_the_first_page_loads_no_sqlalchemy() -> None:
    loaded = _loaded_after(
        "import guarantee_tui.services.first_page, guarantee_tui.cli, "
        "guarantee_tui.cli.app, guarantee_tui.ui.app, guarantee_tui.ui.screens.queue"
    )
    assert "sqlalchemy" not in loaded
