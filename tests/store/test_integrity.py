"""The database refuses what the workflow never does (migration 0004), and
`log verify` names it when someone got past it anyway."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, insert, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from guarantee_tui.i18n import translator
from guarantee_tui.services import decisions, reopen
from guarantee_tui.services.agents import set_role
from guarantee_tui.services.log import verify
from guarantee_tui.store.engine import make_engine
from guarantee_tui.store.log import (
    BeforeLatestEntry,
    DecidedTwice,
    InTheFuture,
    NewEntry,
    NothingToReopen,
    append,
)
from guarantee_tui.store.migrate import downgrade, upgrade
from guarantee_tui.store.models import Decision, LedgerEntry, LogEntry
from guarantee_tui.store.transactions import write_transaction
from tests.builders import AT, claim_for, eligible_professional, tagged
from tests.store.helpers import insert as insert_facts
from tests.store.tampering import past_the_guards

EN = translator("en")


def add(engine: Engine, tag: str) -> str:
    pro = tagged(eligible_professional(), tag)
    claim = replace(claim_for(pro), ref=f"CL-{tag}")
    insert_facts(engine, pro, claim, email=f"{tag.lower()}@x.fr")
    return claim.ref


def entry(action: str, claim_ref: str | None, at: datetime = AT) -> NewEntry:
    return NewEntry(at=at, agent="Eve", role="agent", action=action, claim_ref=claim_ref)


@contextmanager
def triggers_off(engine: Engine) -> Iterator[Connection]:
    """A transaction that writes past the log's meaning triggers (tampering)."""
    with write_transaction(engine) as conn:
        if engine.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER log_entries_decided_once"))
            conn.execute(text("DROP TRIGGER log_entries_reopen_decided"))
        else:
            # For this transaction only: the fixture's next test finds them on.
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        yield conn


def test_a_second_decision_without_a_reopening_is_refused_by_the_database(
    engine: Engine,
) -> None:
    ref = add(engine, "A")
    decisions.decide(engine, ref, "approve", reason="ok", agent="Ana", at=AT)
    # The log refuses a second decision entry, whoever writes it.
    with pytest.raises(DecidedTwice), write_transaction(engine) as conn:
        append(conn, entry("reject", ref))
    # The decisions table refuses a second row even when the log was bypassed.
    with engine.connect() as conn:
        row = conn.execute(select(Decision.__table__)).mappings().one()
    with triggers_off(engine) as conn:
        seq = append(conn, entry("approve", ref)).seq
    second = {k: v for k, v in row.items() if k != "id"} | {"log_seq": seq}
    with pytest.raises(IntegrityError, match="decided once"), engine.begin() as conn:
        conn.execute(insert(Decision).values(**second))
    # And the ledger a second refund of the same decision.
    with engine.connect() as conn:
        refund = conn.execute(select(LedgerEntry.__table__)).mappings().one()
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(insert(LedgerEntry).values(**{k: v for k, v in refund.items() if k != "id"}))


def test_a_status_changed_behind_the_workflow_cannot_lead_to_a_second_decision(
    engine: Engine,
) -> None:
    ref = add(engine, "A")
    decisions.decide(engine, ref, "approve", reason="ok", agent="Ana", at=AT)
    # The database refuses the change (migration 0008)...
    with pytest.raises(DBAPIError, match="decision or reopening"), engine.begin() as conn:
        conn.execute(text("UPDATE claims SET status = 'open'"))
    # ...and past its guards, still no second decision, and log verify names it.
    with past_the_guards(engine) as conn:
        conn.execute(text("UPDATE claims SET status = 'open'"))
    with pytest.raises(decisions.DecidedBefore) as info:
        decisions.decide(engine, ref, "approve", reason="again", agent="Ana", at=AT)
    assert "no reopening followed" in info.value.describe(EN)
    with engine.connect() as conn:
        assert conn.execute(select(LedgerEntry.amount)).scalars().all() == [240]
    assert [EN.render(m) for m in verify(engine).differences] == [
        "claim CL-A is open, but the log says approved (entry 1)"
    ]


def test_a_reopening_needs_a_decision(engine: Engine) -> None:
    ref = add(engine, "A")
    with pytest.raises(NothingToReopen), write_transaction(engine) as conn:
        append(conn, entry("reopen", ref))
    # A status that came with the claim is no decision: nothing to reopen.
    with engine.begin() as conn:
        conn.execute(text("UPDATE claims SET status = 'rejected'"))
    set_role(engine, "Sofia", "supervisor", AT)
    with pytest.raises(reopen.NoDecisionRecorded):
        reopen.reopen(engine, ref, reason="why", agent="Sofia", at=AT)


def test_decide_reopen_decide_is_the_normal_way(engine: Engine) -> None:
    ref = add(engine, "A")
    set_role(engine, "Sofia", "supervisor", AT)
    decisions.decide(engine, ref, "approve", reason="ok", agent="Ana", at=AT)
    reopen.reopen(engine, ref, reason="check", agent="Sofia", at=AT + timedelta(hours=1))
    decisions.decide(
        engine,
        ref,
        "reject",
        reason="no",
        message_for_professional="Le client a trouvé un autre artisan.",
        agent="Ana",
        at=AT + timedelta(hours=2),
    )
    assert verify(engine).ok


def test_log_verify_names_a_double_decision_like_a_broken_hash(engine: Engine) -> None:
    ref = add(engine, "A")
    decisions.decide(engine, ref, "approve", reason="ok", agent="Ana", at=AT)
    with triggers_off(engine) as conn:
        append(conn, entry("approve", ref, AT + timedelta(hours=1)))
        append(conn, entry("call_note", None, AT + timedelta(hours=2)))
    result = verify(engine)
    assert not result.ok
    assert (result.broken_seq, result.count) == (2, 1)
    assert result.problem is not None
    assert EN.render(result.problem) == (
        "it decides claim CL-A again, though the decision of entry 1 was never reopened"
    )


def test_log_verify_names_a_reopening_of_nothing(engine: Engine) -> None:
    ref = add(engine, "A")
    with triggers_off(engine) as conn:
        append(conn, entry("call_note", None))
        append(conn, entry("reopen", ref))
    result = verify(engine)
    assert (result.ok, result.broken_seq) == (False, 2)
    assert result.problem is not None
    assert EN.render(result.problem) == "it reopens claim CL-A, which has no decision to reopen"


def test_entries_carry_the_time_the_database_recorded_them(engine: Engine) -> None:
    before = datetime.now(UTC) - timedelta(minutes=5)
    with write_transaction(engine) as conn:
        written = append(conn, entry("call_note", None, AT))
    with engine.connect() as conn:
        stored = conn.execute(select(LogEntry.at, LogEntry.recorded_at)).one()
    assert stored.at == AT
    # Not the time the writer claimed (AT, months ago), the database's.
    assert stored.recorded_at is not None and stored.recorded_at > before
    assert written.recorded_at == stored.recorded_at
    assert verify(engine).ok


def test_a_chosen_time_is_neither_before_the_latest_entry_nor_in_the_future(
    engine: Engine,
) -> None:
    with write_transaction(engine) as conn:
        append(conn, entry("call_note", None, AT))
    with pytest.raises(BeforeLatestEntry) as early, write_transaction(engine) as conn:
        append(conn, entry("call_note", None, AT - timedelta(seconds=1)), chosen_time=True)
    assert "before the latest log entry (2026-06-01T12:00:00+00:00)" in early.value.describe(EN)
    future = datetime.now(UTC) + timedelta(days=1)
    with pytest.raises(InTheFuture) as late, write_transaction(engine) as conn:
        append(conn, entry("call_note", None, future), chosen_time=True)
    assert "is in the future" in late.value.describe(EN)
    with write_transaction(engine) as conn:
        append(conn, entry("call_note", None, AT), chosen_time=True)  # the same instant is fine
    assert verify(engine).count == 2


def test_upgrading_a_sqlite_log_with_decisions_keeps_every_reference(tmp_path: Path) -> None:
    engine = make_engine(str(tmp_path / "old.db"), create=True)
    upgrade(engine, "0003_phone_desk")
    day = "'2026-06-01 12:00:00.000000'"
    # Rows as a database at 0003 holds them (today's code writes recorded_at).
    with engine.begin() as conn:
        for statement in (
            "INSERT INTO professionals (id, ref, market, company_name, created_at, company_key, "
            f"status) VALUES (1, 'P1', 'FR', 'X', {day}, 'x', 'active')",
            "INSERT INTO claims (id, professional_id, ref, submitted_at, status, version) "
            f"VALUES (1, 1, 'CL-1', {day}, 'approved', 2)",
            "INSERT INTO log_entries (seq, at, agent, role, action, claim_ref, prev_hash, hash) "
            f"VALUES (1, {day}, 'Ana', 'agent', 'approve', 'CL-1', 'p', 'h')",
            "INSERT INTO decisions (id, claim_id, log_seq, action, agent, decided_at, reason, "
            "reason_codes, verdict, checklist, letter_language, letter_text, claim_version) "
            f"VALUES (1, 1, 1, 'approve', 'Ana', {day}, 'r', '[]', 'eligible', '{{}}', 'fr', "
            "'l', 1)",
            "INSERT INTO ledger_entries (professional_id, at, amount, kind, decision_id, "
            f"log_seq, agent) VALUES (1, {day}, 10, 'guarantee_refund', 1, 1, 'Ana')",
        ):
            conn.execute(text(statement))
    upgrade(engine, "0004_integrity")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
        assert conn.execute(select(LogEntry.seq, LogEntry.recorded_at)).one() == (1, None)
        assert conn.execute(select(Decision.log_seq)).scalar_one() == 1
    downgrade(engine, "0003_phone_desk")
    upgrade(engine, "0004_integrity")
    with pytest.raises(IntegrityError, match="decided once"), engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO log_entries (seq, at, agent, role, action, claim_ref, prev_hash, "
                f"hash) VALUES (2, {day}, 'Ana', 'agent', 'reject', 'CL-1', 'h', 'h2')"
            )
        )
    engine.dispose()
