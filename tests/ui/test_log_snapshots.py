"""Snapshots of the supervisor's screens, in French and Portuguese, small and large.

The log holds a day of work: Rui's rejection, then Ana's 20 marks on
CL-PEND-PT (18 truthful, 2 untruthful) and her suspension (tests/ui/log_data.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from guarantee_tui.ui.app import GuaranteeApp
from tests.ui.log_data import marks_then_decision
from tests.ui.test_snapshots import LANGS, SIZES, steps

SCREENS = {
    "log": ["l"],
    "log-marks": ["l", "down", "enter"],  # the group of marks, opened
    "entry": ["l", "enter"],  # Ana's suspension
    "entry-rejection": ["l", "G", "enter"],  # Rui's rejection, its letter and checklist
    "filter": ["l", "slash"],
    "figures": ["l", "f"],
    "review": ["l", "R", "enter"],
    "reopen": ["l", "enter", "o"],  # says what reopening reverses
}


@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", SIZES)
def test_screen(
    snap_compare: Any,
    make_app: Callable[..., GuaranteeApp],
    ui_db: str,
    screen: str,
    lang: str,
    size: tuple[int, int],
) -> None:
    marks_then_decision(ui_db)
    app = make_app(lang=lang, agent="Sofia")
    assert snap_compare(app, terminal_size=size, run_before=steps(SCREENS[screen]))
