"""Team figures for scripts/bench.py (and its child processes).

    python scripts/bench_team.py take DB_URL AGENT
    python scripts/bench_team.py follow DB_URL COUNT

`take`: one agent of a race. Once its imports are done and its connection
open it prints "ready" and waits for a line on stdin; then it calls
`services.leases.take_next` until the queue is empty and prints one JSON
line: how many claims it took, and when it started and finished
(time.time()).

`follow`: another agent's screen, as far as the database goes: it follows
the changes with `services.events.follow(engine)` (LISTEN/NOTIFY on
PostgreSQL, a look every half second on SQLite), prints "ready", then one
JSON line per change as `wait()` hands it over (the log entry's number and
the time.time() of that moment), until COUNT log entries have come.

The parent's functions:

- `race`: claims taken per second with N agents in N processes;
- `feed_delays`: milliseconds from an act (a mark, in the parent) to the
  follower's `wait()` returning it.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from guarantee_tui.store.engine import make_engine

WAIT_S = 1.0


def take(url: str, agent: str) -> None:
    from guarantee_tui.services.leases import take_next

    engine = make_engine(url)
    with engine.connect():
        pass  # the pool's first connection, opened before the start
    print("ready", flush=True)
    sys.stdin.readline()
    started = time.time()
    taken = 0
    while take_next(engine, agent) is not None:
        taken += 1
    print(json.dumps({"taken": taken, "started": started, "ended": time.time()}), flush=True)
    engine.dispose()


def follow(url: str, count: int) -> None:
    from guarantee_tui.services.events import follow as follow_changes

    engine = make_engine(url)
    seen = 0
    with follow_changes(engine) as feed:
        print("ready", flush=True)
        while seen < count:
            changes = feed.wait(WAIT_S)
            now = time.time()
            for change in changes:
                if change.seq is not None:
                    seen += 1
                    print(json.dumps({"seq": change.seq, "at": now}), flush=True)
    engine.dispose()


def _child(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, __file__, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def _ready(proc: subprocess.Popen[str]) -> None:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if line.strip() != "ready":
        proc.kill()
        raise RuntimeError(f"a child process failed to start (exit {proc.wait()})")


def open_claims(url: str) -> int:
    from guarantee_tui.store.models import Claim

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return len(conn.execute(select(Claim.id).where(Claim.status == "open")).all())
    finally:
        engine.dispose()


def race(url: str, agents: int) -> tuple[int, float, list[int]]:
    """Claims taken, seconds from the first start to the last finish, and each
    agent's count, with `agents` processes taking until none is left."""
    procs = [_child("take", url, f"Bench Agent {n + 1}") for n in range(agents)]
    try:
        for proc in procs:
            _ready(proc)
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        results: list[dict[str, Any]] = []
        for proc in procs:
            out, _ = proc.communicate(timeout=600)
            lines = [line for line in out.splitlines() if line.startswith("{")]
            if proc.returncode or not lines:
                raise RuntimeError(f"an agent's process failed (exit {proc.returncode})")
            results.append(json.loads(lines[-1]))
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    counts = [int(r["taken"]) for r in results]
    seconds = max(r["ended"] for r in results) - min(r["started"] for r in results)
    return sum(counts), seconds, counts


def _markable(url: str) -> tuple[str, str]:
    """An open claim and one of its explanations' contacts."""
    from guarantee_tui.store.models import Claim, Explanation

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            row = conn.execute(
                select(Claim.ref, Explanation.contact_ref)
                .join(Explanation, Explanation.claim_id == Claim.id)
                .where(Claim.status == "open", Claim.holder.is_(None))
                .order_by(Claim.ref)
                .limit(1)
            ).one()
            return row.ref, row.contact_ref
    finally:
        engine.dispose()


def feed_delays(url: str, acts: int, seed: int = 5) -> tuple[list[float], list[float]]:
    """Milliseconds from each mark made here (the call, its transaction included) to
    another process's feed handing it over, and each mark's own milliseconds.

    Counted from the call rather than from its return: the other process may
    hear of the commit before the call has returned here. The marks come one
    at a time after a random pause (a person's pace), so on SQLite they fall
    anywhere between two of the follower's looks."""
    from guarantee_tui.services.verification import mark

    claim, contact = _markable(url)
    engine = make_engine(url)
    follower = _child("follow", url, str(acts))
    seen: dict[int, float] = {}
    done = threading.Event()

    def read() -> None:
        assert follower.stdout is not None
        for line in follower.stdout:
            if line.startswith("{"):
                data = json.loads(line)
                seen[int(data["seq"])] = float(data["at"])
        done.set()

    try:
        _ready(follower)
        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        rng = random.Random(seed)
        called: dict[int, float] = {}
        own: list[float] = []
        for n in range(acts):
            time.sleep(rng.uniform(0.1, 0.6))
            start = time.time()
            marked = mark(
                engine,
                claim,
                contact,
                "truthful" if n % 2 == 0 else None,
                agent="Bench Marker",
                at=datetime.now(UTC),
            )
            own.append((time.time() - start) * 1000)
            called[marked.log_seq] = start
        if not done.wait(30):
            raise RuntimeError("the follower did not see every act within 30 s")
    finally:
        if follower.poll() is None:
            follower.kill()
        follower.wait()
        engine.dispose()
    return [(seen[seq] - at) * 1000 for seq, at in called.items()], own


def main(argv: list[str]) -> int:
    if len(argv) == 4 and argv[1] == "take":
        take(argv[2], argv[3])
        return 0
    if len(argv) == 4 and argv[1] == "follow":
        follow(argv[2], int(argv[3]))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
