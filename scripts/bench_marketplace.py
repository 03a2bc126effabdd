"""Marketplace figures for scripts/bench.py (and its child process).

    python scripts/bench_marketplace.py serve PORT TEMPLATE COUNT

serves, as the local marketplace (`guarantee_tui.marketplace_server`), a
/v1/changes feed of COUNT professionals made from the case file TEMPLATE:
record i is the template's record i mod len(TEMPLATE) with every ref given
the suffix "-<i div len(TEMPLATE)>", so all are distinct professionals.
They are made page by page as the feed is read, so a feed of 100,000 costs
the memory of the template only. It prints one line when it listens.

The parent's functions, each against a marketplace in a child process (as a
real one would be, on another machine: in the measuring process it would
compete for the interpreter's lock):

- `delivery`: effects per second delivered by one dispatcher (load.py);
  `bare_http`: the same requests posted by as many threads with no database,
  the floor of the client and the server together, measured in the same run;
- `acknowledgments`: a decision's commit to the marketplace's answer recorded,
  through the dispatcher the app runs (ui/link.py), woken or polling;
- `pull_rate`: `services.pull.pull` of COUNT changed professionals.
"""

from __future__ import annotations

import io
import json
import random
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, cast, overload

from sqlalchemy import select

from guarantee_tui.marketplace_server.load import (
    TOKEN,
    DeliveryFigures,
    measure_delivery,
    queue_approvals,
    start_server_process,
)
from guarantee_tui.platform.client import MarketplaceClient
from guarantee_tui.platform.dispatcher import DEFAULT_WORKERS
from guarantee_tui.platform.settings import MarketplaceSettings
from guarantee_tui.services.effects import dispatcher as app_dispatcher
from guarantee_tui.services.effects import enqueue_decision_effects
from guarantee_tui.store import outbox
from guarantee_tui.store.engine import make_engine
from guarantee_tui.store.models import OutboxMessage
from guarantee_tui.store.transactions import write_transaction

PATHS = {"credit": "/v1/credit-adjustments", "letter": "/v1/messages"}
LETTER = "Subject: your guarantee claim {claim}\n\nHello,\n\nYour claim is approved."
# How long one decision may wait for its answers before the run is called off.
ACK_DEADLINE_S = 30.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def marketplace(latency: float) -> Iterator[str]:
    """The local marketplace in a child process; yields its URL."""
    port = free_port()
    server = start_server_process(port, latency)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait()


# --- effects per second -----------------------------------------------------------------


def delivery(url: str, effects: int, professionals: int, latency: float) -> DeliveryFigures:
    engine = make_engine(url)
    try:
        return measure_delivery(
            engine,
            effects=effects,
            professionals=professionals,
            latency=latency,
            port=free_port(),
        )
    finally:
        engine.dispose()


def bare_http(effects: int, professionals: int, latency: float) -> float:
    """Effects per second for the same requests posted by DEFAULT_WORKERS threads,
    without a database or any ordering: what the client and server allow."""
    from bench_backends import scratch_database

    # The requests' bodies and keys, as the decisions would queue them.
    with scratch_database("sqlite", "bodies") as db_url:
        engine = make_engine(db_url)
        try:
            queue_approvals(engine, effects, professionals)
            with engine.connect() as conn:
                rows = conn.execute(
                    select(OutboxMessage.kind, OutboxMessage.idempotency_key, OutboxMessage.payload)
                    .where(OutboxMessage.kind.in_(PATHS))
                    .order_by(OutboxMessage.id)
                ).all()
        finally:
            engine.dispose()
    with marketplace(latency) as base:
        client = MarketplaceClient(base, TOKEN, connections=DEFAULT_WORKERS)
        try:
            with ThreadPoolExecutor(DEFAULT_WORKERS) as pool:
                start = time.perf_counter()
                answered = sum(
                    1 for _ in pool.map(lambda r: client.post(PATHS[r.kind], r[1], r.payload), rows)
                )
                seconds = time.perf_counter() - start
        finally:
            client.close()
    return answered / seconds


# --- a decision's commit to its acknowledgment --------------------------------------------


@dataclass(slots=True)
class _Acks:
    """When each claim's effects were all answered and recorded."""

    expected: dict[str, int]
    done: dict[str, float]
    lock: threading.Lock
    changed: threading.Condition

    @classmethod
    def new(cls) -> _Acks:
        lock = threading.Lock()
        return cls({}, {}, lock, threading.Condition(lock))


def acknowledgments(url: str, decisions: int, latency: float, *, woken: bool) -> list[float]:
    """Milliseconds from each decision's commit to the last of its effects recorded
    as delivered, through the dispatcher as ui/link.py runs it.

    `woken`: the app calls `wake()` right after its own decision (ui/link.py);
    otherwise the decision is someone else's (another app, the command line)
    and the dispatcher finds it at its next look, every half second. The
    decisions come one at a time, after a random pause, as a person makes
    them, so they fall anywhere between two looks."""
    from guarantee_tui.ui.link import REQUEST_TIMEOUT, SENDERS

    engine = make_engine(url)
    acks = _Acks.new()
    rng = random.Random(11)
    times: list[float] = []
    with marketplace(latency) as base:
        settings = MarketplaceSettings(url=base, token=TOKEN)
        worker = app_dispatcher(engine, settings, workers=SENDERS, timeout=REQUEST_TIMEOUT)
        deliver = worker.deliver

        def timed(effect: outbox.Effect) -> Any:
            tally = deliver(effect)
            answered = time.perf_counter()
            with acks.changed:
                if tally.delivered and effect.claim in acks.expected:
                    acks.expected[effect.claim] -= 1
                    if acks.expected[effect.claim] == 0:
                        acks.done[effect.claim] = answered
                        acks.changed.notify_all()
            return tally

        worker.deliver = timed  # type: ignore[method-assign]
        runner = threading.Thread(target=worker.run, kwargs={"watch": True}, daemon=True)
        runner.start()
        try:
            for n in range(decisions):
                time.sleep(rng.uniform(0.05, 0.5))
                claim = f"ACK-{'W' if woken else 'P'}{n:05d}-{time.time():.0f}"
                at = datetime.now(UTC)
                with acks.changed:
                    acks.expected[claim] = 2
                with write_transaction(engine) as conn:
                    enqueue_decision_effects(
                        conn,
                        action="approve",
                        professional=f"ACK-P{n % 50:03d}",
                        claim=claim,
                        log_seq=n,
                        at=at,
                        letter_language="fr",
                        letter_text=LETTER.format(claim=claim),
                        refund_credits=100,
                    )
                committed = time.perf_counter()
                if woken:
                    worker.wake()
                with acks.changed:
                    if not acks.changed.wait_for(
                        partial(acks.done.__contains__, claim), ACK_DEADLINE_S
                    ):
                        raise RuntimeError(f"no acknowledgment for {claim} in {ACK_DEADLINE_S} s")
                    times.append((acks.done[claim] - committed) * 1000)
        finally:
            worker.stop()
            runner.join()
            worker.client.close()
            engine.dispose()
    return times


# --- pull ---------------------------------------------------------------------------------


def _renamed(record: dict[str, Any], suffix: str) -> dict[str, Any]:
    """The record with every ref (and every reference to one) given `suffix`."""
    if not suffix:
        return record

    def ref(value: str | None) -> str | None:
        return None if value is None else value + suffix

    out = dict(record, ref=record["ref"] + suffix)
    out["contact_purchases"] = [
        dict(p, ref=p["ref"] + suffix) for p in record.get("contact_purchases", [])
    ]
    out["reviews"] = [
        dict(r, ref=r["ref"] + suffix, contact_ref=ref(r.get("contact_ref")))
        for r in record.get("reviews", [])
    ]
    out["claims"] = [
        dict(
            c,
            ref=c["ref"] + suffix,
            explanations=[
                dict(e, contact_ref=e["contact_ref"] + suffix) for e in c.get("explanations", [])
            ],
        )
        for c in record.get("claims", [])
    ]
    return out


class Copies(Sequence[dict[str, Any]]):
    """`count` distinct professionals made from the template's, on demand."""

    def __init__(self, template: list[dict[str, Any]], count: int) -> None:
        self.template, self.size = template, count

    def __len__(self) -> int:
        return self.size

    def _one(self, i: int) -> dict[str, Any]:
        rounds, at = divmod(i, len(self.template))
        return _renamed(self.template[at], f"-{rounds}" if rounds else "")

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, slice):
            return [self._one(i) for i in range(*index.indices(self.size))]
        if not -self.size <= index < self.size:
            raise IndexError(index)
        return self._one(index % self.size)


def serve(port: int, template: Path, count: int) -> None:
    from guarantee_tui.marketplace_server.server import MarketplaceServer
    from guarantee_tui.marketplace_server.state import Marketplace

    records = json.loads(template.read_text(encoding="utf-8"))["professionals"]
    market = Marketplace(TOKEN)
    # The feed is read, never appended to, while it is served.
    market.changes = cast(list[dict[str, Any]], Copies(records, count))
    server = MarketplaceServer(market, port=port)
    print(f"listening on {server.url}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()


def template_case_file(path: Path, professionals: int, work: Path) -> None:
    """A case file of `professionals` generated ones (the seed's data), exported."""
    from guarantee_tui.services.case_files.exporter import export_case_file
    from guarantee_tui.services.seed import SeedOptions, seed_database

    db = work / "template.db"
    seed_database(str(db), SeedOptions(professionals=professionals, replace=True))
    engine = make_engine(str(db))
    try:
        out = io.StringIO()
        export_case_file(engine, out)
    finally:
        engine.dispose()
    path.write_text(out.getvalue(), encoding="utf-8")


@dataclass(frozen=True, slots=True)
class PullFigures:
    professionals: int
    pages: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.professionals / self.seconds if self.seconds else 0.0


def pull_rate(db_url: str, template: Path, count: int) -> PullFigures:
    """`pull` (as the command runs it) of `count` changed professionals into db_url."""
    from guarantee_tui.services.pull import pull

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, __file__, "serve", str(port), str(template), str(count)],
        stdout=subprocess.PIPE,
        text=True,
    )
    engine = make_engine(db_url)
    try:
        assert server.stdout is not None
        server.stdout.readline()
        settings = MarketplaceSettings(url=f"http://127.0.0.1:{port}", token=TOKEN)
        start = time.perf_counter()
        report = pull(engine, settings, max_wait=60)
        seconds = time.perf_counter() - start
        applied = report.totals.professionals
        return PullFigures(applied.new + applied.updated + applied.unchanged, report.pages, seconds)
    finally:
        engine.dispose()
        server.terminate()
        server.wait()


def main(argv: list[str]) -> int:
    if len(argv) == 5 and argv[1] == "serve":
        serve(int(argv[2]), Path(argv[3]), int(argv[4]))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
