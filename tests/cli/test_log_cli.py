"""`log verify|head|export`, `reopen` and `agents` from the command line."""

from __future__ import annotations

import json
import os
import signal
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from guarantee_tui.cli import main
from guarantee_tui.services import decisions
from guarantee_tui.services.agents import set_role
from tests.builders import AT, claim_for, eligible_professional, tagged
from tests.store.helpers import insert
from tests.store.tampering import drop_last, past_the_guards


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
    seq, digest = head.split(":")
    assert seq == "1" and len(digest) == 64
    assert out.strip() == f"OK 1 entries, head {digest}"
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
        "Checked with the client by phone",
        "--message",
        "Le client a annulé le chantier avant votre contact.",
        "--agent",
        "Ana",
        "--at",
        "2026-06-01T12:00:00Z",
        "--db",
        database,
    )
    assert status == 0
    assert out.startswith("Objet\u00a0: votre demande de garantie du 7 avril 2026 (réf. CL-B)\n")
    # The letter says what was written for the professional, never the reason.
    assert "Le client a annulé le chantier avant votre contact." in out
    assert "Checked with the client" not in out
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
    args = (
        "decide", "CL-B", "--action", "reject", "--reason", "no", "--message", "Non.",
        "--agent", "Ana",
    )  # fmt: skip
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


# --- heads kept outside the database ---------------------------------------------------


def test_heads_kept_in_a_file_prove_the_log_was_not_cut_short(
    database: str, capsys: pytest.CaptureFixture[str], engine: Engine, tmp_path: Path
) -> None:
    heads = tmp_path / "elsewhere" / "heads.txt"
    heads.parent.mkdir()
    first = run(capsys, "log", "head", "--append-to", str(heads), "--db", database)[1].strip()
    assert first.startswith("1:")
    # A head that did not move is not written again.
    assert run(capsys, "log", "head", "--append-to", str(heads), "--db", database)[0] == 0
    decisions.decide(
        engine, "CL-B", "reject", reason="no", message_for_professional="Non.", agent="Ana", at=AT
    )
    second = run(capsys, "log", "head", "--append-to", str(heads), "--db", database)[1].strip()
    lines = heads.read_text(encoding="utf-8").splitlines()
    assert [line.split()[0] for line in lines] == [first, second]
    assert all(line.split()[1].endswith("Z") for line in lines)

    status, out, _ = run(capsys, "log", "verify", "--heads-file", str(heads), "--db", database)
    assert status == 0
    assert out.splitlines() == [
        "2 kept heads are in the chain, unchanged.",
        f"OK 2 entries, head {second.split(':')[1]}",
    ]
    status, out, _ = run(capsys, "log", "verify", "--head", first, "--db", database)
    assert status == 0 and "1 kept head is in the chain" in out

    # The newest decision dropped, its decision row, letter and status with it,
    # and the head moved back: the chain alone still holds.
    with past_the_guards(engine) as conn:
        conn.execute(text("DELETE FROM outbox WHERE log_seq = 2"))
        conn.execute(text("DELETE FROM decisions WHERE log_seq = 2"))
        conn.execute(text("UPDATE claims SET status = 'open' WHERE ref = 'CL-B'"))
        drop_last(conn)
    assert run(capsys, "log", "verify", "--db", database)[0] == 0
    status, out, _ = run(capsys, "log", "verify", "--heads-file", str(heads), "--db", database)
    assert status == 1
    assert out.splitlines() == [
        f"KEPT HEAD: kept head {second} ({heads}, line 2) is past the end of the log, "
        "which has 1 entry: entries were removed from its end",
        "1 problem found: the log does not prove this database.",
    ]


def test_verify_names_each_difference_between_the_log_and_the_tables(
    database: str, capsys: pytest.CaptureFixture[str], engine: Engine
) -> None:
    with past_the_guards(engine) as conn:
        conn.execute(text("UPDATE ledger_entries SET amount = 999"))
        conn.execute(text("UPDATE claims SET status = 'rejected' WHERE ref = 'CL-A'"))
    status, out, _ = run(capsys, "log", "verify", "--db", database)
    assert status == 1
    assert out.splitlines() == [
        "MISMATCH: claim CL-A is rejected, but the log says approved (entry 1)",
        "MISMATCH: ledger entry 1 moves 999 credits, but its entry 1 in the log records "
        "240 credits",
        "MISMATCH: professional A-FR-0001 has 999 credits on the ledger, but the log's "
        "refunds and reversals make 240 credits",
        "3 problems found: the log does not prove this database.",
    ]


def test_heads_that_are_not_heads_are_refused(
    database: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, out, err = run(capsys, "log", "verify", "--head", "12:abc", "--db", database)
    assert (status, out) == (2, "")
    assert "--head: 12:abc: not SEQ:HASH" in err and len(err.strip().splitlines()) == 1
    heads = tmp_path / "heads.txt"
    heads.write_text("# kept by cron\n\n0:" + "0" * 64 + " 2026-06-01T12:00:00Z\noops\n")
    status, out, err = run(capsys, "log", "verify", "--heads-file", str(heads), "--db", database)
    assert (status, out) == (2, "")
    assert f"{heads}, line 4: oops is not a head" in err
    status, out, err = run(
        capsys, "log", "verify", "--heads-file", str(tmp_path / "none.txt"), "--db", database
    )
    assert (status, out) == (2, "")
    assert "Cannot use the heads file" in err
    status, out, err = run(
        capsys, "log", "head", "--append-to", str(tmp_path / "no" / "dir.txt"), "--db", database
    )
    assert (status, out) == (2, "")
    assert "Cannot use the heads file" in err


def test_sync_watch_keeps_the_head_when_it_moved(
    database: str,
    capsys: pytest.CaptureFixture[str],
    engine: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from guarantee_tui.marketplace_server import Faults, Marketplace, MarketplaceServer
    from guarantee_tui.platform.settings import TOKEN_ENV, URL_ENV

    heads = tmp_path / "heads.txt"
    heads.write_text("0:" + "0" * 64 + " 2026-06-01T11:00:00Z\n", encoding="utf-8")
    decisions.decide(
        engine,
        "CL-B",
        "reject",
        reason="no",
        message_for_professional="Non.",
        agent="Ana",
        at=AT + timedelta(minutes=1),
    )
    server = MarketplaceServer(Marketplace("t"), Faults(retry_after=0), seed=7).start()
    saved = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        monkeypatch.setenv(URL_ENV, server.url)
        monkeypatch.setenv(TOKEN_ENV, "t")
        # Stopped as a service manager stops it, once a request was answered.
        server.on_request = lambda n, phase: (
            os.kill(os.getpid(), signal.SIGTERM) if (n, phase) == (1, "after") else None
        )
        status = main(["sync", "--watch", "--heads-file", str(heads), "--db", database])
    finally:
        for signum, handler in saved.items():
            signal.signal(signum, handler)
        server.stop()
    capsys.readouterr()
    assert status in (0, 1)
    with engine.connect() as conn:
        seq, digest = conn.execute(text("SELECT seq, hash FROM log_head")).one()
    lines = heads.read_text(encoding="utf-8").splitlines()
    # One line for the head the file did not have yet, none for passes that found it.
    assert [line.split()[0] for line in lines[1:]] == [f"{seq}:{digest}"]
    assert run(capsys, "log", "verify", "--heads-file", str(heads), "--db", database)[0] == 0
