"""The queue's saved filters in the config file: `[filters.NAME]`, checked at start."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from guarantee_tui.config import ConfigError, SavedFilter, load_settings, saved_filters


def read(text: str) -> tuple[SavedFilter, ...]:
    return saved_filters(tomllib.loads(text), "config.toml")


def test_saved_filters_are_read_in_the_files_order() -> None:
    found = read(
        """
        [filters.default]
        market = "FR"
        [filters.big-refunds]
        status = ["open", "suspended"]
        verdict = "eligible"
        text = " dupont "
        sort = "-refund"
        [filters.everything]
        status = "all"
        market = "all"
        """
    )
    assert found == (
        SavedFilter("default", ("open",), ("FR",)),
        SavedFilter(
            "big-refunds",
            ("open", "suspended"),
            (),
            ("eligible",),
            "dupont",
            "refund",
            descending=True,
        ),
        SavedFilter("everything", (), ()),
    )
    assert read("[filters.decided]\nstatus = 'decided'")[0].statuses == (
        "approved",
        "rejected",
        "suspended",
    )


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("filters = 3", "filters"),
        ("[filters]\nmine = 3", "filters.mine"),
        ("[filters.mine]\nstate = 'open'", "filters.mine.state"),
        ("[filters.mine]\nstatus = 'closed'", "filters.mine.status"),
        ("[filters.mine]\nstatus = []", "filters.mine.status"),
        ("[filters.mine]\nmarket = 'ES'", "filters.mine.market"),
        ("[filters.mine]\nverdict = 'maybe'", "filters.mine.verdict"),
        ("[filters.mine]\ntext = 3", "filters.mine.text"),
        ("[filters.mine]\nsort = 'name'", "filters.mine.sort"),
        ("[filters.mine]\nsort = true", "filters.mine.sort"),
    ],
)
def test_a_wrong_saved_filter_names_its_key(text: str, key: str) -> None:
    with pytest.raises(ConfigError) as raised:
        read(text)
    assert raised.value.key == key
    assert raised.value.source == "config.toml"


def test_the_settings_carry_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "config.toml"
    path.write_text('agent = "Ana"\n[filters.default]\nmarket = "PT"\n', encoding="utf-8")
    monkeypatch.setenv("GUARANTEE_TUI_CONFIG", str(path))
    settings = load_settings({}, environ={})
    assert settings.filters == (SavedFilter("default", ("open",), ("PT",)),)
    path.write_text("[filters.default]\nmarket = 'XX'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"filters\.default\.market"):
        load_settings({}, environ={})
