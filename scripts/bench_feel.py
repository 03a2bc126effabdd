"""Child process for scripts/bench.py: the speed an agent feels in the queue.

    python scripts/bench_feel.py filter DB        # typing in the queue's filter
    python scripts/bench_feel.py bare-filter      # the same keys in a bare Textual Input
    python scripts/bench_feel.py scroll DB        # page down, G, g, page up in the queue
    python scripts/bench_feel.py bare-scroll      # the same keys in a bare DataTable
    python scripts/bench_feel.py frames DB        # each screen push's first frame

Runs headless at 120x40 and prints one JSON line. Keys are posted as the
terminal driver posts them, on a settled app (bench_paint.Quiet), and every
frame the app hands to its driver is watched (App._display, called headless
too), so the figures are what a person would see, frame by frame:

- `filter`: four searches typed one key every TYPE_INTERVAL_S (a quick
  typist): a company word, a claim ref, a professional ref, a phone
  number as written, taken from the database. For each key the time to the first
  frame showing it in the box (its echo); for each search the time from the
  last key to the first frame showing the rows of the final text.
- `scroll`: page down every SCROLL_INTERVAL_S (reading pace), then G, g and
  page up: for each key, whether its first frame showed a placeholder row
  ("…"), and how long placeholders stayed.
- `frames`: Enter (the claim), c (its contacts), escape twice, l (the log),
  escape, p (the phone desk), escape: for each push, whether the first frame
  of the new screen had the same top bar and table header as the settled
  screen, and the time from the key to that frame.
"""

from __future__ import annotations

import io
import json
import re
import sqlite3
import sys
import time
from collections.abc import Callable
from typing import Any, ClassVar, Final

from bench_paint import POLL_S, Frames, Quiet
from rich.console import Console
from textual import events
from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

DEADLINE_S = 300
TYPE_INTERVAL_S = 0.08
SCROLL_INTERVAL_S = 0.25
PAGE_DOWNS = 30
SIZE = (120, 40)
NAMED = {
    "enter": "\r",
    "escape": "\x1b",
    "slash": "/",
    "pagedown": None,
    "pageup": None,
    "space": " ",
}


def post(app: App[Any], key: str, character: str | None = None) -> None:
    if character is None:
        character = NAMED.get(key, key if len(key) == 1 else None)
    app.post_message(events.Key(key, character))


def key_name(character: str) -> str:
    return {" ": "space", "/": "slash", "-": "minus", "@": "at", ".": "full_stop", "+": "plus"}.get(
        character, character
    )


# Claims whose searches are typed, at these shares of the claims table: a p95
# over 12 searches, not the largest of 4.
QUERY_AT: Final = (0.25, 0.5, 0.75)


def queries(db: str) -> list[str]:
    """What an agent types: a company word, a claim ref, a professional ref, a
    phone, for each of the claims at QUERY_AT."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    found: list[str] = []
    try:
        # Claims of the queue's default view (open ones): a decided claim's
        # ref leaves no row to time, only the line saying the view hides it.
        count = conn.execute("SELECT count(*) FROM claims WHERE status = 'open'").fetchone()[0]
        for share in QUERY_AT:
            claim, pro, company, phone = conn.execute(
                "SELECT claims.ref, professionals.ref, professionals.company_name, "
                "professionals.phone FROM claims JOIN professionals "
                "ON professionals.id = claims.professional_id WHERE claims.status = 'open' "
                "ORDER BY claims.id "
                "LIMIT 1 OFFSET ?",
                (int(count * share),),
            ).fetchone()
            # The longest word, without the punctuation beside it ("Unipessoal,").
            word = max(re.findall(r"\w+", company), key=len)
            # The phone as a caller's number is read out: from its start, as written.
            found += [word.lower(), claim, pro, phone or "06 12 34 56 78"]
    finally:
        conn.close()
    return found


# --- watching frames ------------------------------------------------------------------


def frame_text(app: App[Any]) -> list[str]:
    console = Console(
        width=SIZE[0],
        height=SIZE[1],
        file=io.StringIO(),
        force_terminal=True,
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text().splitlines()


def placeholders(app: App[Any]) -> bool:
    """Whether a row on screen is still a placeholder."""
    from guarantee_tui.ui.widgets.lazy_table import LazyTable

    tables = app.screen.query(LazyTable)
    if not tables:
        return False
    table = tables.first()
    top = round(table.scroll_offset.y)
    height = max(table.scrollable_content_region.height - 1, 1)
    return any(table.row_at(i) is None for i in range(top, min(top + height, table.row_count)))


# --- the workspace --------------------------------------------------------------------


def workspace(db: str, run: Callable[[Any, Quiet], Any]) -> dict[str, Any]:
    """Starts the app on `db` as `guarantee-tui` does and calls `run` every POLL_S."""
    from guarantee_tui.cli.app import prepare_process
    from guarantee_tui.config import Settings
    from guarantee_tui.ui.app import GuaranteeApp

    result: dict[str, Any] = {}

    class Measured(GuaranteeApp):
        async def on_mount(self) -> None:
            self.quiet = Quiet()
            self.set_timer(DEADLINE_S, lambda: self.exit(return_code=1))
            self.set_interval(POLL_S, self.poll)

        def poll(self) -> None:
            done = run(self, self.quiet)
            if done is not None:
                result.update(done)
                self.exit()

    app = Measured(Settings(db=db, lang="en", agent="Sofia Martins"))
    prepare_process()
    app.run(headless=True, size=SIZE)
    if app.return_code:
        raise SystemExit("not done before the deadline")
    return result


def on_queue_with_rows(app: Any) -> bool:
    from guarantee_tui.ui.widgets.lazy_table import LazyTable

    if type(app.screen).__name__ != "QueueScreen":
        return False
    tables = app.screen.query(LazyTable)
    return bool(tables) and tables.first().row_at(0) is not None


class Typing:
    """Types each search a key at a time, and times what the frames show."""

    def __init__(self, searches: list[str], box: Callable[[App[Any]], Input | None]) -> None:
        self.searches = searches
        self.box = box
        self.search = -1
        self.typed = ""
        self.keys: list[tuple[str, float]] = []  # (text after the key, pressed at)
        self.echo: list[float] = []
        self.rows: list[float] = []
        self.last_key = 0.0
        self.typing = False
        self.waiting_rows = False
        self.rows_shown: Callable[[App[Any], str], bool] = lambda _app, _text: True

    def frame(self, app: App[Any]) -> None:
        now = time.perf_counter()
        box = self.box(app)
        if box is None:
            return
        while self.keys and box.value == self.keys[0][0]:
            self.echo.append((now - self.keys.pop(0)[1]) * 1000)
        final = self.searches[self.search] if self.search >= 0 else None
        waiting = self.waiting_rows and not self.keys and final is not None
        if waiting and final is not None and self.rows_shown(app, final):
            self.rows.append((now - self.last_key) * 1000)
            self.waiting_rows = False

    def type_next(self, app: App[Any], text: str, index: int = 0) -> None:
        if index >= len(text):
            return
        self.typing = index + 1 < len(text)
        character = text[index]
        self.typed += character
        self.last_key = time.perf_counter()
        self.keys.append((self.typed, self.last_key))
        post(app, key_name(character), character)
        if index + 1 == len(text):
            self.waiting_rows = True
        else:
            app.set_timer(TYPE_INTERVAL_S, lambda: self.type_next(app, text, index + 1))

    def busy(self) -> bool:
        return self.typing or bool(self.keys) or self.waiting_rows


def filter_queue(db: str) -> dict[str, Any]:
    from guarantee_tui.ui.widgets.lazy_table import LazyTable

    typing = Typing(queries(db), lambda app: _queue_box(app))

    def rows_shown(app: App[Any], text: str) -> bool:
        screen: Any = app.screen
        if getattr(screen, "filter", None) is None or screen.filter.text != text:
            return False
        if getattr(screen, "_total", None) is None:
            return False
        table = screen.query_one(LazyTable)
        return table.row_count == 0 or table.row_at(0) is not None

    typing.rows_shown = rows_shown
    Frames(typing.frame).install(_app_class())
    state = {"opened": False}

    def run(app: Any, quiet: Quiet) -> dict[str, Any] | None:
        if not on_queue_with_rows(app) or typing.busy() or not quiet.settled(app):
            return None
        if not state["opened"]:
            state["opened"] = True
            post(app, "slash")
            quiet.since = None
            return None
        box = _queue_box(app)
        assert box is not None
        typing.search += 1
        if typing.search == len(typing.searches):
            return {"echo_ms": typing.echo, "rows_ms": typing.rows, "queries": typing.searches}
        # A new search starts from an empty box, as after selecting all and typing.
        box.value = ""
        typing.typed = ""
        quiet.since = None
        app.set_timer(0.5, lambda: typing.type_next(app, typing.searches[typing.search]))
        typing.waiting_rows = True  # from now until the rows of the last key show
        return None

    return workspace(db, run)


def _app_class() -> type[App[Any]]:
    from guarantee_tui.ui.app import GuaranteeApp

    return GuaranteeApp


def _queue_box(app: App[Any]) -> Input | None:
    boxes = app.screen.query("#queue-filter")
    return boxes.first(Input) if boxes else None


def bare_filter() -> dict[str, Any]:
    """A bare Input filtering 1,000 lines into a Static on each key, no worker."""
    lines = [f"CL-{n:06d} Company {n} {n * 7919 % 100000:05d}" for n in range(1000)]
    searches = ["company", "CL-000390", "12345", "7919"]
    typing = Typing(searches, lambda app: next(iter(app.query(Input)), None))
    shown: dict[str, str | None] = {"text": None}

    def rows_shown(_app: App[Any], text: str) -> bool:
        return shown["text"] == text

    typing.rows_shown = rows_shown

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Input()
            yield Static(id="rows")

        def on_mount(self) -> None:
            self.query_one(Input).focus()
            self.set_timer(DEADLINE_S, lambda: self.exit(return_code=1))
            self.set_timer(0.5, self.next_search)

        def on_input_changed(self, event: Input.Changed) -> None:
            found = [line for line in lines if event.value.lower() in line.lower()][:38]
            self.query_one("#rows", Static).update("\n".join(found))
            shown["text"] = event.value

        def next_search(self) -> None:
            if typing.busy():
                self.set_timer(0.1, self.next_search)
                return
            typing.search += 1
            if typing.search == len(searches):
                self.exit()
                return
            self.query_one(Input).value = ""
            typing.typed = ""
            typing.type_next(self, searches[typing.search])
            self.set_timer(0.5, self.next_search)

    Frames(typing.frame).install(Bare)
    bare = Bare()
    bare.run(headless=True, size=SIZE)
    return {"echo_ms": typing.echo, "rows_ms": typing.rows, "queries": searches}


# --- scrolling ------------------------------------------------------------------------

SCROLL_KEYS = ["pagedown"] * PAGE_DOWNS + ["G", "g"] + ["pagedown"] * 5 + ["G"] + ["pageup"] * 5


class Scrolling:
    def __init__(self, has_placeholder: Callable[[App[Any]], bool]) -> None:
        self.has_placeholder = has_placeholder
        self.pressed = 0.0
        self.key = -1
        self.first_frame_seen = True
        self.first_frames: list[bool] = []
        self.blank_ms: list[float] = []
        self.placeholder_since: float | None = None

    def frame(self, app: App[Any]) -> None:
        if self.key < 0:
            return
        now = time.perf_counter()
        blank = self.has_placeholder(app)
        if not self.first_frame_seen:
            self.first_frame_seen = True
            self.first_frames.append(blank)
            self.blank_ms.append(0.0)
            if blank:
                self.placeholder_since = self.pressed
        elif self.placeholder_since is not None and not blank:
            self.blank_ms[-1] = (now - self.placeholder_since) * 1000
            self.placeholder_since = None

    def press(self, app: App[Any]) -> bool:
        self.key += 1
        if self.key >= len(SCROLL_KEYS):
            return False
        self.first_frame_seen = False
        self.placeholder_since = None
        self.pressed = time.perf_counter()
        post(app, SCROLL_KEYS[self.key])
        return True

    def result(self) -> dict[str, Any]:
        return {
            "keys": len(self.first_frames),
            "first_frames_with_placeholders": sum(self.first_frames),
            "placeholder_ms": self.blank_ms,
        }


def scroll_queue(db: str) -> dict[str, Any]:
    scrolling = Scrolling(placeholders)
    Frames(scrolling.frame).install(_app_class())
    state = {"started": False, "done": False}

    def run(app: Any, quiet: Quiet) -> dict[str, Any] | None:
        if state["done"]:
            return scrolling.result()
        if state["started"] or not on_queue_with_rows(app) or not quiet.settled(app):
            return None
        state["started"] = True

        def next_key() -> None:
            if scrolling.press(app):
                app.set_timer(SCROLL_INTERVAL_S, next_key)
            else:
                state["done"] = True

        next_key()
        return None

    return workspace(db, run)


def bare_scroll() -> dict[str, Any]:
    """A bare DataTable of 40,000 rows (all built up front), the same keys."""
    scrolling = Scrolling(lambda _app: False)

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("claim", "company", "status")
            table.add_rows((f"CL-{n:06d}", f"Company {n}", "open") for n in range(40_000))
            table.focus()
            self.set_timer(DEADLINE_S, lambda: self.exit(return_code=1))
            self.set_timer(1.0, self.next_key)

        def next_key(self) -> None:
            if scrolling.press(self):
                self.set_timer(SCROLL_INTERVAL_S, self.next_key)
            else:
                self.set_timer(SCROLL_INTERVAL_S, self.exit)

    Frames(scrolling.frame).install(Bare)
    Bare().run(headless=True, size=SIZE)
    return scrolling.result()


# --- each push's first frame ----------------------------------------------------------

PUSHES = [
    ("enter", "ClaimScreen"),
    ("c", "ContactsScreen"),
    ("escape", "ClaimScreen"),
    ("escape", "QueueScreen"),
    ("l", "LogScreen"),
    ("escape", "QueueScreen"),
    ("p", "PhoneScreen"),
    ("escape", "QueueScreen"),
]


def header_lines(app: App[Any], lines: list[str]) -> dict[str, str]:
    """The top bar's line and, when the screen has a table, its header line."""
    from guarantee_tui.ui.widgets.lazy_table import LazyTable

    found = {"top bar": lines[0] if lines else ""}
    found_tables: list[Any] = [*app.screen.query(LazyTable), *app.screen.query(DataTable)]
    if found_tables:
        y = found_tables[0].region.y
        found["table header"] = lines[y] if y < len(lines) else ""
    return found


def frames(db: str) -> dict[str, Any]:
    state: dict[str, Any] = {"step": -1, "first": None, "pressed": 0.0, "screen": None}
    results: list[dict[str, Any]] = []

    def seen(app: App[Any]) -> None:
        step = state["step"]
        if step < 0 or state["first"] is not None:
            return
        if type(app.screen).__name__ != PUSHES[step][1] or app.screen is state["screen"]:
            return
        state["first"] = header_lines(app, frame_text(app))
        state["ms"] = (time.perf_counter() - state["pressed"]) * 1000

    Frames(seen).install(_app_class())

    def run(app: Any, quiet: Quiet) -> dict[str, Any] | None:
        step = state["step"]
        if step < 0:
            if not on_queue_with_rows(app) or not quiet.settled(app):
                return None
        else:
            if state["first"] is None or not quiet.settled(app):
                return None
            settled = header_lines(app, frame_text(app))
            wrong = [k for k, v in settled.items() if state["first"].get(k) != v]
            results.append(
                {
                    "key": PUSHES[step][0],
                    "screen": PUSHES[step][1],
                    "right": not wrong,
                    "wrong": wrong,
                    "seen": {k: [state["first"].get(k), settled[k]] for k in wrong},
                    "first_frame_ms": state["ms"],
                }
            )
        state["step"] = step = step + 1
        if step == len(PUSHES):
            return {"pushes": results}
        state["first"] = None
        state["screen"] = app.screen
        state["pressed"] = time.perf_counter()
        quiet.since = None
        post(app, PUSHES[step][0])
        return None

    return workspace(db, run)


class _Shown(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Static("claim")


def bare_frames() -> dict[str, Any]:
    """Bare Textual: Enter pushes a one-line screen, escape pops it (key to first frame)."""
    times: list[float] = []
    state: dict[str, Any] = {"pressed": 0.0, "screen": None, "count": 0}

    def seen(app: App[Any]) -> None:
        if state["pressed"] and app.screen is not state["screen"]:
            times.append((time.perf_counter() - state["pressed"]) * 1000)
            state["pressed"] = 0.0

    class Bare(App[None]):
        BINDINGS: ClassVar[list[BindingType]] = [("enter", "open"), ("escape", "close")]

        def compose(self) -> ComposeResult:
            yield Static("queue")

        def on_mount(self) -> None:
            self.set_timer(DEADLINE_S, lambda: self.exit(return_code=1))
            self.set_timer(0.4, self.press)

        def action_open(self) -> None:
            self.push_screen(_Shown())

        def action_close(self) -> None:
            if len(self.screen_stack) > 1:
                self.pop_screen()

        def press(self) -> None:
            if state["count"] == len(PUSHES):
                self.exit()
                return
            key = "enter" if state["count"] % 2 == 0 else "escape"
            state["count"] += 1
            state["screen"] = self.screen
            state["pressed"] = time.perf_counter()
            post(self, key)
            self.set_timer(0.4, self.press)

    Frames(seen).install(Bare)
    Bare().run(headless=True, size=SIZE)
    return {"first_frame_ms": times}


def main(argv: list[str]) -> int:
    mode = argv[1]
    runs: dict[str, Callable[[], dict[str, Any]]] = {
        "filter": lambda: filter_queue(argv[2]),
        "bare-filter": bare_filter,
        "scroll": lambda: scroll_queue(argv[2]),
        "bare-scroll": bare_scroll,
        "frames": lambda: frames(argv[2]),
        "bare-frames": bare_frames,
    }
    print(json.dumps(runs[mode]()), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
