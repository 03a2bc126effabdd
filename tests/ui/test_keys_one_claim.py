"""The keys for one whole claim, counted as the workspace review counted them
(CL-000013 of sample.db, French, 120x40; and 80x24), run to the end: the
claim suspended, the letter right.

The review counted 31 keys at best (and 5 notes typed) at 120x40, about 120
more at 80x24, where reading each explanation took Tab and arrows. Now: the
contacts open on the first to verify, each explanation shows in full at
either size, the 5 untruthful ones are marked as they come, `T` marks the
rest truthful at once, and ctrl+n decides and opens the next claim (the
review's last "back").
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select
from textual import events
from textual.pilot import Pilot

from guarantee_tui.config import Settings
from guarantee_tui.store.engine import make_engine
from guarantee_tui.store.migrate import upgrade
from guarantee_tui.store.models import Claim, Decision, Explanation, LogEntry
from guarantee_tui.ui.app import GuaranteeApp
from guarantee_tui.ui.screens.claim import ClaimScreen
from guarantee_tui.ui.screens.contacts import ContactsScreen
from guarantee_tui.ui.screens.queue import QueueScreen
from guarantee_tui.ui.widgets.lazy_table import LazyTable
from tests.ui.conftest import settle
from tests.ui.test_contacts_screen import detail_text
from tests.ui.test_workspace import showing

SAMPLE = Path(__file__).resolve().parents[2] / "sample.db"
CLAIM = "CL-000013"
# The near-copies of L-0000411's explanation (the screen flags them).
UNTRUTHFUL = ("L-0000412", "L-0000413", "L-0000414", "L-0000415", "L-0000416")
# Counted below as the keys are pressed; notes typed are counted apart, as
# the review did.
EXPECTED_KEYS = 22


@pytest.fixture
def sample(tmp_path: Path) -> str:
    path = tmp_path / "sample.db"
    shutil.copyfile(SAMPLE, path)
    engine = make_engine(str(path))
    upgrade(engine)  # the schema of this branch (claim notes)
    engine.dispose()
    return str(path)


def shown_in_order(text: str, shown: str) -> bool:
    """Every word of `text`, in order, on screen (beside a column of facts,
    the lines of the two interleave)."""
    words = iter(shown.split())
    return all(any(word == seen for seen in words) for word in text.split())


class Counter:
    def __init__(self, pilot: Pilot[None]) -> None:
        self.pilot = pilot
        self.keys = 0
        self.notes = 0

    async def press(self, *keys: str) -> None:
        self.keys += len(keys)
        await self.pilot.press(*keys)
        await settle(self.pilot)

    async def note(self, text: str) -> None:
        """The first note typed key by key, the others pasted: what is written
        counts, not how (and 300 keys cost half a minute of rendering)."""
        self.notes += 1
        if self.notes == 1:
            await self.pilot.press(*text)
            return
        focused = self.pilot.app.focused
        assert focused is not None
        focused.post_message(events.Paste(text))
        await self.pilot.pause()


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
async def test_one_whole_claim_in_22_keys(sample: str, size: tuple[int, int]) -> None:
    app = GuaranteeApp(Settings(db=sample, lang="fr", agent="Camille Laurent"))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        # Not counted, as in the review: the queue's cursor on the claim.
        assert showing(app, QueueScreen)
        table = app.screen.query_one(LazyTable)
        row = next(
            i
            for i in range(table.row_count)
            if (r := table.row_at(i)) is not None and r.key == CLAIM
        )
        table.cursor_row = row
        await settle(pilot)
        count = Counter(pilot)
        await count.press("enter")
        await count.press("c")
        screen = app.screen
        assert isinstance(screen, ContactsScreen)
        assert screen.view is not None
        refs = [line.purchase.ref for line in screen.view.contacts]
        for ref in UNTRUTHFUL:
            while refs[screen.table.cursor_row] != ref:
                await count.press("j")
                # Each explanation in full, at either size, with no key to read it.
                line = screen.view.contacts[screen.table.cursor_row]
                if line.explanation is not None:
                    assert shown_in_order(line.explanation.text, detail_text(app))
            await count.press("u")
            await count.note("Même texte que L-0000411 ; le client dit ne pas avoir été appelé")
            await count.press("enter")
        assert showing(app, ContactsScreen)
        await count.press("T", "ctrl+s")  # the rest truthful, confirmed
        await count.press("escape")
        assert showing(app, ClaimScreen)
        await count.press("s", "ctrl+n")  # suspend, confirm, and on to the next claim
        await settle(pilot)
        assert isinstance(app.screen, ClaimScreen)
        assert app.screen.claim_ref != CLAIM
        assert (count.keys, count.notes) == (EXPECTED_KEYS, 5)
    engine = make_engine(sample)
    with engine.connect() as conn:
        status, claim_id = conn.execute(
            select(Claim.status, Claim.id).where(Claim.ref == CLAIM)
        ).one()
        marks = dict(
            conn.execute(
                select(Explanation.contact_ref, Explanation.verification).where(
                    Explanation.claim_id == claim_id
                )
            ).all()
        )
        letter = conn.execute(
            select(Decision.letter_text, Decision.letter_language).where(
                Decision.claim_id == claim_id
            )
        ).one()
        logged = (
            conn.execute(
                select(LogEntry.action).where(
                    LogEntry.claim_ref == CLAIM, LogEntry.agent == "Camille Laurent"
                )
            )
            .scalars()
            .all()
        )
    engine.dispose()
    assert status == "suspended"
    assert sorted(ref for ref, mark in marks.items() if mark == "untruthful") == list(UNTRUTHFUL)
    assert all(mark == "truthful" for ref, mark in marks.items() if ref not in UNTRUTHFUL)
    text, language = letter
    assert language == "fr"
    assert all(ref in text for ref in UNTRUTHFUL)
    # One log entry per mark, then the decision.
    assert logged.count("mark_untruthful") == 5
    assert logged.count("mark_truthful") == len(marks) - 5
    assert logged[-1] == "suspend"
