"""On PostgreSQL the database says who acts, and an agent's login cannot do more
than an agent may, through the tool or with plain SQL."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from guarantee_tui.cli import main
from guarantee_tui.services import decisions, reopen
from guarantee_tui.services.agents import WrongAgent, current
from guarantee_tui.services.log import record_review, verify
from guarantee_tui.store.engine import make_engine
from tests.builders import AT
from tests.team.conftest import MESSAGE, MakeLogin, add_claim, reject


@pytest.fixture
def team(pg_url: str, make_login: MakeLogin) -> dict[str, str]:
    """Camille (agent), Julien (agent), Sofia (supervisor); CL-A decided by Julien."""
    admin = make_engine(pg_url)
    urls = {
        "camille": make_login("Camille Laurent", "agent", "FR"),
        "julien": make_login("Julien Morel", "agent"),
        "sofia": make_login("Sofia Martins", "supervisor"),
    }
    for tag in ("A", "B", "C"):
        add_claim(admin, tag)
    admin.dispose()
    julien = make_engine(urls["julien"])
    decisions.decide(julien, "CL-A", "approve", reason="all met", agent=None, at=AT)
    julien.dispose()
    return urls


def _refused(url: str, statement: str, match: str = "") -> None:
    engine = make_engine(url)
    try:
        with pytest.raises(DBAPIError, match=match), engine.begin() as conn:
            conn.execute(text(statement))
    finally:
        engine.dispose()


def _rows(url: str, statement: str) -> list[tuple[object, ...]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(statement))]
    finally:
        engine.dispose()


@pytest.mark.pg
def test_acts_are_the_logins_agents(team: dict[str, str], pg_url: str) -> None:
    camille = make_engine(team["camille"])
    try:
        assert current(camille, None).name == "Camille Laurent"
        reject(camille, "CL-B", None)
        with pytest.raises(WrongAgent) as info:
            reject(camille, "CL-C", "Julien Morel")
        assert "you are connected as gt_age_" in str(info.value)
        assert ": Camille Laurent" in str(info.value)
    finally:
        camille.dispose()
    assert _rows(pg_url, "SELECT agent, role FROM log_entries WHERE claim_ref = 'CL-B'") == [
        ("Camille Laurent", "agent")
    ]
    assert _rows(pg_url, "SELECT status FROM claims WHERE ref = 'CL-C'") == [("open",)]


@pytest.mark.pg
def test_an_agents_login_cannot_with_plain_sql(team: dict[str, str]) -> None:
    url = team["camille"]
    # Roles and the mapping.
    _refused(url, "UPDATE agents SET role = 'supervisor'", "permission denied")
    _refused(url, "UPDATE agents SET login = NULL", "permission denied")
    _refused(
        url,
        "INSERT INTO agents (name, role, created_at) VALUES ('X', 'supervisor', now())",
        "permission denied",
    )
    _refused(url, "DELETE FROM agents", "permission denied")
    _refused(url, "GRANT guarantee_supervisor TO CURRENT_USER", "permission denied|must have admin")
    _refused(url, "CREATE ROLE gt_intruder LOGIN", "permission denied")
    # What is recorded stays as recorded.
    for table in ("log_entries", "decisions", "ledger_entries", "outbox"):
        _refused(
            url,
            f"UPDATE {table} SET id = id"
            if table != "log_entries"
            else "UPDATE log_entries SET reason = 'x'",
            "permission denied",
        )
        _refused(url, f"DELETE FROM {table}", "permission denied")
    _refused(url, "UPDATE log_head SET seq = 0, hash = repeat('0', 64)", "only follows the log")
    # Reopening, by any of its parts.
    _refused(url, "UPDATE claims SET status = 'open' WHERE ref = 'CL-A'", "supervisor must")
    _refused(
        url,
        "INSERT INTO log_entries (seq, at, agent, role, action, claim_ref, prev_hash, hash) "
        "SELECT h.seq + 1, now(), 'Camille Laurent', 'agent', 'reopen', 'CL-A', h.hash, "
        "md5('x') || md5('y') FROM log_head h",
        "supervisor must",
    )
    _refused(
        url,
        "INSERT INTO ledger_entries (professional_id, at, amount, kind, decision_id, log_seq, "
        "agent) SELECT c.professional_id, now(), -240, 'refund_reversal', d.id, d.log_seq, "
        "'Camille Laurent' FROM decisions d JOIN claims c ON c.id = d.claim_id",
        "connected as|does not match",
    )
    # Acts under another name.
    _refused(
        url,
        "INSERT INTO log_entries (seq, at, agent, role, action, claim_ref, prev_hash, hash) "
        "SELECT h.seq + 1, now(), 'Julien Morel', 'agent', 'reject', 'CL-B', h.hash, "
        "md5('x') || md5('y') FROM log_head h",
        "you are connected as",
    )
    _refused(
        url,
        "UPDATE explanations SET verification = 'untruthful', verified_by = 'Julien Morel' "
        "WHERE claim_id = (SELECT id FROM claims WHERE ref = 'CL-B')",
        "you are connected as",
    )
    _refused(
        url,
        "UPDATE claims SET holder = 'Julien Morel', held_until = now() + "
        "interval '1 hour' WHERE ref = 'CL-B'",
        "you are connected as",
    )
    # Agents may write explanations only by confirming an intake message (0010).
    _refused(
        url,
        "UPDATE explanations SET text = 'changed'",
        "permission denied|only by confirming an intake message",
    )
    # Others' entries are not the agent's to read (or export).
    assert _rows(url, "SELECT count(*) FROM log_entries") == [(0,)]
    assert _rows(url, "SELECT count(*) FROM decisions") == [(1,)]


@pytest.mark.pg
def test_through_the_tool(
    team: dict[str, str], capsys: pytest.CaptureFixture[str], pg_url: str
) -> None:
    def run(*args: str) -> tuple[int, str]:
        status = main(list(args))
        out, err = capsys.readouterr()
        return status, out + err

    camille = team["camille"]
    status, said = run("reopen", "CL-A", "--reason", "x", "--db", camille)
    assert status == 2 and "a supervisor must" in said
    status, said = run(
        "reopen", "CL-A", "--reason", "x", "--agent", "Sofia Martins", "--db", camille
    )
    assert status == 2 and "you are connected as" in said and "Camille Laurent" in said
    status, said = run("agents", "set", "Camille Laurent", "--role", "supervisor", "--db", camille)
    assert status == 2 and "refused" in said
    status, said = run(
        "log", "export", "--format", "jsonl", "--as", "Sofia Martins", "--db", camille
    )
    assert status == 2 and "you are connected as" in said
    status, said = run("log", "verify", "--db", camille)
    assert status == 2 and "a supervisor must" in said
    status, said = run(
        "decide",
        "CL-B",
        "--action",
        "reject",
        "--reason",
        "no",
        "--message",
        MESSAGE,
        "--agent",
        "Julien Morel",
        "--db",
        camille,
    )
    assert status == 2 and "you are connected as" in said
    status, _ = run(
        "decide", "CL-B", "--action", "reject", "--reason", "no", "--message", MESSAGE,
        "--db", camille,
    )  # fmt: skip
    assert status == 0
    status, out = run("log", "export", "--format", "jsonl", "--db", camille)
    assert status == 0 and {line.count('"Camille Laurent"') for line in out.splitlines()} == {1}
    assert len(out.splitlines()) == 1
    assert _rows(pg_url, "SELECT role FROM agents WHERE name = 'Camille Laurent'") == [("agent",)]


@pytest.mark.pg
def test_a_supervisors_login_may(
    team: dict[str, str], capsys: pytest.CaptureFixture[str], pg_url: str
) -> None:
    [(approval,)] = _rows(pg_url, "SELECT seq FROM log_entries WHERE action = 'approve'")
    sofia = make_engine(team["sofia"])
    try:
        reopened = reopen.reopen(sofia, "CL-A", reason="wrong refund", agent=None, at=AT)
        assert reopened.reversed_credits == 240
        record_review(sofia, int(str(approval)), True, "fine", None, AT)
        assert verify(sofia).ok
        assert main(["log", "verify", "--db", team["sofia"]]) == 0
        assert main(["log", "export", "--format", "jsonl", "--db", team["sofia"]]) == 0
        out = capsys.readouterr().out
        assert "Julien Morel" in out and "Sofia Martins" in out
    finally:
        sofia.dispose()


@pytest.mark.pg
def test_agents_management_is_logged(pg_url: str, make_login: MakeLogin) -> None:
    url = make_login("Inês Costa", "agent", "PT")
    admin = make_engine(pg_url)
    try:
        assert (
            main(
                [
                    "agents",
                    "set",
                    "Inês Costa",
                    "--role",
                    "supervisor",
                    "--agent",
                    "root",
                    "--db",
                    pg_url,
                ]
            )
            == 0
        )
        with admin.connect() as conn:
            actions = conn.execute(
                text("SELECT action, agent, details FROM log_entries ORDER BY seq")
            ).all()
        assert [a.action for a in actions] == ["agent_add", "agent_set"]
        assert actions[1].agent == "root"
        assert '"role":"supervisor"' in actions[1].details
        assert verify(admin).ok
    finally:
        admin.dispose()
    # The login moved to the supervisors' group: it may now reopen and review.
    assert _rows(url, "SELECT pg_has_role(current_user, 'guarantee_supervisor', 'MEMBER')") == [
        (True,)
    ]
    assert main(["agents", "remove", "Inês Costa", "--agent", "root", "--db", pg_url]) == 0
    _refused(url, "SELECT count(*) FROM log_entries", "not mapped|permission denied")
