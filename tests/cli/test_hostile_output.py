"""Text from data never acts on a terminal or a spreadsheet; bad moments, names and
databases are exit 2 with what to do (issue 12)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine

from guarantee_tui.cli import main
from guarantee_tui.services.agents import set_role
from guarantee_tui.services.log import csv_cell
from guarantee_tui.text import inert_json, visible
from tests.builders import AT, claim_for, eligible_professional, tagged
from tests.store.helpers import insert
from tests.strategies import sample, write_case_file

# A retitled window, a cleared screen, the alternate screen left, an OSC 8 link,
# a C1 CSI, DEL.
HOSTILE = (
    "Dupont \x1b]0;PWNED\x07\x1b[2J\x1b[?1049l"
    "\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\ \x9b31m\x7f"
)
CONTROLS = {"\x1b", "\x07", "\x9b", "\x7f"}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def inert(text: str) -> bool:
    return not CONTROLS & set(text)


@pytest.fixture
def database(db_url: str, engine: Engine) -> str:
    set_role(engine, "Sofia", "supervisor", AT)
    pro = tagged(eligible_professional(), "A")
    insert(engine, pro, replace(claim_for(pro), ref="CL-A"), company=HOSTILE, email="a@x.fr")
    other = tagged(eligible_professional(), "B")
    insert(engine, other, replace(claim_for(other), ref="CL-B"), email="b@x.fr")
    return db_url


# --- the sanitiser --------------------------------------------------------------


def test_visible_shows_every_control_and_keeps_the_rest() -> None:
    assert visible("\x1b]0;PWNED\x07") == "␛]0;PWNED␇"
    assert visible("a\tb\r\nc\x00\x7f\x85\x9b\ud800é") == "a␉b␍␊c␀␡\\x85\\x9b\ufffdé"
    assert visible("a\tb\r\nc\rd", lines=True) == "a\tb\nc␍d"
    assert visible("Cœur [b]x[/] ✔") == "Cœur [b]x[/] ✔"
    assert all(inert(visible(chr(c))) for c in range(0x110000) if not 0xD800 <= c < 0xE000)


def test_inert_json_is_the_same_json() -> None:
    value = {"a": HOSTILE + "\ud800"}
    text = inert_json(json.dumps(value, ensure_ascii=False))
    assert inert(text) and json.loads(text) == value


# --- commands' output -------------------------------------------------------------


def test_lookup_decide_check_and_log_print_nothing_a_terminal_acts_on(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "lookup", "Dupont", "--db", database)
    assert status == 0 and inert(out + err)
    assert "␛]0;PWNED␇" in out
    status, out, _ = run(capsys, "lookup", "Dupont", "--json", "--db", database)
    assert status == 0 and inert(out)
    assert json.loads(out)[0]["company"] == HOSTILE
    decide = ("decide", "CL-A", "--action", "reject", "--db", database, "--agent", "=1+1")
    status, out, err = run(
        capsys, *decide, "--reason", "Non.\x1b]0;PWNED\x07", "--message", "Hors canal.\x1b[2J"
    )
    assert (status, err) == (0, "")
    # The message is the letter's, the reason the log's.
    assert inert(out) and "Hors canal.␛[2J" in out and "Non." not in out
    status, out, err = run(capsys, "check", "CL-A", "--db", database)
    assert status == 0 and inert(out + err)
    status, out, err = run(capsys, "check", "--all", "--jobs", "1", "--db", database)
    assert status == 0 and inert(out + err)
    status, out, err = run(
        capsys, "log", "export", "--format", "jsonl", "--as", "Sofia", "--db", database
    )
    assert status == 0 and inert(out)
    assert json.loads(out.splitlines()[0])["reason"] == "Non.\x1b]0;PWNED\x07"


def test_agents_commands_print_names_with_their_controls_shown(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    name = "Rui \x1b]0;PWNED\x07\x9b31m"
    shown = "Rui ␛]0;PWNED␇\\x9b31m"
    status, out, err = run(capsys, "agents", "set", name, "--role", "agent", "--db", database)
    assert (status, err) == (0, "")
    assert out == f"{shown} is now agent.\n"
    status, out, err = run(capsys, "agents", "list", "--db", database)
    assert status == 0 and inert(out + err)
    assert f"{shown}\tagent\t-\tFR,PT\n" in out
    status, out, err = run(capsys, "agents", "remove", name, "--db", database)
    assert (status, err) == (0, "")
    assert out == f"{shown} is no longer on the team.\n"


@pytest.mark.parametrize(
    "value",
    [
        '=HYPERLINK("https://evil.example","click")',
        "+cmd|' /C calc'!A0",
        "-1+1",
        "@SUM(1+1)",
        "\t=1+1",
        "\r=1+1",
        "=1+1",
    ],
)
def test_a_csv_cell_is_never_a_formula(value: str) -> None:
    cell = csv_cell(value)
    assert isinstance(cell, str) and cell.startswith("'")
    assert csv_cell("Le client =1+1") == "Le client =1+1"
    assert csv_cell(-240) == -240


def test_the_csv_export_neutralises_formulas_and_controls(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for claim, reason in (("CL-A", '=HYPERLINK("https://evil.example","x")'), ("CL-B", "@SUM(1)")):
        decide = ("decide", claim, "--action", "reject", "--reason", reason, "--db", database)
        message = ("--message", "Hors canal.\x1b[2J")
        assert run(capsys, *decide, *message, "--agent", "=1+1")[0] == 0
    status, out, _ = run(
        capsys, "log", "export", "--format", "csv", "--as", "Sofia", "--db", database
    )
    assert status == 0 and inert(out)
    rows = list(csv.reader(io.StringIO(out.removeprefix("\ufeff")), delimiter=";"))
    header = rows[0]
    agent, why = header.index("agent"), header.index("reason")
    assert [(r[agent], r[why]) for r in rows[1:]] == [
        ("'=1+1", '\'=HYPERLINK("https://evil.example","x")'),
        ("'=1+1", "'@SUM(1)"),
    ]
    letters = [r[header.index("letter")] for r in rows[1:]]
    assert "Dupont ␛]0;PWNED␇" in letters[0]
    assert all("Hors canal.␛[2J" in letter for letter in letters)


# --- moments, names, databases ---------------------------------------------------------


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"])
def test_moments_outside_the_window_are_exit_2_with_the_range(
    database: str, capsys: pytest.CaptureFixture[str], moment: str
) -> None:
    day = moment[:10]
    commands = [
        ("check", "CL-A", "--at", moment, "--db", database),
        ("check", "--all", "--at", moment, "--db", database),
        ("hours", "--at", moment),
        ("decide", "CL-A", "--action", "reject", "--reason", "x", "--at", moment, "--db", database),
        ("reopen", "CL-A", "--reason", "x", "--agent", "Sofia", "--at", moment, "--db", database),
        ("log", "export", "--format", "csv", "--from", day, "--db", database),
        ("log", "export", "--format", "csv", "--to", day, "--db", database),
        ("log", "export", "--format", "csv", "--to", moment, "--db", database),
    ]
    for args in commands:
        status, out, err = run(capsys, *args)
        assert (status, out) == (2, ""), args
        assert err.endswith(": outside the accepted range, 2000-01-01 to 2100-12-31 (UTC)\n"), err


def test_an_agent_name_has_at_most_100_characters_on_both_databases(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    decide = ("decide", "CL-A", "--action", "reject", "--reason", "x", "--db", database)
    message = ("--message", "Not this time.")
    status, out, err = run(capsys, *decide, *message, "--agent", "a" * 101)
    assert (status, out) == (2, "")
    assert err == "An agent's name has at most 100 characters; this one has 101.\n"
    assert run(capsys, *decide, *message, "--agent", "a" * 100)[0] == 0


def sqlite_copy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "cases.db"
    source = write_case_file(tmp_path / "cases.json", sample())
    assert run(capsys, "import", str(source), "--db", str(path))[0] == 0
    return path


def test_a_locked_database_is_exit_2_with_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = sqlite_copy(tmp_path, capsys)
    # Another process importing holds the write lock; no need to wait 10 s for it.
    monkeypatch.setattr("guarantee_tui.store.engine.SQLITE_BUSY_TIMEOUT_MS", 0)
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        decide = ("decide", "L-1", "--action", "reject", "--reason", "x", "--agent", "Ana")
        status, out, err = run(capsys, *decide, "--db", str(path))
    finally:
        holder.close()
    assert (status, out) == (2, "")
    assert err == (
        f"The database {path} is busy: another process (an import, a seed, a migration) is "
        "writing to it. Nothing was changed; try again once it has finished.\n"
    )


def test_a_damaged_database_is_exit_2_with_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = sqlite_copy(tmp_path, capsys)
    damaged = tmp_path / "damaged.db"
    shutil.copyfile(path, damaged)
    with damaged.open("r+b") as f:
        page = sqlite3.connect(path).execute("PRAGMA page_size").fetchone()[0]
        f.seek(page * 3)
        f.write(b"\xff" * page * 4)
    for args in (
        ("decide", "L-1", "--action", "reject", "--reason", "x", "--agent", "Ana"),
        ("check", "--all", "--jobs", "1"),
        ("lookup", "Energie"),
    ):
        status, _, err = run(capsys, *args, "--db", str(damaged))
        assert status == 2, args
        assert err.startswith(f"The database {damaged} is damaged ("), err
        assert "Restore it from a backup" in err


# --- client data in exports ---------------------------------------------------------


def test_export_leaves_client_data_out_unless_a_supervisor_asks_and_that_is_logged(
    db_url: str, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_case_file(tmp_path / "cases.json", sample())
    assert run(capsys, "import", str(source), "--db", db_url)[0] == 0
    set_role(engine, "Sofia", "supervisor", AT)
    status, out, _ = run(capsys, "export", "--db", db_url)
    assert status == 0 and "Jean Dupont" not in out and "client_phone" not in out
    status, out, err = run(capsys, "export", "--client-data", "--agent", "Ana", "--db", db_url)
    assert (status, out) == (2, "")
    assert err == "Ana (agent) may not export client data: a supervisor must.\n"
    status, out, _ = run(
        capsys,
        "export",
        "--client-data",
        "--agent",
        "Sofia",
        "--professional",
        "P-1",
        "--db",
        db_url,
    )
    assert status == 0 and "Jean Dupont" in out
    status, out, _ = run(
        capsys, "log", "export", "--format", "jsonl", "--as", "Sofia", "--db", db_url
    )
    entries = [json.loads(line) for line in out.splitlines()]
    assert [(e["agent"], e["action"], e["details"]) for e in entries] == [
        ("Sofia", "reveal_client_data", {"export": "case file", "professionals": ["P-1"]})
    ]
