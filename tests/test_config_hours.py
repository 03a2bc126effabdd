"""The support lines' holidays and closures in the config file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from guarantee_tui.config import ConfigError, hours_settings, load_settings
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
