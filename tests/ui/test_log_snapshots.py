"""Snapshots of the supervisor's screens, in French and Portuguese, small and large."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from guarantee_tui.ui.app import GuaranteeApp
from tests.ui.test_snapshots import LANGS, SIZES, steps

SCREENS = {
    "log": ["l"],
    "entry": ["l", "enter"],
    "filter": ["l", "slash"],
    "figures": ["l", "f"],
    "review": ["l", "R", "enter"],
}


@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", SIZES)
def test_screen(
    snap_compare: Any,
    make_app: Callable[..., GuaranteeApp],
    screen: str,
    lang: str,
    size: tuple[int, int],
) -> None:
    app = make_app(lang=lang, agent="Sofia")
    assert snap_compare(app, terminal_size=size, run_before=steps(SCREENS[screen]))
