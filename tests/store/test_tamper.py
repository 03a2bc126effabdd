"""The log proves the state: each way an insider could rewrite what happened is
refused by the database, or named by `log verify`, on both backends.

`past_the_guards` is the insider who can switch the triggers off (on SQLite
whoever can write the file, on PostgreSQL a superuser): what they do must
then show in `log verify`, either against the state the log proves or
against a head kept outside the database.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from guarantee_tui.i18n import translator
from guarantee_tui.services import agents, decisions
from guarantee_tui.services.agents import change_role, set_role
from guarantee_tui.services.log import Verification, head, record_review, verify
from guarantee_tui.services.log_heads import given_heads
from guarantee_tui.store.engine import make_engine
from guarantee_tui.store.log import NewEntry, append, canonical_json
from guarantee_tui.store.models import LogEntry
from guarantee_tui.store.transactions import write_transaction
from tests.builders import AT, claim_for, eligible_professional, tagged
from tests.store.helpers import insert
from tests.store.tampering import drop_last, past_the_guards, rewrite_from

EN = translator("en")


def add(engine: Engine, tag: str) -> str:
    pro = tagged(eligible_professional(), tag)
    insert(engine, pro, replace(claim_for(pro), ref=f"CL-{tag}"), email=f"{tag.lower()}@x.fr")
    return f"CL-{tag}"


@pytest.fixture
def world(engine: Engine) -> Engine:
    """CL-A approved (240 credits to A-FR-0001), CL-B rejected, CL-S suspended (its
    professional S-FR-0001 too), all by Ana, entries 1 to 3; CL-O open."""
    set_role(engine, "Sofia", "supervisor", AT)
    for tag in ("A", "B", "S", "O"):
        add(engine, tag)
    decisions.decide(engine, "CL-A", "approve", reason="all met", agent="Ana", at=AT)
    decisions.decide(
        engine,
        "CL-B",
        "reject",
        reason="no",
        message_for_professional="Not this time.",
        agent="Ana",
        at=AT + timedelta(minutes=1),
    )
    decisions.decide(
        engine,
        "CL-S",
        "suspend",
        reason="Fake reviews",
        message_for_professional="Your reviews were not genuine.",
        agent="Ana",
        at=AT + timedelta(minutes=2),
    )
    assert verify(engine).ok
    return engine


def said(result: Verification) -> list[str]:
    return [EN.render(m) for m in (*result.differences, *result.head_problems)]


def refused(engine: Engine, statement: str, match: str) -> None:
    with pytest.raises(DBAPIError, match=match), engine.begin() as conn:
        conn.execute(text(statement))


def kept(engine: Engine) -> list[tuple[int, str]]:
    return [head(engine)]


# --- the chain itself: cut short, or rewritten whole ---------------------------------


def test_dropping_the_last_entry_and_moving_the_head_back(world: Engine) -> None:
    record_review(world, 1, True, "fine", "Sofia", AT + timedelta(hours=1))
    heads = given_heads(kept(world))
    # The database refuses both halves, whoever asks.
    refused(world, "DELETE FROM log_entries WHERE seq = 4", "append-only")
    refused(
        world,
        "UPDATE log_head SET seq = 3, hash = (SELECT hash FROM log_entries WHERE seq = 3)",
        "only moves forward",
    )
    refused(world, "DELETE FROM log_head", "only moves forward")
    with past_the_guards(world) as conn:
        drop_last(conn)
    # The chain alone holds: three entries, each following the one before.
    alone = verify(world)
    assert (alone.ok, alone.count) == (True, 3)
    # Against the head kept before, it does not.
    result = verify(world, heads)
    assert not result.ok and result.problem is None
    assert said(result) == [
        f"kept head 4:{heads[0].hash} (given with --head) is past the end of the log, "
        "which has 3 entries: entries were removed from its end"
    ]


def test_editing_an_entry_and_recomputing_every_later_hash(world: Engine) -> None:
    heads = given_heads(kept(world))
    with past_the_guards(world) as conn:
        rewrite_from(conn, 1, refund_credits=480)
    result = verify(world, heads)
    assert not result.ok
    # The chain holds: every hash was recomputed.
    assert result.problem is None and result.count == 3
    with world.connect() as conn:
        new_head = conn.execute(select(LogEntry.hash).where(LogEntry.seq == 3)).scalar_one()
    assert said(result) == [
        "decision 1 of claim CL-A is not what its entry 1 records",
        "ledger entry 1 moves 240 credits, but its entry 1 in the log records 480 credits",
        "professional A-FR-0001 has 240 credits on the ledger, but the log's refunds and "
        "reversals make 480 credits",
        f"kept head 3:{heads[0].hash} (given with --head) does not match: entry 3 now has "
        f"the hash {new_head}, so the log was rewritten at or before that entry",
    ]


# --- the state outside the chain ------------------------------------------------------


def test_an_edit_of_the_ledger(world: Engine) -> None:
    refused(world, "UPDATE ledger_entries SET amount = 999", "written once")
    refused(world, "DELETE FROM ledger_entries", "written once")
    with past_the_guards(world) as conn:
        conn.execute(text("UPDATE ledger_entries SET amount = 999"))
    assert said(verify(world)) == [
        "ledger entry 1 moves 999 credits, but its entry 1 in the log records 240 credits",
        "professional A-FR-0001 has 999 credits on the ledger, but the log's refunds and "
        "reversals make 240 credits",
    ]
    with past_the_guards(world) as conn:
        conn.execute(text("DELETE FROM ledger_entries"))
    assert said(verify(world)) == [
        "professional A-FR-0001 has 0 credits on the ledger, but the log's refunds and "
        "reversals make 240 credits",
    ]


def test_an_edit_of_the_decisions(world: Engine) -> None:
    refused(world, "UPDATE decisions SET reason = 'changed'", "written once")
    refused(world, "DELETE FROM decisions WHERE log_seq = 2", "written once")
    with past_the_guards(world) as conn:
        conn.execute(text("UPDATE decisions SET reason = 'changed' WHERE log_seq = 1"))
        conn.execute(text("UPDATE decisions SET reason_codes = '[\"C01\"]' WHERE log_seq = 3"))
        conn.execute(text("DELETE FROM decisions WHERE log_seq = 2"))
    assert said(verify(world)) == [
        "entry 2 decides claim CL-B, but no decision row records it",
        "decision 1 of claim CL-A is not what its entry 1 records",
        "decision 3 of claim CL-S is not what its entry 3 records",
    ]


def test_an_edit_of_a_claims_status(world: Engine) -> None:
    refused(world, "UPDATE claims SET status = 'rejected' WHERE ref = 'CL-A'", "decision or reop")
    refused(world, "UPDATE claims SET status = 'open' WHERE ref = 'CL-B'", "decision or reop")
    with past_the_guards(world) as conn:
        conn.execute(text("UPDATE claims SET status = 'rejected' WHERE ref = 'CL-A'"))
        conn.execute(text("UPDATE claims SET status = 'open' WHERE ref = 'CL-B'"))
    assert said(verify(world)) == [
        "claim CL-A is rejected, but the log says approved (entry 1)",
        "claim CL-B is open, but the log says rejected (entry 2)",
    ]


def test_a_status_the_log_never_spoke_of_comes_from_imports(world: Engine) -> None:
    """What predates the log (an import, the seed) is the owner's to set, and not checked."""
    with world.begin() as conn:
        conn.execute(text("UPDATE claims SET status = 'approved' WHERE ref = 'CL-O'"))
    assert verify(world).ok
    # Once the log names the claim, its status is the log's.
    with write_transaction(world) as conn:
        append(
            conn,
            NewEntry(
                at=AT + timedelta(hours=1),
                agent="Sofia",
                role="supervisor",
                action="call_note",
                claim_ref="CL-O",
            ),
        )
    refused(world, "UPDATE claims SET ref = 'CL-O2' WHERE ref = 'CL-O'", "ref the log names")


def test_an_edit_of_a_suspension(world: Engine) -> None:
    lift = (
        "UPDATE professionals SET status = 'active', suspended_at = NULL, "
        "suspension_reason = NULL WHERE ref = 'S-FR-0001'"
    )
    suspend = (
        "UPDATE professionals SET status = 'suspended', suspension_reason = 'x' "
        "WHERE ref = 'B-FR-0001'"
    )
    refused(world, lift, "suspension changes only")
    refused(world, suspend, "suspension changes only")
    with past_the_guards(world) as conn:
        conn.execute(text(lift))
        conn.execute(text(suspend))
    assert said(verify(world)) == [
        "professional B-FR-0001 is suspended, but the log never suspended them",
        "professional S-FR-0001 is active, but the log suspended them (entry 3)",
    ]
    with past_the_guards(world) as conn:
        conn.execute(
            text(
                "UPDATE professionals SET status = 'suspended', suspension_reason = 'other' "
                "WHERE ref = 'S-FR-0001'"
            )
        )
    assert "the suspension of professional S-FR-0001 is not the one entry 3 records" in (
        " ".join(said(verify(world)))
    )


def test_an_edit_of_a_role(world: Engine) -> None:
    change_role(world, "Bob", "agent", AT + timedelta(hours=1), by="admin")
    promote = "UPDATE agents SET role = 'supervisor' WHERE name IN ('Ana', 'Bob')"
    refused(world, promote, "role changes only")
    refused(world, "DELETE FROM agents WHERE name = 'Bob'", "role changes only")
    with past_the_guards(world) as conn:
        conn.execute(text(promote))
    assert said(verify(world)) == [
        "agent Ana is supervisor in the agents table, but their entries show them as agent "
        "(entry 3)",
        "agent Bob is supervisor in the agents table, but the log made them agent (entry 4)",
    ]
    # An agent the log never names is the seed's or a test's to set up.
    before = said(verify(world))
    set_role(world, "Zoé", "supervisor", AT)
    assert said(verify(world)) == before


def test_a_correctly_chained_entry_appended_by_hand_signed_as_the_supervisor(
    world: Engine,
) -> None:
    forged = NewEntry(
        at=AT + timedelta(hours=1),
        agent="Sofia",
        role="supervisor",
        action="reopen",
        claim_ref="CL-A",
        professional_ref="A-FR-0001",
        market="FR",
        reason="as if",
        refund_credits=-240,
        details=canonical_json({"previous_status": "approved", "reopened_decision_seq": 1}),
    )
    # Appended as the log's own writer would, none of the reopening's effects made.
    with write_transaction(world) as conn:
        append(conn, forged)
    result = verify(world)
    assert result.problem is None and result.count == 4
    assert said(result) == [
        "claim CL-A is approved, but the log says open (entry 4)",
        "professional A-FR-0001 has 240 credits on the ledger, but the log's refunds and "
        "reversals make 0 credits",
    ]
    # Signed as a supervisor by an agent whose entries, and the agents table, say agent;
    # the table set to match changes nothing.
    with write_transaction(world) as conn:
        append(conn, replace(forged, agent="Ana", action="call_note", claim_ref=None))
    with past_the_guards(world) as conn:
        conn.execute(text("UPDATE agents SET role = 'supervisor' WHERE name = 'Ana'"))
    assert said(verify(world))[0] == (
        "entry 5 is signed by Ana as supervisor, but their entry 3 was written as agent and "
        "no entry changed their role since"
    )


# --- PostgreSQL: an agent's login, by plain SQL ------------------------------------------


@pytest.fixture
def agent_login(pg_url: str, pg_admin: Engine) -> Iterator[Callable[[str, str], str]]:
    made: list[str] = []

    def make(name: str, role: str) -> str:
        login = f"gt_tamper_{uuid.uuid4().hex[:12]}"
        made.append(login)
        admin = make_engine(pg_url)
        try:
            agents.add(admin, name, role=role, at=AT, login=login, by="admin")
        finally:
            admin.dispose()
        return make_url(pg_url).set(username=login).render_as_string(hide_password=False)

    yield make
    with pg_admin.connect() as conn:
        for login in made:
            conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = :l"),
                {"l": login},
            )
            conn.execute(text(f'DROP ROLE IF EXISTS "{login}"'))


@pytest.mark.pg
def test_an_agents_login_cannot_decide_or_suspend_by_plain_sql(
    pg_url: str, agent_login: Callable[[str, str], str]
) -> None:
    url = agent_login("Camille", "agent")
    owner = make_engine(pg_url)
    try:
        add(owner, "O")
    finally:
        owner.dispose()
    camille = make_engine(url)
    try:
        for statement, match in (
            ("UPDATE claims SET status = 'approved' WHERE ref = 'CL-O'", "decision or reop"),
            (
                "UPDATE professionals SET status = 'suspended' WHERE ref = 'O-FR-0001'",
                "suspension changes only",
            ),
        ):
            refused(camille, statement, match)
        # Through the workflow, the same login decides.
        decisions.decide(camille, "CL-O", "approve", reason="all met", agent=None, at=AT)
        refused(camille, "UPDATE log_head SET seq = 0", "only follows the log")
    finally:
        camille.dispose()
    owner = make_engine(pg_url)
    try:
        assert verify(owner).ok
    finally:
        owner.dispose()
