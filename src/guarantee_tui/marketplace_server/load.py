"""Effects delivered per second against the local marketplace (for scripts/bench.py).

    measure_delivery(engine, effects=2000, professionals=500, latency=0.02)

queues approvals (a credit and a letter each) for `professionals`
professionals in an existing, migrated database, runs one dispatcher until
all are delivered, and reports the rate. The marketplace runs in a child
process by default, as a real one would be on another machine: in this
process it would compete with the dispatcher for the interpreter's lock.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from guarantee_tui.platform.client import MarketplaceClient
from guarantee_tui.platform.dispatcher import DEFAULT_WORKERS, Dispatcher
from guarantee_tui.services.effects import enqueue_decision_effects
from guarantee_tui.store.transactions import write_transaction

TOKEN = "bench"
LETTER = "Subject: your guarantee claim {claim}\n\nHello,\n\nYour claim is approved."


@dataclass(frozen=True, slots=True)
class DeliveryFigures:
    effects: int
    professionals: int
    latency: float
    workers: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.effects / self.seconds if self.seconds else 0.0


def queue_approvals(engine: Engine, effects: int, professionals: int) -> int:
    """Queues about `effects` effects (two per approval); returns how many."""
    at = datetime.now(UTC)
    queued = 0
    with write_transaction(engine) as conn:
        for n in range(max(1, effects // 2)):
            professional = f"BENCH-P{n % professionals:06d}"
            claim = f"BENCH-C{n:07d}-{at.timestamp():.0f}"
            queued += len(
                enqueue_decision_effects(
                    conn,
                    action="approve",
                    professional=professional,
                    claim=claim,
                    log_seq=n,
                    at=at,
                    letter_language="fr",
                    letter_text=LETTER.format(claim=claim),
                    refund_credits=100,
                )
            )
    return queued


def start_server_process(port: int, latency: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "guarantee_tui.marketplace_server",
            "--port",
            str(port),
            "--token",
            TOKEN,
            "--latency",
            str(latency),
            "--lang",
            "en",
        ],
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)),
    )
    assert proc.stdout is not None
    proc.stdout.readline()  # "Marketplace listening on ..."
    return proc


def measure_delivery(
    engine: Engine,
    *,
    effects: int = 2000,
    professionals: int = 500,
    latency: float = 0.02,
    workers: int = DEFAULT_WORKERS,
    url: str | None = None,
    port: int = 8799,
) -> DeliveryFigures:
    """Delivers `effects` queued effects against a marketplace answering after
    `latency` seconds (at `url`, else a child process on `port`)."""
    queue_approvals(engine, effects, professionals)
    server = None if url is not None else start_server_process(port, latency)
    client = MarketplaceClient(url or f"http://127.0.0.1:{port}", TOKEN, connections=workers)
    dispatcher = Dispatcher(engine, client, workers=workers, lease=timedelta(minutes=5))
    try:
        start = time.perf_counter()
        tally = dispatcher.run(max_wait=60)
        seconds = time.perf_counter() - start
    finally:
        client.close()
        if server is not None:
            server.terminate()
            server.wait()
    return DeliveryFigures(tally.delivered, professionals, latency, workers, seconds)
