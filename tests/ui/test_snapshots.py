"""Snapshots of every workspace screen, in French and Portuguese, small and large.

Look at a changed snapshot before accepting it (pytest --snapshot-update writes
the new ones; snapshot_report.html shows old and new side by side).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from guarantee_tui.ui.app import GuaranteeApp
from tests.ui.conftest import settle

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
LANGS = ["fr", "pt"]

# The keys that lead from the queue to each screen.
SCREENS = {
    "queue": [],
    "claim": ["j", "j", "j", "enter"],  # CL-REJ-FR: not eligible
    "contacts": ["j", "j", "enter", "c"],  # CL-MARKUP: flags and hostile text
    "decision": ["j", "j", "j", "enter", "r"],  # reject, with its letter
    "help": ["enter", "question_mark"],
    "untruthful-note": ["j", "j", "enter", "c", "u"],  # asks why, before marking
    "letter": ["j", "j", "j", "enter", "r", "ctrl+s", "d"],  # the letter as recorded
}


def steps(
    keys: list[str], before: Callable[[Pilot[None]], Awaitable[None]] | None = None
) -> Callable[[Pilot[None]], Any]:
    """Presses `keys` once the app has settled (after `before`, when given), then
    clears the notices: the picture must not depend on when they fade."""

    async def run(pilot: Pilot[None]) -> None:
        await settle(pilot)
        if before is not None:
            await before(pilot)
            await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        pilot.app.clear_notifications()
        await pilot.pause()

    return run


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
    app = make_app(lang=lang)
    assert snap_compare(app, terminal_size=size, run_before=steps(SCREENS[screen]))


@pytest.mark.parametrize("lang", LANGS)
def test_a_terminal_too_small(
    snap_compare: Any, make_app: Callable[..., GuaranteeApp], lang: str
) -> None:
    app = make_app(lang=lang)
    assert snap_compare(app, terminal_size=(70, 20), run_before=steps([]))


@pytest.mark.parametrize("lang", LANGS)
def test_a_database_that_cannot_be_opened(
    snap_compare: Any, make_app: Callable[..., GuaranteeApp], lang: str
) -> None:
    app = make_app(lang=lang, db="/nonexistent/dir/missing.db")
    assert snap_compare(app, terminal_size=(80, 24), run_before=steps([]))
