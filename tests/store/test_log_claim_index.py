"""The folded log is counted from the decisions, through the index on
(claim_ref, seq, action) of migration 0012, and counts what its pages show."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, inspect, text

from guarantee_tui.store import log
from guarantee_tui.store.engine import make_engine
from guarantee_tui.store.log import LogFilter, NewEntry, append
from guarantee_tui.store.migrate import downgrade, upgrade

START = datetime(2026, 3, 2, 8, tzinfo=UTC)
AGENTS = ("Ana", "Bruno", "Chloé")
MARKS = ("mark_truthful", "mark_untruthful", "mark_cleared")
DECISIONS = ("approve", "reject", "suspend")
INDEX = "ix_log_entries_claim_seq_action"


def fill(engine: Engine, seed: int, entries: int = 240) -> None:
    """A log of marks, decisions, reopenings and other acts on a dozen claims,
    interleaved; a few entries name no claim (a mark and a decision too)."""
    rng = random.Random(seed)
    decided: dict[str, bool] = {}
    at = START
    with engine.begin() as conn:
        for n in range(entries):
            at += timedelta(minutes=rng.randint(1, 40))
            claim: str | None = f"CL-{rng.randint(1, 12):03d}"
            roll = rng.random()
            if roll < 0.02:
                claim, action = None, rng.choice((*MARKS, "agent_set", "approve"))
            elif roll < 0.6:
                action = rng.choice(MARKS)
            elif roll < 0.85:
                action = "reopen" if decided.get(claim or "") else rng.choice(DECISIONS)
            else:
                action = rng.choice(("claim_note", "review_agree", "call_note"))
            if claim is not None and action in DECISIONS:
                decided[claim] = True
            elif claim is not None and action == "reopen":
                decided[claim] = False
            market = None if claim is None else ("PT" if int(claim[-3:]) % 3 == 0 else "FR")
            append(
                conn,
                NewEntry(
                    at=at,
                    agent=AGENTS[(n + rng.randint(0, 1)) % 3],
                    role="supervisor" if action == "reopen" else "agent",
                    action=action,
                    claim_ref=claim,
                    market=market,
                ),
            )


def filters() -> list[LogFilter]:
    day = START + timedelta(days=1)
    return [
        LogFilter(),
        LogFilter(actions=frozenset({"approve"})),
        LogFilter(actions=frozenset({"mark_truthful"})),
        LogFilter(actions=frozenset({"mark_truthful", "mark_cleared", "reject", "suspend"})),
        LogFilter(actions=frozenset({"reopen", "claim_note"})),
        LogFilter(agents=frozenset({"Ana"})),
        LogFilter(agents=frozenset({"Bruno", "Chloé"}), markets=frozenset({"FR"})),
        LogFilter(markets=frozenset({"PT"})),
        LogFilter(start=day, end=day + timedelta(days=1)),
        LogFilter(start=day + timedelta(hours=7)),
        LogFilter(end=day),
        LogFilter(claim_ref="CL-004"),
        LogFilter(claim_ref="CL-006", start=day, actions=frozenset({"mark_untruthful", "approve"})),
        LogFilter(agents=frozenset({"Chloé"}), start=START + timedelta(hours=20)),
    ]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_folded_count_and_positions_agree_with_the_pages(engine: Engine, seed: int) -> None:
    fill(engine, seed)
    with engine.connect() as conn:
        folding = 0
        for f in filters():
            shown = [e.seq for e in log.page_top_level(conn, f, 0, 10_000)]
            # The count the pages' condition gives, entry by entry.
            assert log.count_top_level(conn, f) == len(shown) == log._count(conn, log._top_level(f))
            assert log.count_entries(conn, f) >= len(shown)
            folding += log.count_entries(conn, f) - len(shown)
            hidden = [s for s in range(1, 60) if s not in shown]
            asked = shown[::7] + hidden[:3]
            assert log.top_level_positions(conn, f, asked) == {
                seq: shown.index(seq) for seq in asked if seq in shown
            }
        assert folding > 0  # the log has groups to fold


def statements(engine: Engine, call: Any) -> list[tuple[str, Any]]:
    """The SQL (with its parameters) that `call(conn)` sends."""
    sent: list[tuple[str, Any]] = []

    def record(*args: Any) -> None:
        sent.append((args[2], args[3]))

    with engine.connect() as conn:
        event.listen(conn, "before_cursor_execute", record)
        call(conn)
        event.remove(conn, "before_cursor_execute", record)
    return sent


@pytest.fixture
def sqlite_log(sqlite_path: Path) -> Iterator[Engine]:
    engine = make_engine(str(sqlite_path))
    fill(engine, 1)
    yield engine
    engine.dispose()


def sqlite_plan(engine: Engine, statement: str, parameters: Any) -> list[str]:
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
        return [str(row[3]) for row in rows]


LOG_NAMES = ("log_entries", "decision", "previous_decision", "mark", "shown_decision")


def full_scans(plan: list[str]) -> list[str]:
    """The lines that read the whole log's table (an index read whole to count is no scan of it)."""
    return [
        line
        for line in plan
        if line.startswith("SCAN ")
        and line.split()[1] in LOG_NAMES
        and "COVERING INDEX" not in line
    ]


@pytest.mark.parametrize(
    "f",
    [
        LogFilter(),
        LogFilter(agents=frozenset({"Ana"})),
        LogFilter(actions=frozenset({"approve", "mark_truthful"})),
        LogFilter(start=START + timedelta(days=1)),
    ],
    ids=["all", "agent", "actions", "since"],
)
def test_sqlite_counts_the_folded_log_through_the_index(sqlite_log: Engine, f: LogFilter) -> None:
    sent = statements(sqlite_log, lambda conn: log.count_top_level(conn, f))
    assert len(sent) == 1
    plan = sqlite_plan(sqlite_log, *sent[0])
    assert any(INDEX in line for line in plan), plan
    assert full_scans(plan) == [], plan


def test_sqlite_reads_a_claim_s_entries_for_the_first_folded_page_through_the_index(
    sqlite_log: Engine,
) -> None:
    sent = statements(sqlite_log, lambda conn: log.page_top_level(conn, LogFilter(), 0, 50))
    plan = sqlite_plan(sqlite_log, *sent[0])
    searches = [line for line in plan if line.startswith("SEARCH ") and "claim_ref=?" in line]
    assert searches and all(INDEX in line for line in searches), plan


def log_indexes(engine: Engine) -> dict[str, list[str | None]]:
    return {
        str(ix["name"]): list(ix["column_names"])
        for ix in inspect(engine).get_indexes("log_entries")
    }


def test_the_migration_puts_the_index_in_place_of_the_claim_s_alone(fresh: str) -> None:
    engine = make_engine(fresh, create=True)
    try:
        upgrade(engine)
        found = log_indexes(engine)
        assert found[INDEX] == ["claim_ref", "seq", "action"]
        assert "ix_log_entries_claim_ref" not in found
        downgrade(engine, "0011_claim_notes")
        found = log_indexes(engine)
        assert INDEX not in found
        assert found["ix_log_entries_claim_ref"] == ["claim_ref"]
        upgrade(engine)
        assert log_indexes(engine)[INDEX] == ["claim_ref", "seq", "action"]
    finally:
        engine.dispose()


@pytest.mark.pg
def test_postgresql_can_count_the_folded_log_from_the_index(pg_url: str) -> None:
    engine = make_engine(pg_url)
    try:
        fill(engine, 2)
        f = LogFilter()
        (statement, parameters), *_ = statements(engine, lambda conn: log.count_top_level(conn, f))
        with engine.begin() as conn:
            # A few hundred rows read faster whole: ask for what a large log gets.
            conn.execute(text("SET LOCAL enable_seqscan = off"))
            plan = "\n".join(
                str(row[0]) for row in conn.exec_driver_sql("EXPLAIN " + statement, parameters)
            )
        assert INDEX in plan, plan
    finally:
        engine.dispose()


@pytest.mark.parametrize("seed", [4, 5])
def test_a_page_read_from_the_oldest_end_is_the_same_page(engine: Engine, seed: int) -> None:
    """Given the count, the older half is read from the other end (an offset
    scans what it skips): the same rows, in the same order, at every offset."""
    fill(engine, seed, entries=120)
    rng = random.Random(seed)
    with engine.connect() as conn:
        for f in filters():
            total = log.count_top_level(conn, f)
            for offset in sorted({0, total // 2, total // 2 + 1, total - 1, total, total + 3}):
                for limit in (1, rng.randint(2, 30), 100):
                    plain = log.page_top_level(conn, f, max(offset, 0), limit)
                    assert log.page_top_level(conn, f, max(offset, 0), limit, total) == plain, (
                        f,
                        offset,
                        limit,
                    )


@pytest.mark.parametrize("seed", [6, 7])
def test_a_page_read_from_its_neighbour_s_key_is_the_same_page(engine: Engine, seed: int) -> None:
    """A page next to rows the screen holds is read from the neighbour's seq
    (no offset to scan): the same rows as by offset, from either side."""
    fill(engine, seed, entries=120)
    with engine.connect() as conn:
        for f in filters():
            every = log.page_top_level(conn, f, 0, 10_000)
            total = len(every)
            for offset in range(0, total, 7):
                for limit in (1, 5, 40):
                    plain = log.page_top_level(conn, f, offset, limit)
                    if offset > 0:
                        above = log.Around(older_than=every[offset - 1].seq)
                        assert log.page_top_level(conn, f, offset, limit, around=above) == plain
                    if offset + limit < total:
                        below = log.Around(newer_than=every[offset + limit].seq)
                        assert log.page_top_level(conn, f, offset, limit, around=below) == plain
