"""Snapshots of the Intake screens, in French and Portuguese, small and large.

Look at a changed snapshot before accepting it (see tests/ui/test_snapshots.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from guarantee_tui.config import Settings
from guarantee_tui.ui.app import GuaranteeApp
from tests.builders import AT
from tests.ui.conftest import settle
from tests.ui.intake_mails import add_waiting_mails
from tests.ui.test_snapshots import LANGS, SIZES

# What the agent presses for each picture, from the queue.
SCENES: dict[str, list[str]] = {
    # The waiting e-mails, newest first.
    "list": ["i"],
    # A claim e-mail with unsure matches and contacts left without an explanation.
    "message": ["i", "down", "enter"],
    # Its lower half: the last contacts and the paragraphs left over.
    "message_end": ["i", "down", "enter", "end"],
    # From a sender nobody is known by.
    "unknown": ["i", "enter"],
}


def steps(keys: list[str]) -> Callable[[Pilot[None]], Any]:
    async def run(pilot: Pilot[None]) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        pilot.app.clear_notifications()
        await settle(pilot)

    return run


@pytest.mark.parametrize("scene", list(SCENES))
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", SIZES)
def test_intake(
    snap_compare: Any, ui_db: str, scene: str, lang: str, size: tuple[int, int]
) -> None:
    add_waiting_mails(ui_db)
    app = GuaranteeApp(Settings(db=ui_db, lang=lang, agent="Ana"), clock=lambda: AT)
    assert snap_compare(app, terminal_size=size, run_before=steps(SCENES[scene]))
