"""The config file: the support lines' holidays and closures; no role."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from pathlib import Path

import pytest

from guarantee_tui.config import ENV, ConfigError, Settings, hours_settings, load_settings
from guarantee_tui.i18n import translator


def write_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("GUARANTEE_TUI_CONFIG", str(path))
    return path


def test_by_default_public_holidays_close_every_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = load_settings(environ={})
    assert dict(settings.hours.holidays) == {"FR": True, "PT": True}
    assert dict(settings.hours.closures) == {}


def test_the_config_file_sets_holidays_and_closures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_config(
        tmp_path,
        monkeypatch,
        'agent = "Ana"\n'
        "[holidays]\n"
        "FR = false\n"
        'PT = "11"\n'
        "[closures]\n"
        'FR = ["2026-12-24", 2026-12-31]\n',
    )
    settings = load_settings(environ={})
    assert settings.agent == "Ana"
    assert dict(settings.hours.holidays) == {"FR": False, "PT": "11"}
    assert settings.hours.closures["FR"] == frozenset({date(2026, 12, 24), date(2026, 12, 31)})


def test_one_value_for_every_market() -> None:
    assert dict(hours_settings({"holidays": False}).holidays) == {"FR": False, "PT": False}


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"holidays": "yes"}, "holidays"),
        ({"holidays": {"ES": True}}, "holidays.ES"),
        ({"holidays": {"PT": "Atlantis"}}, "holidays.PT"),
        ({"holidays": {"PT": 3}}, "holidays.PT"),
        ({"closures": ["2026-12-24"]}, "closures"),
        ({"closures": {"FR": "2026-12-24"}}, "closures.FR"),
        ({"closures": {"FR": ["24/12/2026"]}}, "closures.FR"),
        ({"closures": {"XX": []}}, "closures.XX"),
    ],
)
def test_mistakes_are_told_with_their_key(data: dict[str, object], key: str) -> None:
    with pytest.raises(ConfigError) as info:
        hours_settings(data, "config.toml")
    assert info.value.key == key
    assert info.value.describe(translator("en")).startswith(f"config.toml: {key}: ")


def test_a_mistake_in_the_file_stops_loading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_config(tmp_path, monkeypatch, '[closures]\nFR = ["soon"]\n')
    with pytest.raises(ConfigError):
        load_settings(environ={})


def test_a_role_in_the_config_file_is_refused_and_says_where_roles_live(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A file anyone can write must not make anyone a supervisor (README, "Configuration").
    path = write_config(tmp_path, monkeypatch, 'agent = "Ana"\nrole = "supervisor"\n')
    with pytest.raises(ConfigError) as info:
        load_settings(environ={})
    assert info.value.key == "role"
    assert info.value.describe(translator("en")) == (
        f"{path}: role: roles are kept in the database: guarantee-tui agents set NAME --role ROLE"
    )


def test_the_role_variable_and_setting_are_gone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = load_settings({"role": "supervisor"}, environ={"GUARANTEE_TUI_ROLE": "supervisor"})
    assert "role" not in {f.name for f in fields(Settings)}
    assert not hasattr(settings, "role")
    assert "GUARANTEE_TUI_ROLE" not in ENV.values()


def test_an_unknown_setting_names_the_known_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_config(tmp_path, monkeypatch, 'colour = "blue"\n')
    with pytest.raises(ConfigError) as info:
        load_settings(environ={})
    assert info.value.key == "colour"
    assert "role" not in info.value.describe(translator("en"))
