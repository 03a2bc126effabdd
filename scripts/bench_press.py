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
on and opens the next claim, as `claim` does.
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


def claim(db: str) -> list[float]:
    from guarantee_tui.cli.app import prepare_process
    from guarantee_tui.config import Settings
    from guarantee_tui.ui.app import GuaranteeApp
    from guarantee_tui.ui.screens.claim import ClaimScreen
    from guarantee_tui.ui.widgets.lazy_table import LazyTable

    timings = Timings()
    paint = ClaimScreen._paint
    painted: weakref.WeakSet[ClaimScreen] = weakref.WeakSet()

    def claim_paint(self: ClaimScreen) -> None:
        # The first time a claim screen fills in its data, whichever way it got it.
        paint(self)
        if self.view is not None and self not in painted:
            painted.add(self)
            self.call_after_refresh(self.app.call_later, measured.painted)

    ClaimScreen._paint = claim_paint  # type: ignore[method-assign]

    class Measured(GuaranteeApp):
        moves = 0
        waiting = True

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.quiet = Quiet()

        async def on_mount(self) -> None:
            # Textual calls GuaranteeApp.on_mount itself (handlers run along the MRO).
            self.set_timer(DEADLINE_S, lambda: self.exit(return_code=1))
            self.set_interval(POLL_S, self.press_when_settled, name="settled")

        def press_when_settled(self) -> None:
            # On the queue, with its rows, nothing under way for a while.
            if not self.waiting or type(self.screen).__name__ != "QueueScreen":
                return
            tables = self.screen.query(LazyTable)
            if tables and tables.first().cursor is not None and self.quiet.settled(self):
                self.waiting = False
                timings.press(self)

        def painted(self) -> None:
            timings.painted()
            post_key(self, "escape", "\x1b")
            if len(timings.times) >= PRESSES:
                self.exit()
                return
            # Another claim next time, as an agent going down the queue would.
            self.moves += 1
            for _ in range(self.moves % 3):
                self.call_later(post_key, self, "j", "j")
            self.quiet.since = None
            self.waiting = True

    measured = Measured(Settings(db=db, lang="en", agent="Sofia Martins"))
    # As `guarantee-tui` runs it.
    prepare_process()
    measured.run(headless=True, size=(120, 40))
    if measured.return_code:
        raise SystemExit("no claim painted before the deadline")
    return timings.times


def contacts(db: str) -> list[float]:
    from guarantee_tui.cli.app import prepare_process
    from guarantee_tui.config import Settings
    from guarantee_tui.ui.app import GuaranteeApp
    from guarantee_tui.ui.screens.claim import ClaimScreen
    from guarantee_tui.ui.screens.contacts import ContactsScreen
    from guarantee_tui.ui.widgets.lazy_table import LazyTable

    timings = Timings()
    fill = ContactsScreen._fill
    painted: weakref.WeakSet[ContactsScreen] = weakref.WeakSet()

    def contacts_fill(self: ContactsScreen) -> None:
        # The first time a contacts screen fills in its data, whichever way it got it.
        fill(self)
        if self.view is not None and self not in painted:
            painted.add(self)
            self.call_after_refresh(self.app.call_later, measured.painted)

    ContactsScreen._fill = contacts_fill  # type: ignore[method-assign]

    class Measured(GuaranteeApp):
        moves = 0
        # queue: Enter when settled; claim: `c` when settled; pressed: measuring.
        state = "queue"

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.quiet = Quiet()

        async def on_mount(self) -> None:
            self.set_timer(DEADLINE_S, lambda: self.exit(return_code=1))
            self.set_interval(POLL_S, self.press_when_settled, name="settled")

        def press_when_settled(self) -> None:
            screen = self.screen
            if self.state == "queue" and type(screen).__name__ == "QueueScreen":
                tables = screen.query(LazyTable)
                if tables and tables.first().cursor is not None and self.quiet.settled(self):
                    self.state = "claim"
                    self.quiet.since = None
                    post_key(self, "enter", "\r")
            elif (
                self.state == "claim"
                and isinstance(screen, ClaimScreen)
                and screen.view is not None
                and self.quiet.settled(self)
            ):
                self.state = "pressed"
                timings.press(self, "c", "c")

        def painted(self) -> None:
            timings.painted()
            if len(timings.times) >= PRESSES:
                self.exit()
                return
            post_key(self, "escape", "\x1b")
            post_key(self, "escape", "\x1b")
            # Another claim next time, as an agent going down the queue would.
            self.moves += 1
            for _ in range(self.moves % 3):
                self.call_later(post_key, self, "j", "j")
            self.quiet.since = None
            self.state = "queue"

    measured = Measured(Settings(db=db, lang="en", agent="Sofia Martins"))
    prepare_process()
    measured.run(headless=True, size=(120, 40))
    if measured.return_code:
        raise SystemExit("no contacts painted before the deadline")
    return timings.times


def main(argv: list[str]) -> int:
    modes = {"claim": claim, "contacts": contacts}
    times = bare() if argv[1] == "bare" else modes[argv[1]](argv[2])
    print(json.dumps({"times_ms": times}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
