"""A screen's first frame shows it settled: the widget it focuses first has the
focus, and the footer shows that widget's keys.

Before, each screen focused its widget in `on_mount`, which Textual applies a
frame later, and Textual's footer builds its keys only after a frame: the
queue's first frames at start showed the hidden filter focused, the rows in
the colours of an unfocused table and an empty footer, then a footer with the
filter's one key, then the whole footer some 60 ms later.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.screen import Screen

from guarantee_tui.ui.app import GuaranteeApp
from guarantee_tui.ui.screens.claim import ClaimScreen
from guarantee_tui.ui.screens.contacts import ContactsScreen
from guarantee_tui.ui.screens.decision import DecisionScreen
from guarantee_tui.ui.screens.effects import EffectsScreen
from guarantee_tui.ui.screens.log import LogScreen
from guarantee_tui.ui.screens.phone import PhoneScreen
from guarantee_tui.ui.screens.queue import QueueScreen
from guarantee_tui.ui.widgets.footer import AppFooter
from tests.ui.conftest import settle

MakeApp = Callable[..., GuaranteeApp]
Seen = tuple[str | None, tuple[str, ...]]


def seen(screen: Screen[Any]) -> Seen:
    """What has the focus, and the actions of the footer's keys."""
    focused = screen.focused
    footers = screen.query(AppFooter)
    keys = tuple(footers.first().actions()) if footers else ()
    return (focused.id if focused is not None else None, keys)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_each_screen_s_first_frame_has_its_focus_and_its_keys(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    first: dict[int, Seen] = {}
    display = GuaranteeApp._display

    def spy(self: GuaranteeApp, screen: Screen[Any], renderable: Any) -> None:
        display(self, screen, renderable)
        if renderable is not None and id(screen) not in first:
            first[id(screen)] = seen(screen)

    monkeypatch.setattr(GuaranteeApp, "_display", spy)
    app = make_app(agent="Sofia")
    settled: list[tuple[type[Screen[Any]], Seen, Seen]] = []

    async def arrived(kind: type[Screen[Any]]) -> None:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, kind)
        settled.append((kind, first[id(screen)], seen(screen)))

    async with app.run_test(size=size) as pilot:
        await arrived(QueueScreen)
        await pilot.press("enter")
        await arrived(ClaimScreen)
        await pilot.press("r")
        await arrived(DecisionScreen)
        await pilot.press("escape", "c")
        await arrived(ContactsScreen)
        await pilot.press("escape", "escape", "l")
        await arrived(LogScreen)
        await pilot.press("e")
        await arrived(EffectsScreen)
        await pilot.press("escape", "escape", "p")
        await arrived(PhoneScreen)
    for kind, at_first, at_rest in settled:
        focused, keys = at_rest
        # A dialog has buttons, no footer.
        assert focused is not None and (keys or kind is DecisionScreen), kind.__name__
        assert at_first == at_rest, kind.__name__
