"""Snapshots of the command palette, in French and Portuguese, small and large:
its prompt, its commands with their keys named the language's way, its "no
matches". Look at a changed snapshot before accepting it (tests/ui/test_snapshots.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot

from guarantee_tui.config import Settings
from guarantee_tui.ui.app import GuaranteeApp
from tests.builders import AT
from tests.ui.conftest import settle, until
from tests.ui.test_snapshots import LANGS, SIZES

SCENES: dict[str, str] = {"commands": "", "no match": "zzqx"}


def steps(typed: str) -> Callable[[Pilot[None]], Any]:
    async def run(pilot: Pilot[None]) -> None:
        app = pilot.app
        await settle(pilot)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        await settle(pilot)
        if typed:
            await pilot.press(*typed)
            palette = app.screen
            assert isinstance(palette, CommandPalette)
            no_match = palette._NO_MATCHES
            await until(
                pilot,
                lambda: any(o.id == no_match for o in palette.query_one(CommandList).options),
                "no match",
            )
        await settle(pilot)

    return run


@pytest.mark.parametrize("scene", list(SCENES))
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", SIZES)
def test_palette(
    snap_compare: Any,
    ui_db: str,
    monkeypatch: pytest.MonkeyPatch,
    scene: str,
    lang: str,
    size: tuple[int, int],
) -> None:
    monkeypatch.setattr(CommandPalette, "_NO_MATCHES_COUNTDOWN", 0.001)
    app = GuaranteeApp(Settings(db=ui_db, lang=lang, agent="Ana"), clock=lambda: AT)
    assert snap_compare(app, terminal_size=size, run_before=steps(SCENES[scene]))
