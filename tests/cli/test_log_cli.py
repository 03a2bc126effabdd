"""`log verify|head|export`, `reopen` and `agents` from the command line."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from sqlalchemy import Engine, text

from guarantee_tui.cli import main
from guarantee_tui.services import decisions
from guarantee_tui.services.agents import set_role
from tests.builders import AT, claim_for, eligible_professional, tagged
from tests.store.helpers import insert


@pytest.fixture
def database(db_url: str, engine: Engine) -> str:
    set_role(engine, "Sofia", "supervisor", AT)
    for tag in ("A", "B"):
        pro = tagged(eligible_professional(), tag)
        insert(engine, pro, replace(claim_for(pro), ref=f"CL-{tag}"), email=f"{tag}@x.fr")
    decisions.decide(engine, "CL-A", "approve", reason="ok", agent="Ana", at=AT)
    return db_url


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_verify_and_head(database: str, capsys: pytest.CaptureFixture[str], engine: Engine) -> None:
    status, out, _ = run(capsys, "log", "verify", "--db", database)
    assert status == 0
    head = run(capsys, "log", "head", "--db", database)[1].strip()
    assert out.strip() == f"OK 1 entries, head {head}"
    assert len(head) == 64
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER log_entries_no_update"))
        else:
            conn.execute(text("ALTER TABLE log_entries DISABLE TRIGGER USER"))
        conn.execute(text("UPDATE log_entries SET refund_credits = 999999"))
    status, out, _ = run(capsys, "log", "verify", "--db", database)
    assert status == 1
    assert "entry 1" in out and "does not match its hash" in out


def test_export_filters_and_refuses_bad_input(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(
        capsys,
        "log",
        "export",
        "--format",
        "jsonl",
        "--as",
        "Sofia",
        "--from",
        "2026-06-01",
        "--to",
        "2026-06-01",
        "--db",
        database,
    )
    assert status == 0
    assert [json.loads(line)["claim_ref"] for line in out.splitlines()] == ["CL-A"]
    status, out, _ = run(
        capsys,
        "log",
        "export",
        "--format",
        "jsonl",
        "--as",
        "Sofia",
        "--from",
        "2026-06-02",
        "--db",
        database,
    )
    assert out == ""
    for args, problem in (
        (["--from", "2026-02-30"], "--from"),
        (["--to", "yesterday"], "--to"),
        (["--action", "erase"], "erase"),
        (["--from", "2026-06-02", "--to", "2026-06-01"], "before"),
    ):
        status, out, err = run(
            capsys, "log", "export", "--format", "csv", "--as", "Sofia", *args, "--db", database
        )
        assert status == 2, args
        assert out == ""
        assert problem in err and len(err.strip().splitlines()) == 1


def test_reopen_needs_a_supervisor(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(
        capsys, "reopen", "CL-A", "--reason", "oops", "--agent", "Ana", "--db", database
    )
    assert status == 2
    assert "supervisor" in err
    status, out, err = run(
        capsys,
        "reopen",
        "CL-A",
        "--reason",
        "Job won after all",
        "--agent",
        "Sofia",
        "--db",
        database,
    )
    assert status == 0, err
    assert "reopened" in out and "-240 credits" in out
    status, out, err = run(
        capsys, "reopen", "CL-B", "--reason", "x", "--agent", "Sofia", "--db", database
    )
    assert status == 2
    assert "open" in err


def test_decide_prints_the_letter_and_refuses_twice(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(
        capsys,
        "decide",
        "CL-B",
        "--action",
        "reject",
        "--reason",
        "x",
        "--agent",
        "Ana",
        "--at",
        "2026-06-01T12:00:00Z",
        "--db",
        database,
    )
    assert status == 0
    assert out.startswith("Objet : votre demande de garantie CL-B")
    status, out, err = run(
        capsys,
        "decide",
        "CL-B",
        "--action",
        "approve",
        "--reason",
        "x",
        "--agent",
        "Ana",
        "--db",
        database,
    )
    assert status == 2
    assert "already decided" in err


def test_agents(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        run(capsys, "agents", "set", "  Rui   Costa ", "--role", "supervisor", "--db", database)[0]
        == 0
    )
    _status, out, _ = run(capsys, "agents", "list", "--db", database)
    assert "Rui Costa\tsupervisor" in out
    assert "Ana\tagent" in out


def test_a_written_at_may_not_predate_the_log_nor_lie_ahead(
    database: str, capsys: pytest.CaptureFixture[str], engine: Engine
) -> None:
    args = ("decide", "CL-B", "--action", "reject", "--reason", "no", "--agent", "Ana")
    status, out, err = run(capsys, *args, "--at", "2026-06-01T11:59:59Z", "--db", database)
    assert (status, out) == (2, "")
    assert "--at 2026-06-01T11:59:59+00:00 is before the latest log entry" in err
    status, out, err = run(capsys, *args, "--at", "2099-01-01T00:00:00Z", "--db", database)
    assert (status, out) == (2, "")
    assert "--at 2099-01-01T00:00:00+00:00 is in the future" in err
    status, _, err = run(
        capsys, *args, "--at", "2026-06-01T13:00:00Z", "--db", database, "--lang", "fr"
    )
    assert (status, err) == (0, "")
    status, _, err = run(
        capsys, "reopen", "CL-B", "--reason", "x", "--agent", "Sofia", "--at",
        "2026-06-01T12:30:00Z", "--db", database, "--lang", "fr",
    )  # fmt: skip
    assert status == 2
    assert "est antérieur à la dernière entrée du journal" in err
    assert run(capsys, "log", "verify", "--db", database)[0] == 0
    with engine.connect() as conn:
        recorded = conn.execute(text("SELECT COUNT(recorded_at) FROM log_entries")).scalar_one()
    assert recorded == 2
