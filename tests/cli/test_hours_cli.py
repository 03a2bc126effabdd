"""`guarantee-tui hours`: each market's line, now or at a given moment."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from guarantee_tui.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_json_on_a_monday_afternoon(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "hours", "--at", "2026-06-01T12:00:00Z", "--json")
    assert status == 0, err
    assert json.loads(out) == {
        "FR": {
            "open": True,
            "local_time": "2026-06-01T14:00:00+02:00",
            "next_change": "2026-06-01T17:00:00+02:00",
        },
        "PT": {
            "open": True,
            "local_time": "2026-06-01T13:00:00+01:00",
            "next_change": "2026-06-01T17:00:00+01:00",
        },
    }


def test_json_on_a_holiday_across_the_weekend(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "hours", "--at", "2026-05-01T10:00:00+02:00", "--json")
    assert status == 0
    data = json.loads(out)
    assert data["FR"] == {
        "open": False,
        "local_time": "2026-05-01T10:00:00+02:00",
        "next_change": "2026-05-04T09:00:00+02:00",
    }
    assert data["PT"]["open"] is False
    assert data["PT"]["next_change"] == "2026-05-04T08:00:00+01:00"


def test_closures_of_the_config_file_count(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[closures]\nPT = ["2026-06-01"]\n', encoding="utf-8")
    monkeypatch.setenv("GUARANTEE_TUI_CONFIG", str(config))
    status, out, _ = run(capsys, "hours", "--at", "2026-06-01T12:00:00Z", "--json")
    assert status == 0
    data = json.loads(out)
    assert data["FR"]["open"] is True
    assert data["PT"]["open"] is False
    assert data["PT"]["next_change"] == "2026-06-02T08:00:00+01:00"


def test_text_for_people_in_their_language(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "hours", "--lang", "pt", "--at", "2026-05-02T12:00:00Z")
    assert status == 0
    fr, pt = out.splitlines()
    assert fr.startswith("FR 01 84 88 82 46")
    assert "2 de maio de 2026, às 14:00" in fr
    assert "4 de maio de 2026, às 09:00" in fr
    assert pt.startswith("PT 308 801 879")
    assert "13:00" in pt and "08:00" in pt


def test_a_bad_moment_is_a_mistake(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "hours", "--at", "tomorrow")
    assert status == 2
    assert "--at" in err
    status, _, err = run(capsys, "hours", "--at", "2026-06-01T12:00:00")
    assert status == 2
