"""Child process for scripts/bench.py: start an app, report when it first painted data.

    python scripts/bench_paint.py bare
    python scripts/bench_paint.py queue DB
    python scripts/bench_paint.py log DB
    python scripts/bench_paint.py tour DB

Runs headless and prints one JSON line. `bare` and `queue`: the wall-clock
time (time.time()) at which the first page of data was painted (`painted`:
the refresh after it, once the app was idle), the time of the first frame
handed to the driver that shows the screen as it stays (`frame`: for the
queue, what has the focus, its rows and its footer's keys, the same in
every frame that follows for half a second), and this process's
peak resident memory at the paint. The parent notes the time just before
starting this process, so the difference is "process start to first paint",
imports included. The workspace starts through `guarantee_tui.cli.main`, as
the `guarantee-tui` command starts it.

`log`: the app starts as usual and `l` is pressed once it has settled (the
database open, no work under way for half a second), so the figure is the
log screen's own, not the database's opening; `pressed` says when.

`tour`: what the process holds as a person uses it. Memory (VmRSS, and the
peak VmHWM) at first paint, once settled, then after each step of a
scripted tour, each step's keys pressed on a settled app: `G` to the end of
the queue, Enter on a claim, `c` its contacts, back, `l` the log, back, `p`
the phone desk, a search typed, `down` to the first result's card, back.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import Callable
from typing import Any

DEADLINE_S = 120
# How long nothing may be under way before the app counts as settled.
QUIET_S = 0.5
# How long the queue's frames are watched after its first page painted.
SETTLE_S = 0.5
POLL_S = 0.05


def memory_kib(field: str = "VmHWM") -> int:
    """This process's own resident memory now (VmRSS) or at its peak (VmHWM).

    (ru_maxrss would include the parent's, which Linux keeps across fork and exec.)"""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def peak_kib() -> int:
    return memory_kib("VmHWM")


def report(pressed: float = 0.0, frame: float = 0.0) -> None:
    print(
        json.dumps(
            {"painted": time.time(), "frame": frame, "pressed": pressed, "peak_kib": peak_kib()}
        ),
        flush=True,
    )


class Frames:
    """Calls `seen(app)` at every frame the app hands to its driver (App._display
    is called headless too). Here, not in bench_feel.py, which uses it as well:
    this process must import nothing more before the app it times starts."""

    def __init__(self, seen: Callable[[Any], None]) -> None:
        self.seen = seen

    def install(self, app_class: Any) -> None:
        display = app_class._display
        seen = self.seen

        def watched(app: Any, screen: Any, renderable: Any) -> None:
            display(app, screen, renderable)
            if renderable is not None:
                seen(app)

        app_class._display = watched


class Settled:
    """What each frame showed, as `look(app)` says; `at()` is the time of the
    first frame of the last unchanged run: when the screen first looked as it
    stayed."""

    def __init__(self, look: Callable[[Any], Any]) -> None:
        self.look = look
        self.seen: list[tuple[float, Any]] = []

    def install(self, app_class: Any) -> None:
        Frames(lambda app: self.seen.append((time.time(), self.look(app)))).install(app_class)

    def at(self) -> float:
        if not self.seen or self.seen[-1][1] is None:
            return 0.0
        last = self.seen[-1][1]
        at = self.seen[-1][0]
        for when, look in reversed(self.seen):
            if look != last:
                break
            at = when
        return at


def bare() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("guarantee-tui")

        def on_mount(self) -> None:
            self.call_after_refresh(self.painted)

        def painted(self) -> None:
            report(frame=settled.at())
            self.exit()

    settled = Settled(lambda app: bool(app.screen.query(Static)) or None)
    settled.install(Bare)
    Bare().run(headless=True, size=(120, 40))


def busy(app: Any) -> bool:
    """Whether the app has database or background work under way (not counting
    the workers that run as long as the app: sending, following others' acts)."""
    from textual.worker import WorkerState

    from guarantee_tui.ui.link import LIFELONG

    return app.database is None or any(
        w.state in (WorkerState.PENDING, WorkerState.RUNNING) and w.group not in LIFELONG
        for w in app.workers
    )


class Quiet:
    """Counts how long an app has had nothing under way, polled every POLL_S."""

    def __init__(self) -> None:
        self.since: float | None = None

    def settled(self, app: Any) -> bool:
        now = time.perf_counter()
        if busy(app):
            self.since = None
            return False
        if self.since is None:
            self.since = now
        return now - self.since >= QUIET_S


def post_keys(app: Any, *keys: str) -> None:
    """Posts keys as the terminal driver posts them (one character: itself)."""
    from textual import events

    named = {"enter": "\r", "escape": "\x1b", "down": None}
    for key in keys:
        app.post_message(events.Key(key, named.get(key, key)))


# (label, keys, the screen it ends on); each step starts on a settled app.
TOUR: list[tuple[str, tuple[str, ...], str]] = [
    ("G: the end of the queue", ("G",), "QueueScreen"),
    ("enter: a claim's checklist", ("enter",), "ClaimScreen"),
    ("c: its 20 contacts", ("c",), "ContactsScreen"),
    ("escape twice: the queue", ("escape", "escape"), "QueueScreen"),
    ("l: the decision log", ("l",), "LogScreen"),
    ("escape: the queue", ("escape",), "QueueScreen"),
    ("p, a letter typed, down: a caller's card", ("p", "a", "down"), "PhoneScreen"),
    ("escape: the queue", ("escape",), "QueueScreen"),
]


def workspace(db: str, screen: str) -> None:
    # Started as `guarantee-tui --db DB` starts it, through the command line.
    from guarantee_tui import cli
    from guarantee_tui.ui import app as app_module
    from guarantee_tui.ui.app import GuaranteeApp
    from guarantee_tui.ui.widgets.footer import AppFooter
    from guarantee_tui.ui.widgets.lazy_table import LazyTable

    set_rows = LazyTable.set_rows

    def rows_arrived(table: LazyTable, *args: Any) -> None:
        set_rows(table, *args)
        app = table.app
        # An empty first page is painted too (the 1,000,000-entry log's
        # database has no claims: its queue is empty).
        if isinstance(app, Measured) and (table.row_at(0) is not None or not table.row_count):
            app.rows_painted(type(table.screen).__name__)

    LazyTable.set_rows = rows_arrived  # type: ignore[method-assign,assignment]

    class Measured(GuaranteeApp):
        first_paint = 0.0
        first_paint_kib = 0
        pressed = 0.0
        step = -1

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.quiet = Quiet()
            self.steps: list[dict[str, Any]] = []

        async def on_mount(self) -> None:
            # Textual calls GuaranteeApp.on_mount itself (handlers run along the MRO).
            if screen != "queue":
                self.set_interval(POLL_S, self.poll)
            self.set_timer(DEADLINE_S, lambda: self.exit(return_code=1))

        def rows_painted(self, where: str) -> None:
            if not self.first_paint and where == "QueueScreen":
                self.first_paint = -1.0  # reported once painted
                self.call_after_refresh(self.queue_painted)
            elif screen == "log" and where == "LogScreen" and self.pressed and not self.steps:
                self.steps.append({})
                self.call_after_refresh(self.log_painted)

        def queue_painted(self) -> None:
            self.first_paint = time.time()
            self.first_paint_kib = peak_kib()
            if screen == "queue":
                # The frames that follow the paint, until the screen stays as it is.
                self.set_timer(SETTLE_S, self.queue_settled)

        def queue_settled(self) -> None:
            print(
                json.dumps(
                    {
                        "painted": self.first_paint,
                        "frame": settled.at(),
                        "peak_kib": self.first_paint_kib,
                    }
                ),
                flush=True,
            )
            self.exit()

        def log_painted(self) -> None:
            print(
                json.dumps(
                    {"painted": time.time(), "pressed": self.pressed, "peak_kib": peak_kib()}
                ),
                flush=True,
            )
            self.exit()

        def poll(self) -> None:
            if self.first_paint <= 0 or not self.quiet.settled(self):
                return
            if screen == "log":
                if not self.pressed:
                    self.pressed = time.time()
                    post_keys(self, "l")
                return
            if self.step >= 0:
                label, _, expected = TOUR[self.step]
                if type(self.screen).__name__ != expected:
                    return  # a key still on its way
                self.steps.append(
                    {"step": label, "rss_kib": memory_kib("VmRSS"), "peak_kib": peak_kib()}
                )
            else:
                self.steps.append(
                    {"step": "settled", "rss_kib": memory_kib("VmRSS"), "peak_kib": peak_kib()}
                )
            self.step += 1
            if self.step == len(TOUR):
                result = {
                    "first_paint_kib": self.first_paint_kib,
                    "steps": self.steps,
                    "peak_kib": peak_kib(),
                }
                print(json.dumps(result), flush=True)
                self.exit()
                return
            self.quiet.since = None
            post_keys(self, *TOUR[self.step][1])

        def run(self, *args: Any, **kwargs: Any) -> None:
            super().run(headless=True, size=(120, 40))
            if self.return_code:
                print(json.dumps({"error": f"{screen}: not done before the deadline"}), flush=True)

    def queue_look(app: Any) -> Any:
        """What a person sees of the queue to work in it: its focus, rows and
        footer keys. (Not the top bar: the office hours and the marketplace's
        state come into it after the first paint, on purpose.)"""
        queue = app.screen
        if type(queue).__name__ != "QueueScreen":
            return None
        table = queue.query_one("#queue-table", LazyTable)
        row = table.row_at(0)
        focused = queue.focused
        return (
            focused.id if focused is not None else None,
            row.key if row is not None else None,
            table.row_count,
            tuple(queue.query_one(AppFooter).actions()),
        )

    settled = Settled(queue_look)
    settled.install(Measured)
    app_module.GuaranteeApp = Measured  # type: ignore[misc]
    cli.main(["--db", db, "--lang", "en", "--agent", "Sofia Martins"])


def main(argv: list[str]) -> int:
    if argv[1] == "bare":
        bare()
    else:
        workspace(argv[2], argv[1])
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
