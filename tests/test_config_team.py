"""The config file's `[team]` table: a bad lease length stops the start, saying where."""

from __future__ import annotations

from pathlib import Path

import pytest

from guarantee_tui.cli import main
from guarantee_tui.config import ConfigError, Settings, load_settings
from guarantee_tui.i18n import translator
from guarantee_tui.ui.app import GuaranteeApp

PROBLEM = "must be a whole number of minutes from 1 to 1440"


def write_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("GUARANTEE_TUI_CONFIG", str(path))
    return path


def test_the_lease_lasts_15_minutes_unless_the_file_says_otherwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_config(tmp_path, monkeypatch, 'agent = "Ana"\n')
    assert load_settings(environ={}).lease_minutes == 15
    write_config(tmp_path, monkeypatch, "[team]\nlease_minutes = 5\n")
    settings = load_settings(environ={})
    assert settings.lease_minutes == 5
    # The workspace takes it from the settings, checked before it starts.
    assert GuaranteeApp(settings).lease_minutes == 5
    write_config(tmp_path, monkeypatch, "[team]\nlease_minutes = 1440\n")
    assert load_settings(environ={}).lease_minutes == 1440


@pytest.mark.parametrize(
    "value",
    ["0", "-5", "1441", "100000000000000000", '"15"', "15.0", "nan", "inf", "true", "[15]"],
)
def test_a_bad_lease_length_is_refused_naming_the_setting_and_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    path = write_config(tmp_path, monkeypatch, f"[team]\nlease_minutes = {value}\n")
    with pytest.raises(ConfigError) as info:
        load_settings(environ={})
    assert info.value.key == "team.lease_minutes"
    assert info.value.describe(translator("en")) == f"{path}: team.lease_minutes: {PROBLEM}"


@pytest.mark.parametrize(
    ("text", "key"),
    [("team = 15\n", "team"), ("[team]\nlease_minute = 15\n", "team.lease_minute")],
)
def test_a_team_table_of_another_shape_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, key: str
) -> None:
    write_config(tmp_path, monkeypatch, text)
    with pytest.raises(ConfigError) as info:
        load_settings(environ={})
    assert info.value.key == key


def test_the_workspace_does_not_start_on_a_bad_lease_length(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_config(tmp_path, monkeypatch, "[team]\nlease_minutes = 0\n")
    started: list[Settings] = []
    monkeypatch.setattr(GuaranteeApp, "run", lambda self, **_: started.append(self.settings))
    assert main(["--db", str(tmp_path / "team.db"), "--lang", "en"]) == 2
    assert started == []
    assert capsys.readouterr().err == f"{path}: team.lease_minutes: {PROBLEM}\n"
    # The commands that take claims refuse it the same way.
    assert main(["take", "--db", str(tmp_path / "team.db"), "--agent", "Ana"]) == 2
    assert "team.lease_minutes" in capsys.readouterr().err
