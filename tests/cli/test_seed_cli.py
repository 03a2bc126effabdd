"""`guarantee-tui seed`: options, the default database, refusals, output."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from guarantee_tui.cli import main
from guarantee_tui.cli import seed as seed_cli
from guarantee_tui.i18n import translator
from guarantee_tui.services import seed as seed_service


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


# The data spreads from two years before the anchor to one after, within 2000-2100.
RANGE = "2002-01-01 to 2099-12-31 (UTC)"


def count(path: Path, table: str) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


def test_without_db_it_seeds_sample_db_in_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    status, out, err = run(capsys, "seed")
    assert status == 0, err
    assert (tmp_path / "sample.db").is_file()
    assert count(tmp_path / "sample.db", "professionals") == 60
    lines = out.splitlines()
    assert lines[0].startswith(f"Seeded {tmp_path / 'sample.db'} (seed 1, anchor ")
    assert "Professionals: 60 (France " in out
    assert "Claims: " in out and "suspended" in out
    assert err == ""


def test_the_database_setting_is_the_default_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "configured.db"
    monkeypatch.setenv("GUARANTEE_TUI_DB", str(target))
    status, _, err = run(capsys, "seed", "--professionals", "7")
    assert status == 0, err
    assert count(target, "professionals") == 7


def test_reseeding_is_refused_unless_replace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "x.db")
    assert run(capsys, "seed", "--db", db, "--professionals", "5")[0] == 0
    status, out, err = run(capsys, "seed", "--db", db)
    assert status == 2
    assert out == ""
    assert (
        err.strip()
        == f"{db} already holds 5 professionals. Add --replace to empty it and seed again."
    )
    assert count(Path(db), "professionals") == 5
    status, out, err = run(capsys, "seed", "--db", db, "--replace", "--professionals", "9")
    assert status == 0, err
    assert count(Path(db), "professionals") == 9


def test_seeding_an_existing_database_on_each_backend(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "seed", "--db", db_url, "--professionals", "6")
    assert status == 0, err
    assert "Professionals: 6 " in out
    assert run(capsys, "seed", "--db", db_url)[0] == 2
    status, _, err = run(capsys, "seed", "--db", db_url, "--replace", "--professionals", "4")
    assert status == 0, err
    status, out, err = run(capsys, "check", "--all", "--db", db_url, "--at", "2026-11-15T12:00:00Z")
    assert status == 0, err
    assert out.count("\n") >= 1


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("--professionals", "0"), "--professionals: 0: must be at least 1"),
        (("--professionals", "many"), "--professionals: many: not a whole number"),
        (("--seed", "x1"), "--seed: x1: not a whole number"),
        (("--anchor", "yesterday"), "--anchor: yesterday: not an ISO 8601 date-time"),
        (("--anchor", "2026-11-15T12:00:00"), "needs an offset or Z"),
        *(
            (("--anchor", anchor), f"--anchor: {anchor}: outside the accepted range, {RANGE}")
            for anchor in (
                "0001-01-01T00:00:00Z",
                "0001-01-01T00:00:00+01:00",
                "2001-12-31T23:59:59Z",
                "2100-01-01T00:00:00Z",
                "9999-12-31T23:59:59-05:00",
            )
        ),
    ],
)
def test_bad_options_are_one_line_errors(
    args: tuple[str, ...],
    fragment: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = tmp_path / "x.db"
    status, out, err = run(capsys, "seed", "--db", str(db), *args)
    assert status == 2
    assert fragment in err and err.count("\n") == 1
    assert out == ""
    assert not db.exists()


@pytest.mark.parametrize("anchor", ["2002-01-01T00:00:00Z", "2099-12-31T23:59:59Z"])
def test_at_either_end_of_the_anchors_every_date_stays_within_the_window(
    anchor: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "x.db")
    status, _, err = run(capsys, "seed", "--db", db, "--anchor", anchor, "--professionals", "200")
    assert status == 0, err
    # `check` refuses any claim with a date outside the window.
    status, _, err = run(capsys, "check", "--all", "--jobs", "1", "--at", anchor, "--db", db)
    assert (status, err) == (0, "")


def test_the_anchor_places_every_date(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "x.db"
    status, _, err = run(capsys, "seed", "--db", str(db), "--anchor", "2025-03-01T00:00:00+01:00")
    assert status == 0, err
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    latest = conn.execute("SELECT MAX(purchased_at) FROM contact_purchases").fetchone()[0]
    conn.close()
    assert "2025-02-01" < latest < "2025-02-28 23:00:00"


def test_large_runs_show_progress_on_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(seed_cli, "PROGRESS_FROM", 10)
    status, out, err = run(capsys, "seed", "--db", str(tmp_path / "x.db"), "--professionals", "30")
    assert status == 0
    assert err.splitlines() == ["Seeding: 30 of 30 professionals (100%)"]
    assert "Seeding" not in out


def test_progress_is_shown_at_each_tenth(capsys: pytest.CaptureFixture[str]) -> None:
    progress = seed_cli._Progress(translator("en"))
    for done in range(500, 10_001, 500):
        progress(done, 10_000)
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 10
    assert lines[0] == "Seeding: 1,000 of 10,000 professionals (10%)"
    assert lines[-1] == "Seeding: 10,000 of 10,000 professionals (100%)"


def test_the_command_line_defaults_are_the_services(capsys: pytest.CaptureFixture[str]) -> None:
    from datetime import datetime

    assert seed_cli.DEFAULT_PROFESSIONALS == seed_service.DEFAULT_PROFESSIONALS
    assert seed_cli.DEFAULT_SEED == seed_service.DEFAULT_SEED
    assert datetime.fromisoformat(seed_cli.DEFAULT_ANCHOR) == seed_service.DEFAULT_ANCHOR
    with pytest.raises(SystemExit):
        main(["seed", "--help"])
    out, _ = capsys.readouterr()
    assert "--professionals N" in out and "--replace" in out and "--anchor ISO8601" in out
