"""The log is append-only in the database itself, and concurrent appends queue."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, text

from guarantee_tui.services.log import verify
from guarantee_tui.store.engine import make_engine
from guarantee_tui.store.log import (
    HASHED_FIELDS,
    NewEntry,
    append,
    canonical_entry,
    canonical_json,
)
from guarantee_tui.store.migrate import downgrade, upgrade
from guarantee_tui.store.transactions import write_transaction

AT = datetime(2026, 6, 1, 12, tzinfo=UTC)


def guards(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = conn.execute(
                text(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                    "AND tbl_name = 'log_entries'"
                )
            )
        else:
            rows = conn.execute(
                text(
                    "SELECT tgname FROM pg_trigger WHERE tgrelid = 'log_entries'::regclass "
                    "AND NOT tgisinternal"
                )
            )
        return {r[0] for r in rows}


def test_the_guards_exist_after_every_upgrade_path(fresh: str) -> None:
    engine = make_engine(fresh, create=True)
    upgrade(engine)
    expected = guards(engine)
    assert expected, "no trigger guards the log"
    if engine.dialect.name == "postgresql":
        assert expected == {
            "log_entries_no_update_delete",
            "log_entries_no_truncate",
            "log_entries_meaning",
            # Migration 0007: who appends, checked; each entry announced.
            "guarantee_check_log",
            "guarantee_notify_log",
        }
    # Down to the first revision and up again: the guards come back with the log.
    downgrade(engine, "0001_initial")
    upgrade(engine)
    assert guards(engine) == expected
    engine.dispose()


def _entry(agent: str, i: int) -> NewEntry:
    return NewEntry(
        at=AT + timedelta(seconds=i),
        agent=agent,
        role="agent",
        action="call_note",
        reason=f"note {i}",
    )


def test_updates_deletes_and_truncates_are_refused(engine: Engine) -> None:
    with write_transaction(engine) as conn:
        append(conn, _entry("Ana", 1))
    statements = ["UPDATE log_entries SET reason = 'x'", "DELETE FROM log_entries"]
    if engine.dialect.name == "postgresql":
        statements.append("TRUNCATE log_entries CASCADE")
    for statement in statements:
        with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    assert verify(engine).ok


def _appender(url: str, agent: str, count: int) -> None:
    engine = make_engine(url)
    for i in range(count):
        with write_transaction(engine) as conn:
            append(conn, _entry(agent, i))
    engine.dispose()


@pytest.mark.slow
def test_concurrent_appends_from_several_processes_never_fork_the_chain(
    db_url: str, engine: Engine
) -> None:
    processes, each = 4, 25
    # Forked, not spawned: ready in milliseconds, not after a second of imports each.
    context = multiprocessing.get_context("fork")
    workers = [
        context.Process(target=_appender, args=(db_url, f"agent-{p}", each))
        for p in range(processes)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    result = verify(engine)
    assert result.ok
    assert result.count == processes * each


@given(
    st.lists(
        st.one_of(
            st.none(),
            st.integers(-(10**12), 10**12),
            st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
        ),
        min_size=len(HASHED_FIELDS),
        max_size=len(HASHED_FIELDS),
    )
)
def test_the_fast_canonical_form_is_the_json_encoders(values: list[object]) -> None:
    as_dict = dict(zip(HASHED_FIELDS, values, strict=True))
    assert canonical_entry(values) == canonical_json(as_dict)


def _all_triggers(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
        else:
            rows = conn.execute(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"))
        return {r[0] for r in rows}


def test_what_the_log_vouches_for_is_guarded_after_every_upgrade_path(fresh: str) -> None:
    engine = make_engine(fresh, create=True)
    upgrade(engine)
    guarded = _all_triggers(engine)
    expected = (
        {
            "log_head_forward_only",
            "decisions_no_update",
            "ledger_entries_no_delete",
            "claims_status_from_log",
            "professionals_suspension_from_log",
            "agents_role_from_log",
        }
        if engine.dialect.name == "sqlite"
        else {
            "guarantee_proof_head",
            "guarantee_proof_decisions",
            "guarantee_proof_ledger",
            "guarantee_proof_claim",
            "guarantee_proof_professional",
            "guarantee_proof_agent",
        }
    )
    assert expected <= guarded
    # Revision 0008 goes down cleanly, and comes back.
    downgrade(engine, "0007_team")
    assert not expected & _all_triggers(engine)
    downgrade(engine, "0001_initial")
    upgrade(engine)
    assert _all_triggers(engine) == guarded
    engine.dispose()
