"""`guarantee-tui import` and `guarantee-tui export` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from guarantee_tui.cli import main
from tests.strategies import DELETE, changed, sample, write_case_file

P0 = ("professionals", 0)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_import_reports_counts_then_export_round_trips(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_case_file(tmp_path / "cases.json", sample())
    status, out, err = run(capsys, "import", str(path), "--db", db_url)
    assert (status, err) == (0, "")
    assert out == (
        f"Imported {path}: 2 professionals (2 new, 0 updated, 0 unchanged); "
        "3 contact purchases (3 new, 0 updated, 0 unchanged); "
        "2 reviews (2 new, 0 updated, 0 unchanged); "
        "1 claim (1 new, 0 updated, 0 unchanged); "
        "2 explanations (2 new, 0 updated, 0 unchanged).\n"
    )
    status, exported, err = run(capsys, "export", "--db", db_url)
    assert (status, err) == (0, "")
    again = tmp_path / "exported.json"
    again.write_text(exported, encoding="utf-8")
    status, out, err = run(capsys, "import", str(again), "--db", db_url)
    assert status == 0
    assert "2 professionals (0 new, 0 updated, 2 unchanged)" in out
    assert run(capsys, "export", "--db", db_url)[1] == exported


def test_a_bad_file_exits_2_with_one_line_and_changes_nothing(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "import", str(write_case_file(tmp_path / "ok.json", sample())), "--db", db_url)
    before = run(capsys, "export", "--db", db_url)[1]
    doc = changed(sample(), (*P0, "contact_purchases", 1, "purchased_at"), "2026-01-11 10:00")
    doc = changed(doc, (*P0, "company_name"), "Changed")
    path = write_case_file(tmp_path / "bad.json", doc)
    status, out, err = run(capsys, "import", str(path), "--db", db_url)
    assert status == 2
    assert out == ""
    assert err == (
        f"{path}: professionals[0].contact_purchases[1].purchased_at: not an ISO 8601 date-time\n"
    )
    assert run(capsys, "export", "--db", db_url)[1] == before


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"{", "not valid JSON at line 1, column 2: parse error: premature EOF"),
        (b'{"format": "guarantee-case-file/1"}', "professionals: required but missing"),
    ],
)
def test_not_a_case_file(
    db_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: bytes,
    expected: str,
) -> None:
    path = tmp_path / "f.json"
    path.write_bytes(content)
    assert run(capsys, "import", str(path), "--db", db_url) == (2, "", f"{path}: {expected}\n")


def test_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "x.db"
    path = tmp_path / "nope.json"
    assert run(capsys, "import", str(path), "--db", str(db)) == (2, "", f"{path}: no such file.\n")
    assert not db.exists()


def test_import_creates_a_new_sqlite_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "new.db"
    bad = write_case_file(tmp_path / "bad.json", changed(sample(), (*P0, "ref"), DELETE))
    status, _, err = run(capsys, "import", str(bad), "--db", str(db))
    assert (status, err) == (2, f"{bad}: professionals[0].ref: required but missing\n")
    assert list(tmp_path.glob("new.db*")) == []
    path = write_case_file(tmp_path / "cases.json", sample())
    status, out, _ = run(capsys, "import", str(path), "--db", str(db))
    assert status == 0
    assert out.startswith(f"Created the database {db}.\nImported {path}: 2 professionals")


def test_export_named_professionals(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "import", str(write_case_file(tmp_path / "f.json", sample())), "--db", db_url)
    status, out, err = run(capsys, "export", "--professional", "P-2", "--db", db_url)
    assert (status, err) == (0, "")
    assert [p["ref"] for p in json.loads(out)["professionals"]] == ["P-2"]
    status, out, err = run(
        capsys, "export", "--professional", "P-2", "--professional", "P-7", "--db", db_url
    )
    assert (status, out, err) == (2, "", "No professional with ref P-7.\n")


def test_export_writes_utf8(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "import", str(write_case_file(tmp_path / "f.json", sample())), "--db", db_url)
    status, out, _ = run(capsys, "export", "--db", db_url)
    assert status == 0
    assert '"company_name": "Énergie  Plus"' in out


def test_export_needs_an_existing_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "export", "--db", str(tmp_path / "none.db"))
    assert (status, out) == (2, "")
    assert err.startswith(f"No database at {tmp_path / 'none.db'}.")


def test_help_lists_both_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "import" in out
    assert "export" in out


def test_import_prints_one_line_per_value_kept(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_case_file(tmp_path / "cases.json", sample())
    run(capsys, "import", str(path), "--db", db_url)
    claim = sample()["professionals"][0]["claims"][0]
    contact = claim["explanations"][0]["contact_ref"]
    status, _, err = run(
        capsys, "decide", claim["ref"], "--action", "reject", "--reason", "no",
        "--agent", "Ana", "--db", db_url,
    )  # fmt: skip
    assert (status, err) == (0, "")
    doc = changed(sample(), (*P0, "claims", 0, "explanations", 0, "verification"), "untruthful")
    status, out, err = run(
        capsys, "import", str(write_case_file(tmp_path / "again.json", doc)), "--db", db_url
    )
    assert (status, err) == (0, "")
    lines = out.splitlines()[1:]
    assert len(lines) == 2, out
    assert lines[0].startswith(f"{claim['ref']}: ")
    assert "ignored: rejected by Ana on " in lines[0]
    assert f"verification of contact {contact} in file 'untruthful' ignored" in "\n".join(lines)
