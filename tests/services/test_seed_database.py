"""Seeding real databases: the sample through the store, determinism, the committed sample.db."""

from __future__ import annotations

import importlib.util
import io
import shutil
import sqlite3
import subprocess
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, insert, select

from guarantee_tui import policy
from guarantee_tui.services.seed import (
    DEFAULT_ANCHOR,
    DatabaseNotEmpty,
    NotASQLiteFile,
    SeedOptions,
    seed_database,
    writer,
)
from guarantee_tui.services.seed import service as seed_service
from guarantee_tui.services.seed.decisions import TEAM
from guarantee_tui.services.seed.generator import TABLES
from guarantee_tui.store.engine import make_engine
from guarantee_tui.store.errors import SchemaEmpty
from guarantee_tui.store.facts import iter_claims
from guarantee_tui.store.models import Agent, Base, Claim, Explanation, Professional

REPOSITORY = Path(__file__).resolve().parents[2]
COMMITTED_SAMPLE = REPOSITORY / "sample.db"
HAVE_EXPORTER = importlib.util.find_spec("guarantee_tui.services.case_files") is not None


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default sample, seeded once for the module."""
    path = tmp_path_factory.mktemp("seed") / "sample.db"
    seed_database(str(path), SeedOptions())
    return path


@pytest.fixture
def sample_engine(sample_db: Path, tmp_path: Path) -> Iterator[Engine]:
    copy = tmp_path / "sample-copy.db"
    shutil.copyfile(sample_db, copy)
    engine = make_engine(str(copy))
    yield engine
    engine.dispose()


def sqlite_dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the seeded tables, as stored, read without touching the file."""
    conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY id").fetchall() for t in TABLES}
    finally:
        conn.close()


def engine_dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the seeded tables, as the application reads them (any backend)."""
    tables = {t.name: t for t in Base.metadata.sorted_tables}
    with engine.connect() as conn:
        return {
            t: [tuple(r) for r in conn.execute(select(tables[t]).order_by(tables[t].c.id))]
            for t in TABLES
        }


def export(path: Path, tmp_path: Path) -> str:
    from guarantee_tui.services.case_files import export_case_file  # type: ignore[import-not-found,unused-ignore]

    copy = tmp_path / f"export-{path.name}"
    shutil.copyfile(path, copy)
    engine = make_engine(str(copy))
    try:
        out = io.StringIO()
        export_case_file(engine, out, None)
        return out.getvalue()
    finally:
        engine.dispose()


# --- the sample, through the store and the real policy ---------------------------


def test_the_sample_through_the_store_covers_every_condition_verdict_and_action(
    sample_engine: Engine,
) -> None:
    not_met: set[str] = set()
    pending: set[str] = set()
    verdicts: set[tuple[str, str]] = set()
    actions: set[str] = set()
    statuses: Counter[str] = Counter()
    with sample_engine.connect() as conn:
        for facts in iter_claims(conn):
            checklist = policy.evaluate(facts.professional, facts.claim, DEFAULT_ANCHOR)
            for result in checklist.results:
                if result.status is policy.Status.NOT_MET:
                    not_met.add(result.id)
                elif result.status is policy.Status.PENDING:
                    pending.add(result.id)
            verdicts.add((facts.professional.market, checklist.verdict))
            actions.add(checklist.action)
            statuses[facts.claim.status] += 1
    # waiting_period cannot be not_met (it is met or pending): it must be pending somewhere.
    assert not_met == set(policy.ConditionId) - {policy.ConditionId.WAITING_PERIOD}
    assert policy.ConditionId.WAITING_PERIOD in pending
    assert verdicts == {(m, v) for m in policy.Market for v in policy.Verdict}
    assert actions == set(policy.Action)
    assert set(statuses) == set(policy.ClaimStatus)
    assert sum(statuses.values()) >= 40


def test_the_sample_file_is_small_and_self_contained(sample_db: Path) -> None:
    assert sample_db.stat().st_size < 2_000_000
    for sidecar in ("-wal", "-shm", "-journal"):
        assert not Path(f"{sample_db}{sidecar}").exists()
    header = sample_db.read_bytes()[:20]
    # WAL mode is recorded in the file, so opening it (which asks for WAL)
    # does not rewrite the committed file.
    assert header[18:20] == b"\x02\x02"


def test_reading_the_sample_leaves_the_file_as_it_was(sample_db: Path, tmp_path: Path) -> None:
    import shutil

    from guarantee_tui.cli import main

    copy = tmp_path / "sample.db"
    shutil.copyfile(sample_db, copy)
    before = copy.read_bytes()
    assert main(["check", "--all", "--db", str(copy)]) == 0
    assert copy.read_bytes() == before


def test_explanations_are_verified_by_the_seeded_team(sample_engine: Engine) -> None:
    """The sample's verifiers are agents of the agents table, each of their market's team."""
    with sample_engine.connect() as conn:
        agents = set(conn.execute(select(Agent.name)).scalars())
        verified = {
            (market, name)
            for market, name in conn.execute(
                select(Professional.market, Explanation.verified_by)
                .join(Claim, Claim.id == Explanation.claim_id)
                .join(Professional, Professional.id == Claim.professional_id)
                .where(Explanation.verified_by.is_not(None))
                .distinct()
            )
        }
    assert {name for _, name in verified} <= agents
    assert verified == {(market, name) for market, team in TEAM.items() for name in team}


# --- determinism ------------------------------------------------------------------


def test_seeding_twice_with_the_same_seed_gives_the_same_database(
    sample_db: Path, tmp_path: Path
) -> None:
    again = tmp_path / "again.db"
    seed_database(str(again), SeedOptions())
    assert sqlite_dump(again) == sqlite_dump(sample_db)


def test_another_seed_gives_another_database(sample_db: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    seed_database(str(other), SeedOptions(seed=2))
    assert sqlite_dump(other)["professionals"] != sqlite_dump(sample_db)["professionals"]


@pytest.mark.skipif(not HAVE_EXPORTER, reason="guarantee_tui.services.case_files not written yet")
def test_the_same_seed_exports_the_same_case_file(sample_db: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.db"
    seed_database(str(again), SeedOptions())
    first, second = export(sample_db, tmp_path), export(again, tmp_path)
    assert first == second
    assert '"FR-00001"' in first and '"PT-00001"' in first


@pytest.mark.skipif(not HAVE_EXPORTER, reason="guarantee_tui.services.case_files not written yet")
def test_another_seed_exports_another_case_file(sample_db: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    seed_database(str(other), SeedOptions(seed=2))
    assert export(other, tmp_path) != export(sample_db, tmp_path)


@pytest.fixture
def committed_sample(tmp_path: Path) -> Path:
    """sample.db as committed. The README's start command opens the working
    copy, and the app writes to it (stored verdicts, the log): a newcomer who
    starts the app, then runs the tests, compares what git holds."""
    assert COMMITTED_SAMPLE.is_file(), "run: guarantee-tui seed --db sample.db"
    shown = subprocess.run(
        ["git", "-C", str(REPOSITORY), "show", "HEAD:sample.db"],
        capture_output=True,
        check=False,
    )
    if shown.returncode != 0:  # not a git checkout, or not committed yet
        return COMMITTED_SAMPLE
    path = tmp_path / "committed-sample.db"
    path.write_bytes(shown.stdout)
    return path


def test_the_committed_sample_is_what_seed_makes_by_default(
    sample_db: Path, committed_sample: Path
) -> None:
    assert sqlite_dump(committed_sample) == sqlite_dump(sample_db), (
        "sample.db is out of date: rerun 'guarantee-tui seed --db sample.db --replace', "
        "then commit it (the committed file is compared)"
    )


@pytest.mark.skipif(not HAVE_EXPORTER, reason="guarantee_tui.services.case_files not written yet")
def test_the_committed_sample_exports_like_a_fresh_seed(
    sample_db: Path, committed_sample: Path, tmp_path: Path
) -> None:
    assert export(committed_sample, tmp_path) == export(sample_db, tmp_path)


# --- each backend ------------------------------------------------------------------


def test_seeding_gives_the_same_rows_on_each_backend(
    db_url: str, engine: Engine, sample_engine: Engine
) -> None:
    summary = seed_database(db_url, SeedOptions())
    assert engine_dump(engine) == engine_dump(sample_engine)
    assert summary.rows["professionals"] == 60
    assert summary.markets["FR"] + summary.markets["PT"] == 60
    assert set(summary.claims) == set(policy.ClaimStatus)


def test_new_rows_get_fresh_ids_after_a_seed(db_url: str, engine: Engine) -> None:
    seed_database(db_url, SeedOptions(professionals=5))
    with engine.begin() as conn:
        new_id = conn.execute(
            insert(Professional)
            .values(
                ref="FR-99999",
                market="FR",
                company_name="Nouvelle Entreprise",
                created_at=datetime(2026, 11, 20, tzinfo=UTC),
                company_key="nouvelle entreprise",
            )
            .returning(Professional.id)
        ).scalar_one()
    assert new_id == 6


def test_a_database_with_professionals_is_refused_unless_replaced(
    db_url: str, engine: Engine
) -> None:
    seed_database(db_url, SeedOptions(professionals=8))
    with pytest.raises(DatabaseNotEmpty) as raised:
        seed_database(db_url, SeedOptions(professionals=8, seed=2))
    assert raised.value.professionals == 8
    before = engine_dump(engine)
    assert len(before["professionals"]) == 8
    engine.dispose()
    summary = seed_database(db_url, SeedOptions(professionals=12, seed=2, replace=True))
    after = engine_dump(engine)
    assert summary.rows["professionals"] == len(after["professionals"]) == 12
    assert after["professionals"] != before["professionals"]


def test_a_failed_seed_leaves_nothing_behind(
    db_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = 0
    real_write = writer.write

    def failing(conn: Any, batch: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("disk full")
        real_write(conn, batch)

    monkeypatch.setattr(seed_service, "write", failing)
    with pytest.raises(RuntimeError):
        seed_database(db_url, SeedOptions(professionals=20, batch_size=5))
    assert all(rows == [] for rows in engine_dump(engine).values())


def test_a_failed_seed_removes_the_file_it_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(conn: Any, batch: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(seed_service, "write", failing)
    path = tmp_path / "new.db"
    with pytest.raises(KeyboardInterrupt):
        seed_database(str(path), SeedOptions(professionals=3))
    assert list(tmp_path.iterdir()) == []


def test_a_database_that_refuses_deletes_is_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "kept.db"
    seed_database(str(path), SeedOptions(professionals=3))
    conn = sqlite3.connect(path)
    conn.execute(
        "CREATE TRIGGER packs_kept BEFORE DELETE ON packs BEGIN SELECT RAISE(ABORT, 'kept'); END"
    )
    conn.commit()
    conn.close()
    engine = make_engine(str(path))
    try:
        with pytest.raises(writer.CannotEmpty) as raised:
            writer.delete_everything(engine)
        assert "kept" in raised.value.reason
        assert len(engine_dump(engine)["professionals"]) == 3
    finally:
        engine.dispose()


def test_replace_deletes_only_a_sqlite_file(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database\n")
    with pytest.raises(NotASQLiteFile):
        seed_database(str(notes), SeedOptions(replace=True))
    assert notes.read_text() == "not a database\n"


def test_a_database_of_another_application_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE things (id INTEGER PRIMARY KEY)")
    conn.close()
    with pytest.raises(SchemaEmpty):
        seed_database(str(path), SeedOptions())


def test_an_empty_file_or_a_migrated_database_is_seeded(tmp_path: Path, sqlite_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    assert seed_database(str(empty), SeedOptions(professionals=4)).rows["professionals"] == 4
    assert seed_database(str(sqlite_path), SeedOptions(professionals=4)).rows["claims"] >= 1
