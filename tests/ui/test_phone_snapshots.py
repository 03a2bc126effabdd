"""Snapshots of the phone desk, in French and Portuguese, small and large.

Look at a changed snapshot before accepting it (see tests/ui/test_snapshots.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.events import Paste
from textual.pilot import Pilot

from guarantee_tui.config import Settings
from guarantee_tui.ui.app import GuaranteeApp
from tests.builders import AT
from tests.ui.conftest import settle
from tests.ui.test_phone import add_desk_people, typed
from tests.ui.test_snapshots import LANGS, SIZES

# The desk searches at once after what was put in its box (`typed` waits for
# no pause in the typing). Text is pasted, as from a caller's number copied:
# typing it key by key is tested in test_phone.py, and costs two idle waits a key.
pytestmark = pytest.mark.usefixtures("no_debounce")

# What the agent types on the desk for each picture.
SCENES: dict[str, list[str | Paste]] = {
    # Three professionals share the number; the first one's open claim.
    "results": ["p", Paste("01 84 88 82 46")],
    # No claim yet, 12 of 20 bought, a review missing; a company name with markup.
    "progress": ["p", Paste("0611223344")],
    # A rejected claim, its decision and letter.
    "decided": ["p", Paste("ferreira")],
    # An open claim sent without an active pack (one is active today), an
    # explanation missing: the card and the script tell one story.
    "claim": ["p", Paste("lefevre freres")],
    # Two companies whose names differ only at their end.
    "alike": ["p", Paste("remodelacoes neves")],
    # The call note dialog over the card.
    "note": ["p", Paste("0611223344"), "WAIT", "down", "n", Paste("Rappel demain [b]")],
}


def steps(keys: list[str | Paste]) -> Callable[[Pilot[None]], Any]:
    async def run(pilot: Pilot[None]) -> None:
        await settle(pilot)
        for key in keys:
            if isinstance(key, Paste):
                focused = pilot.app.focused
                assert focused is not None
                focused.post_message(key)
                await pilot.pause()
            elif key == "WAIT":
                await typed(pilot)
            else:
                await pilot.press(key)
        await typed(pilot)

    return run


@pytest.mark.parametrize("scene", list(SCENES))
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", SIZES)
def test_desk(snap_compare: Any, ui_db: str, scene: str, lang: str, size: tuple[int, int]) -> None:
    db = add_desk_people(ui_db)
    app = GuaranteeApp(Settings(db=db, lang=lang, agent="Ana"), clock=lambda: AT)
    assert snap_compare(app, terminal_size=size, run_before=steps(SCENES[scene]))
