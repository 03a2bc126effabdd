"""Live figures for scripts/bench.py: one agent's act to another agent's screen, repainted.

    python scripts/bench_live.py watch claim DB_URL CLAIM_REF
    python scripts/bench_live.py watch queue DB_URL

`watch` is the other agent: the workspace, headless, as agent "Bench
Watcher", on the claim CLAIM_REF (`claim`) or on the claim queue (`queue`).
Once what it watches is painted and the app has settled it prints "ready"
(for `queue`, with the refs of the rows it shows), then one JSON line each
time the compositor has painted a change made elsewhere: the claim's new
version (a mark), or a row's new holder (a take, a give-back), with the
time.time() of that moment. It stops when its stdin closes.

The parent's function `screen_delays(url, samples)` makes the acts in its
own process, one at a time after a random pause (a person's pace), and
returns the milliseconds from each call (its transaction included) to the
watcher's repaint: for marks on the claim screen, and for takes and
give-backs on the queue. On SQLite the app looks for changes every half
second (ui/app.py); on PostgreSQL it hears of them (LISTEN/NOTIFY).
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bench_paint import POLL_S, QUIET_S, Quiet
from rich.text import Text
from sqlalchemy import select

from guarantee_tui.store.engine import make_engine

WATCHER = "Bench Watcher"
ACTOR = "Bench Marker"
DEADLINE_S = 120
# How long the parent waits for one act to show before giving up the measurement.
SHOW_WITHIN_S = 30.0


class Settled(Quiet):
    """bench_paint's Quiet, less the workers that run as long as the app (following
    the other agents, sending to the marketplace): those are never done."""

    def settled(self, app: Any) -> bool:
        from textual.worker import WorkerState

        from guarantee_tui.ui.link import LIFELONG

        now = time.perf_counter()
        working = app.database is None or any(
            w.state in (WorkerState.PENDING, WorkerState.RUNNING) and w.group not in LIFELONG
            for w in app.workers
        )
        if working:
            self.since = None
            return False
        if self.since is None:
            self.since = now
        return now - self.since >= QUIET_S


def report(**values: Any) -> None:
    print(json.dumps({**values, "at": time.time()}), flush=True)


def watch(kind: str, url: str, claim_ref: str | None) -> int:
    from guarantee_tui.cli.app import prepare_process
    from guarantee_tui.config import Settings
    from guarantee_tui.filters import QueueRow
    from guarantee_tui.ui.app import GuaranteeApp
    from guarantee_tui.ui.screens.claim import ClaimScreen, open_claim
    from guarantee_tui.ui.screens.queue import QueueScreen
    from guarantee_tui.ui.widgets.lazy_table import LazyTable

    ready = threading.Event()

    def after_paint(app: Any, callback: Callable[[], None]) -> None:
        # As bench_press.py does: once the compositor has painted, then one more turn.
        app.call_after_refresh(app.call_later, callback)

    versions: weakref.WeakKeyDictionary[ClaimScreen, int] = weakref.WeakKeyDictionary()
    paint = ClaimScreen._paint

    def claim_paint(self: ClaimScreen) -> None:
        paint(self)
        view = self.view
        if view is None or versions.get(self) == view.version:
            return
        versions[self] = version = view.version
        if ready.is_set():
            after_paint(self.app, lambda: report(version=version))

    ClaimScreen._paint = claim_paint  # type: ignore[method-assign]

    holders: dict[str, str | None] = {}
    holder_cell = QueueScreen._holder_cell

    def queue_holder_cell(self: QueueScreen, r: QueueRow) -> Text:
        cell = holder_cell(self, r)
        holder = r.holder if cell.plain else None
        ref = r.claim_ref
        if holders.get(ref) != holder or ref not in holders:
            holders[ref] = holder
            if ready.is_set():
                after_paint(self.app, lambda: report(ref=ref, holder=holder))
        return cell

    QueueScreen._holder_cell = queue_holder_cell  # type: ignore[method-assign]

    class Watcher(GuaranteeApp):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.quiet = Settled()
            self.opened = False

        async def on_mount(self) -> None:
            # Textual calls GuaranteeApp.on_mount itself (handlers run along the MRO).
            self.set_timer(DEADLINE_S, self.too_late)
            self.set_interval(POLL_S, self.when_settled, name="settled")

        def too_late(self) -> None:
            if not ready.is_set():
                self.exit(return_code=1)

        def when_settled(self) -> None:
            if ready.is_set() or not self.quiet.settled(self):
                return
            screen = self.screen
            if kind == "claim":
                if isinstance(screen, ClaimScreen) and screen.view is not None:
                    self.start_reporting()
                elif isinstance(screen, QueueScreen) and not self.opened:
                    assert claim_ref is not None
                    self.opened = True
                    self.quiet.since = None
                    open_claim(screen, claim_ref)
                return
            if isinstance(screen, QueueScreen):
                table = screen.query_one(LazyTable)
                shown = range(table.scroll_offset.y, table.scroll_offset.y + table.size.height - 1)
                refs = [row.key for i in shown if (row := table.row_at(i)) is not None]
                if refs:
                    self.start_reporting(refs)

        def start_reporting(self, refs: list[str] | None = None) -> None:
            ready.set()
            print("ready " + json.dumps(refs or []), flush=True)
            threading.Thread(target=self.until_stdin_closes, daemon=True).start()

        def until_stdin_closes(self) -> None:
            for _ in sys.stdin:
                pass
            self.call_from_thread(self.exit)

    app = Watcher(Settings(db=url, lang="en", agent=WATCHER))
    # As `guarantee-tui` runs it.
    prepare_process()
    app.run(headless=True, size=(120, 40))
    return app.return_code or 0


# --- the parent ------------------------------------------------------------------------


class Watching:
    """A watcher process and its lines, read in a thread as they come."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "watch", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.lines: list[dict[str, Any]] = []
        self.changed = threading.Condition()
        assert self.proc.stdout is not None
        first = self.proc.stdout.readline()
        if not first.startswith("ready"):
            self.close()
            raise RuntimeError(f"the watching app failed to start (exit {self.proc.returncode})")
        self.refs: list[str] = json.loads(first.removeprefix("ready").strip() or "[]")
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith("{"):
                with self.changed:
                    self.lines.append(json.loads(line))
                    self.changed.notify_all()

    def shown(self, **expected: Any) -> float:
        """The time.time() of the repaint that showed `expected`, waiting for it."""
        deadline = time.monotonic() + SHOW_WITHIN_S
        with self.changed:
            while True:
                found = next(
                    (
                        line
                        for line in self.lines
                        if all(line.get(k, None) == v for k, v in expected.items())
                    ),
                    None,
                )
                if found is not None:
                    self.lines.remove(found)
                    return float(found["at"])
                left = deadline - time.monotonic()
                if left <= 0:
                    raise RuntimeError("an act never showed on the watching app's screen")
                self.changed.wait(left)

    def close(self) -> None:
        if self.proc.stdin is not None and not self.proc.stdin.closed:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _unmarked(url: str) -> tuple[str, str]:
    """An open claim nobody holds and one of its explanations, not marked yet."""
    from guarantee_tui.store.models import Claim, Explanation

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            row = conn.execute(
                select(Claim.ref, Explanation.contact_ref)
                .join(Explanation, Explanation.claim_id == Claim.id)
                .where(
                    Claim.status == "open",
                    Claim.holder.is_(None),
                    Explanation.verification.is_(None),
                )
                .order_by(Claim.ref, Explanation.contact_ref)
                .limit(1)
            ).one()
            return str(row.ref), str(row.contact_ref)
    finally:
        engine.dispose()


def _pause(rng: random.Random) -> None:
    time.sleep(rng.uniform(0.1, 0.6))


def claim_delays(url: str, samples: int, seed: int = 7) -> list[float]:
    """Milliseconds from a mark (the call) to the claim screen of another app repainted."""
    from guarantee_tui.services import leases
    from guarantee_tui.services.verification import mark

    claim, contact = _unmarked(url)
    engine = make_engine(url)
    leases.take(engine, claim, ACTOR)  # the marker works the claim; the watcher looks on
    watching = Watching("claim", url, claim)
    delays: list[float] = []
    try:
        rng = random.Random(seed)
        for n in range(samples):
            _pause(rng)
            start = time.time()
            marked = mark(
                engine,
                claim,
                contact,
                "truthful" if n % 2 == 0 else None,
                agent=ACTOR,
                at=datetime.now(UTC),
            )
            delays.append((watching.shown(version=marked.version) - start) * 1000)
    finally:
        watching.close()
        engine.dispose()
    return delays


def queue_delays(url: str, samples: int, seed: int = 8) -> list[float]:
    """Milliseconds from a take or a give-back (the call) to the queue of another app
    repainted with the row's new holder."""
    from guarantee_tui.services import leases

    engine = make_engine(url)
    watching = Watching("queue", url)
    delays: list[float] = []
    try:
        shown = [ref for ref in watching.refs if leases.holder_of(engine, ref) is None]
        if not shown:
            raise RuntimeError("the watching app's queue shows no claim free to take")
        rng = random.Random(seed)
        for n in range(samples):
            ref = shown[(n // 2) % len(shown)]
            _pause(rng)
            start = time.time()
            if n % 2 == 0:
                leases.take(engine, ref, ACTOR)
                holder: str | None = ACTOR
            else:
                leases.release(engine, ref, ACTOR)
                holder = None
            at = watching.shown(ref=ref, holder=holder)
            delays.append((at - start) * 1000)
    finally:
        watching.close()
        engine.dispose()
    return delays


def main(argv: list[str]) -> int:
    if len(argv) == 5 and argv[1:3] == ["watch", "claim"]:
        return watch("claim", argv[3], argv[4])
    if len(argv) == 4 and argv[1:3] == ["watch", "queue"]:
        return watch("queue", argv[3], None)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
