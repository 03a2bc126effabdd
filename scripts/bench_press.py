"""Child process for scripts/bench.py: key press to a painted screen.

    python scripts/bench_press.py bare
    python scripts/bench_press.py claim DB

Runs headless and prints one JSON line with the milliseconds from a key event
reaching the app (posted exactly as the terminal driver posts it) to the
moment the compositor has painted the new screen with its data, for every
press, the first included. `bare` is plain Textual pushing a one-line
screen: the floor any app pays, measured in the same run so the parent can
report a ratio. `claim` presses Enter on the queue of the app on DB and waits
for the claim's checklist to be painted, then Escape, a cursor move, and
again. Every press is made on a settled app: the database open and nothing
under way for half a second (`bench_paint.Quiet`), as when a person reads
the screen before the next key.

    python scripts/bench_press.py contacts DB

`contacts` presses `c` on a settled claim screen and waits for the contacts
screen painted with its table and detail, then goes back to the queue, moves
on and opens the next claim, as `claim` does. Both are one `route`: keys
from the queue, the last one timed.
"""

from __future__ import annotations

import json
import sys
import time
import weakref
from typing import Any, ClassVar

from bench_paint import POLL_S, Quiet
from textual import events
from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import Static

PRESSES = 30
SETTLE_S = 0.4
DEADLINE_S = 120


def post_key(app: App[Any], key: str, character: str | None) -> None:
    app.post_message(events.Key(key, character))


class Timings:
    def __init__(self) -> None:
        self.pressed = 0.0
        self.times: list[float] = []

    def press(self, app: App[Any], key: str = "enter", character: str = "\r") -> None:
        self.pressed = time.perf_counter()
        post_key(app, key, character)

    def painted(self) -> None:
        self.times.append((time.perf_counter() - self.pressed) * 1000)


def bare() -> list[float]:
    timings = Timings()

    class Shown(Screen[None]):
        def compose(self) -> ComposeResult:
            yield Static("claim")

        def on_mount(self) -> None:
            self.call_after_refresh(self.app.call_later, self.app.painted)  # type: ignore[attr-defined]

    class Bare(App[None]):
        BINDINGS: ClassVar[list[BindingType]] = [("enter", "open")]

        def compose(self) -> ComposeResult:
            yield Static("queue")

        def on_mount(self) -> None:
            self.set_timer(SETTLE_S, lambda: timings.press(self))
            self.set_timer(DEADLINE_S, lambda: self.exit(return_code=1))

        def action_open(self) -> None:
            self.push_screen(Shown())

        def painted(self) -> None:
            timings.painted()
            self.pop_screen()
            if len(timings.times) >= PRESSES:
                self.exit()
            else:
                self.set_timer(SETTLE_S, lambda: timings.press(self))

    Bare().run(headless=True, size=(120, 40))
    return timings.times


def _ready(screen: Screen[Any]) -> bool:
    """The queue with its rows, or a screen with its data: what a person would read."""
    from guarantee_tui.ui.widgets.lazy_table import LazyTable

    if type(screen).__name__ == "QueueScreen":
        tables = screen.query(LazyTable)
        return bool(tables) and tables.first().cursor is not None
    return getattr(screen, "view", None) is not None


def route(db: str, keys: list[tuple[str, str]], shown: type[Any], fills: str) -> list[float]:
    """From the queue, presses `keys` (key, character), each on a settled screen
    with its data, and times the last: from its press to the first time a
    `shown` screen's `fills` method has painted its data. Then back to the
    queue, a cursor move, and again."""
    from guarantee_tui.cli.app import prepare_process
    from guarantee_tui.config import Settings
    from guarantee_tui.ui.app import GuaranteeApp

    timings = Timings()
    fill = getattr(shown, fills)
    painted: weakref.WeakSet[Any] = weakref.WeakSet()

    def filled(self: Any) -> None:
        # The first time the screen fills in its data, whichever way it got it.
        fill(self)
        if self.view is not None and self not in painted:
            painted.add(self)
            self.call_after_refresh(self.app.call_later, measured.painted)

    setattr(shown, fills, filled)

    class Measured(GuaranteeApp):
        moves = 0
        # The next of `keys` to press; len(keys): the last one pressed, measuring.
        step = 0

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.quiet = Quiet()

        async def on_mount(self) -> None:
            # Textual calls GuaranteeApp.on_mount itself (handlers run along the MRO).
            self.set_timer(DEADLINE_S, lambda: self.exit(return_code=1))
            self.set_interval(POLL_S, self.press_when_settled, name="settled")

        def press_when_settled(self) -> None:
            if self.step >= len(keys):
                return
            screen = self.screen
            # The first key on the queue, each next one on the screen the last opened.
            if (type(screen).__name__ == "QueueScreen") != (self.step == 0):
                return
            if not _ready(screen) or not self.quiet.settled(self):
                return
            key, character = keys[self.step]
            self.step += 1
            self.quiet.since = None
            if self.step == len(keys):
                timings.press(self, key, character)
            else:
                post_key(self, key, character)

        def painted(self) -> None:
            timings.painted()
            if len(timings.times) >= PRESSES:
                self.exit()
                return
            for _ in keys:
                post_key(self, "escape", "\x1b")
            # Another claim next time, as an agent going down the queue would.
            self.moves += 1
            for _ in range(self.moves % 3):
                self.call_later(post_key, self, "j", "j")
            self.quiet.since = None
            self.step = 0

    measured = Measured(Settings(db=db, lang="en", agent="Sofia Martins"))
    # As `guarantee-tui` runs it.
    prepare_process()
    measured.run(headless=True, size=(120, 40))
    if measured.return_code:
        raise SystemExit(f"no {shown.__name__} painted before the deadline")
    return timings.times


def claim(db: str) -> list[float]:
    from guarantee_tui.ui.screens.claim import ClaimScreen

    return route(db, [("enter", "\r")], ClaimScreen, "_paint")


def contacts(db: str) -> list[float]:
    from guarantee_tui.ui.screens.contacts import ContactsScreen

    return route(db, [("enter", "\r"), ("c", "c")], ContactsScreen, "_fill")


def main(argv: list[str]) -> int:
    modes = {"claim": claim, "contacts": contacts}
    times = bare() if argv[1] == "bare" else modes[argv[1]](argv[2])
    print(json.dumps({"times_ms": times}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
