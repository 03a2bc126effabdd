"""The dispatcher: every effect applied exactly once, in order per professional,
through faults, killed dispatchers and two dispatchers at once; failures shown
and handled by a supervisor. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from guarantee_tui.marketplace_server import Faults, Marketplace, MarketplaceServer
from guarantee_tui.platform.backoff import Backoff
from guarantee_tui.platform.client import MarketplaceClient, TokenRejected
from guarantee_tui.platform.dispatcher import Dispatcher
from guarantee_tui.services.agents import set_role
from guarantee_tui.services.effects import (
    EffectSettled,
    cancel_effect,
    effects_of_claim,
    failed_or_stuck,
    remaining,
    retry_effect,
)
from guarantee_tui.store import outbox
from guarantee_tui.store.log import iter_entries
from guarantee_tui.store.models import OutboxMessage
from guarantee_tui.store.transactions import write_transaction
from tests.platform.conftest import TOKEN
from tests.platform.history import AT, Expected, act, random_history

FAST = Backoff(base=0.001, cap=0.01)


def dispatcher(
    engine: Engine,
    url: str,
    *,
    timeout: float = 5.0,
    clock: Callable[[], datetime] | None = None,
    workers: int = 4,
) -> Dispatcher:
    client = MarketplaceClient(url, TOKEN, timeout=timeout, connections=workers)
    return Dispatcher(
        engine,
        client,
        workers=workers,
        backoff=FAST,
        idle_poll=0.02,
        clock=clock or (lambda: datetime.now(UTC)),
        rng=random.Random(3),
    )


def run(engine: Engine, url: str, **kwargs: object) -> None:
    worker = dispatcher(engine, url, **kwargs)  # type: ignore[arg-type]
    try:
        worker.run(max_wait=20)
    finally:
        worker.client.close()


def states(engine: Engine) -> Counter[str]:
    with engine.connect() as conn:
        return Counter(conn.execute(select(OutboxMessage.state)).scalars())


def check_end_state(engine: Engine, marketplace: Marketplace, expected: Expected) -> None:
    assert states(engine) == Counter({"delivered": expected.effects})
    assert marketplace.key_conflicts == []
    keys = [applied.key for applied in marketplace.applied]
    assert len(keys) == len(set(keys)) == expected.effects, "an effect was applied twice"
    balances = {p: b for p, b in marketplace.balances.items() if b}
    assert balances == {p: b for p, b in expected.balances.items() if b}
    suspensions: dict[str, list[bool]] = defaultdict(list)
    for suspension in sorted(marketplace.suspensions.values(), key=lambda s: int(s.id[5:])):
        suspensions[suspension.claim].append(suspension.active)
    assert suspensions == expected.suspensions
    assert Counter(m["claim"] for m in marketplace.messages) == expected.letters
    # Per professional, the marketplace applied the effects in the order of the acts.
    with engine.connect() as conn:
        rows = conn.execute(
            select(OutboxMessage.professional, OutboxMessage.idempotency_key).order_by(
                OutboxMessage.id
            )
        ).all()
    queued: dict[str, list[str]] = defaultdict(list)
    for professional, key in rows:
        queued[professional].append(key)
    applied: dict[str, list[str]] = defaultdict(list)
    for a in marketplace.applied:
        applied[a.professional].append(a.key)
    assert applied == queued


CHILD = """
import sys
from datetime import timedelta
from guarantee_tui.platform.backoff import Backoff
from guarantee_tui.platform.client import MarketplaceClient
from guarantee_tui.platform.dispatcher import Dispatcher
from guarantee_tui.store.engine import make_engine

engine = make_engine(sys.argv[1])
client = MarketplaceClient(sys.argv[2], sys.argv[3], timeout=float(sys.argv[4]), connections=4)
Dispatcher(
    engine, client, workers=4, backoff=Backoff(base=0.001, cap=0.01), idle_poll=0.02,
    lease=timedelta(seconds=30),
).run(max_wait=30)
"""


class Killer:
    """Kills the dispatcher process that sent the n-th request, at a chosen point."""

    def __init__(self) -> None:
        self.pid: int | None = None
        self.at: tuple[int, str] | None = None
        self.killed = threading.Event()

    def __call__(self, number: int, phase: str) -> None:
        if self.pid is not None and (number, phase) == self.at and not self.killed.is_set():
            self.killed.set()
            os.kill(self.pid, signal.SIGKILL)


def run_child(db_url: str, server: MarketplaceServer, killer: Killer, at: tuple[int, str]) -> int:
    killer.killed.clear()
    killer.at = (server.requests + at[0], at[1])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, db_url, server.url, TOKEN, "0.1"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    killer.pid = proc.pid
    _, err = proc.communicate()
    killer.pid = None
    assert proc.returncode in (0, -signal.SIGKILL), err
    return proc.returncode


@pytest.fixture
def faulty() -> Iterator[tuple[Marketplace, MarketplaceServer, Killer]]:
    marketplace = Marketplace(TOKEN)
    killer = Killer()
    faults = Faults(fail_before=0.1, drop_after=0.1, slow=0.1, slow_latency=0.15, retry_after=0)
    server = MarketplaceServer(marketplace, faults, seed=11, on_request=killer).start()
    yield marketplace, server, killer
    server.stop()


def test_exactly_once_in_order_through_faults_kills_and_two_dispatchers(
    db_url: str, engine: Engine, faulty: tuple[Marketplace, MarketplaceServer, Killer]
) -> None:
    marketplace, server, killer = faulty
    rng = random.Random(2026)
    expected = random_history(engine, rng, professionals=50)
    assert expected.effects >= 200
    # Killed once right after the marketplace applied a request (its answer is
    # lost with the process), once as a request arrives.
    first = run_child(db_url, server, killer, (rng.randint(5, 40), "after"))
    second = run_child(db_url, server, killer, (rng.randint(5, 40), "before"))
    assert -signal.SIGKILL in (first, second)
    with engine.connect() as conn:
        abandoned = conn.execute(
            select(OutboxMessage.id).where(OutboxMessage.state == "sending")
        ).all()
    assert abandoned, "the killed dispatchers left leases behind"

    # Two dispatchers at once take over once the dead ones' leases expired.
    def later() -> datetime:
        return datetime.now(UTC) + timedelta(seconds=60)

    shifted = [dispatcher(engine, server.url, timeout=0.1, clock=later) for _ in range(2)]
    errors: list[BaseException] = []

    def work(d: Dispatcher) -> None:
        try:
            d.run(max_wait=30)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(d,)) for d in shifted]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for d in shifted:
        d.client.close()
    assert errors == []
    check_end_state(engine, marketplace, expected)


# --- answers, order and dependencies -----------------------------------------


def test_answers_are_stored_and_a_reopening_follows_its_decision(
    engine: Engine, server: MarketplaceServer, marketplace: Marketplace
) -> None:
    expected = Expected()
    act(engine, expected, 1, "approve", "PRO-1", "CLM-1", 240)
    act(engine, expected, 2, "reopen_approved", "PRO-1", "CLM-1", 240)
    act(engine, expected, 3, "suspend", "PRO-2", "CLM-2")
    act(engine, expected, 4, "reopen_suspended", "PRO-2", "CLM-2")
    act(engine, expected, 5, "reject", "PRO-3", "CLM-3")
    run(engine, server.url)
    check_end_state(engine, marketplace, expected)

    credit, letter, reversal = effects_of_claim(engine, "CLM-1")
    assert (credit.kind, credit.balance_credits, credit.response_status) == ("credit", 240, 201)
    assert credit.result_id is not None and credit.result_id.startswith("adj_")
    assert (reversal.kind, reversal.balance_credits) == ("credit", 0)
    assert json.loads(reversal.payload)["reason"] == "guarantee_refund_reversal"
    assert letter.kind == "letter" and letter.result_id is not None
    assert letter.result_id.startswith("msg_")
    assert all(e.state == "delivered" and e.delivered_at is not None for e in (credit, reversal))

    suspension, _letter, lift = effects_of_claim(engine, "CLM-2")
    assert suspension.result_id is not None
    assert lift.depends_on == suspension.id and lift.result_id == suspension.result_id
    assert marketplace.suspensions[suspension.result_id].active is False
    (message,) = [m for m in marketplace.messages if m["claim"] == "CLM-3"]
    assert message["subject"] == "your guarantee claim CLM-3"
    assert message["body"].startswith("Hello PRO-3,")
    assert remaining(engine) == []


def test_a_lift_waits_for_its_suspension_and_fails_when_it_was_cancelled(
    engine: Engine, server: MarketplaceServer, marketplace: Marketplace
) -> None:
    expected = Expected()
    act(engine, expected, 1, "suspend", "PRO-1", "CLM-1")
    act(engine, expected, 2, "reopen_suspended", "PRO-1", "CLM-1")
    now = datetime.now(UTC)
    with write_transaction(engine) as conn:
        claimed = outbox.claim_due(conn, "me", now, timedelta(seconds=30), 10)
    assert [e.kind for e in claimed] == ["suspension"]  # neither the letter nor the lift
    with write_transaction(engine) as conn:
        assert outbox.claim_due(conn, "other", now, timedelta(seconds=30), 10) == []
        outbox.set_cancelled(conn, claimed[0].id)
    with write_transaction(engine) as conn:
        (letter,) = outbox.claim_due(conn, "me", now, timedelta(seconds=30), 10)
        assert letter.kind == "letter"
        outbox.set_cancelled(conn, letter.id)
    run(engine, server.url)
    lift = effects_of_claim(engine, "CLM-1")[-1]
    assert lift.state == "failed" and "nothing to lift" in (lift.last_error or "")
    assert marketplace.applied == []


def test_a_permanent_failure_stops_only_that_professionals_queue_until_a_supervisor_acts(
    engine: Engine, server: MarketplaceServer, marketplace: Marketplace
) -> None:
    marketplace.professionals = {"PRO-2"}
    expected = Expected()
    act(engine, expected, 1, "approve", "PRO-1", "CLM-1", 100)
    act(engine, expected, 2, "approve", "PRO-2", "CLM-2", 50)
    run(engine, server.url)
    credit, letter = effects_of_claim(engine, "CLM-1")
    assert credit.state == "failed" and credit.response_status == 404
    assert "unknown_professional" in (credit.last_error or "")
    assert letter.state == "pending" and letter.tries == 0  # never sent after a failure
    assert [e.state for e in effects_of_claim(engine, "CLM-2")] == ["delivered", "delivered"]
    assert [e.id for e in failed_or_stuck(engine)] == [credit.id]
    assert [e.id for e in remaining(engine)] == [credit.id]

    set_role(engine, "Sofia", "supervisor", AT)
    with pytest.raises(Exception, match="supervisor"):
        retry_effect(engine, credit.id, agent="Ana", at=AT)
    marketplace.professionals.add("PRO-1")
    retried = retry_effect(engine, credit.id, agent="Sofia", at=datetime.now(UTC))
    assert retried.state == "retrying"
    run(engine, server.url)
    assert [e.state for e in effects_of_claim(engine, "CLM-1")] == ["delivered", "delivered"]
    assert marketplace.balances == {"PRO-1": 100, "PRO-2": 50}
    with pytest.raises(EffectSettled):
        cancel_effect(engine, credit.id, reason="too late", agent="Sofia", at=AT)


def test_a_cancelled_effect_is_logged_and_unblocks_the_queue(
    engine: Engine, server: MarketplaceServer, marketplace: Marketplace
) -> None:
    marketplace.professionals = set()
    expected = Expected()
    act(engine, expected, 1, "reject", "PRO-1", "CLM-1")
    act(engine, expected, 2, "approve", "PRO-1", "CLM-9", 70)
    run(engine, server.url)
    (letter,) = effects_of_claim(engine, "CLM-1")
    assert letter.state == "failed"
    set_role(engine, "Sofia", "supervisor", AT)
    cancelled = cancel_effect(
        engine, letter.id, reason="the professional left", agent="Sofia", at=AT
    )
    assert cancelled.state == "cancelled"
    with engine.connect() as conn:
        (entry,) = [e for e in iter_entries(conn) if e.action == "cancel_effect"]
    assert (entry.agent, entry.claim_ref, entry.reason) == (
        "Sofia",
        "CLM-1",
        "the professional left",
    )
    assert json.loads(entry.details or "{}")["effect"] == letter.id
    marketplace.professionals = {"PRO-1"}
    run(engine, server.url)
    assert [e.state for e in effects_of_claim(engine, "CLM-9")] == ["delivered", "delivered"]
    assert remaining(engine) == []


# --- failures that are not the effect's ---------------------------------------


def test_transient_failures_are_retried_visibly_and_retry_after_is_honoured(
    engine: Engine, server: MarketplaceServer, marketplace: Marketplace
) -> None:
    expected = Expected()
    act(engine, expected, 1, "reject", "PRO-1", "CLM-1")
    server.faults.fail_before = 1.0
    server.faults.retry_after = 120
    before = datetime.now(UTC)
    worker = dispatcher(engine, server.url)
    worker.run(max_wait=0)
    worker.client.close()
    (letter,) = effects_of_claim(engine, "CLM-1")
    assert (letter.state, letter.tries, letter.response_status) == ("retrying", 1, 503)
    assert letter.last_error is not None and letter.last_error.startswith("503 unavailable")
    assert letter.next_try_at is not None
    assert letter.next_try_at >= before + timedelta(seconds=120)
    assert [e.id for e in failed_or_stuck(engine, before + timedelta(hours=1))] == [letter.id]
    # Nothing is due before the marketplace said: a second run sends nothing.
    requests = server.requests
    run(engine, server.url)
    assert server.requests == requests
    server.faults.fail_before = 0.0
    set_role(engine, "Sofia", "supervisor", AT)
    retry_effect(engine, letter.id, agent="Sofia", at=datetime.now(UTC))
    run(engine, server.url)
    assert [e.state for e in effects_of_claim(engine, "CLM-1")] == ["delivered"]


def test_a_rejected_token_stops_everything_and_fails_nothing(
    engine: Engine, server: MarketplaceServer, marketplace: Marketplace
) -> None:
    expected = Expected()
    for n in range(6):
        act(engine, expected, n, "reject", f"PRO-{n}", f"CLM-{n}")
    server.faults.refuse_token = True
    worker = dispatcher(engine, server.url)
    with pytest.raises(TokenRejected) as info:
        worker.run(max_wait=5)
    worker.client.close()
    assert "token rejected (401)" in str(info.value)
    assert TOKEN not in str(info.value)
    assert states(engine)["failed"] == 0
    assert states(engine)["sending"] == 0  # nothing left leased
    assert all(e.last_error in (None, "401: token rejected") for e in remaining(engine))
    server.faults.refuse_token = False
    run(engine, server.url)
    check_end_state(engine, marketplace, expected)


def test_a_key_reused_with_another_body_is_a_failure_shown_as_a_bug(
    engine: Engine, server: MarketplaceServer, marketplace: Marketplace
) -> None:
    expected = Expected()
    act(engine, expected, 1, "reject", "PRO-1", "CLM-1")
    (letter,) = effects_of_claim(engine, "CLM-1")
    client = MarketplaceClient(server.url, TOKEN)
    client.send_message(
        letter.idempotency_key,
        {"professional": "PRO-1", "claim": "CLM-1", "language": "fr", "subject": "s", "body": "b"},
    )
    client.close()
    run(engine, server.url)
    (letter,) = effects_of_claim(engine, "CLM-1")
    assert letter.state == "failed" and letter.response_status == 409
    assert "reused" in (letter.last_error or "")


def test_stopping_gives_back_what_was_claimed_but_not_sent(
    engine: Engine, server: MarketplaceServer
) -> None:
    expected = Expected()
    for n in range(30):
        act(engine, expected, n, "reject", f"PRO-{n}", f"CLM-{n}")
    worker = dispatcher(engine, server.url, workers=2)
    sent: list[int] = []

    def progress(_tally: object) -> None:
        sent.append(1)
        worker.stop()

    worker.run(watch=True, on_progress=progress)
    worker.client.close()
    counts = states(engine)
    assert counts["sending"] == 0
    assert counts["delivered"] >= 1 and counts["pending"] >= 30 - 4
    assert counts["delivered"] + counts["pending"] == 30


def test_the_benchmarks_delivery_measure_counts_what_it_delivered(sqlite_path: Path) -> None:
    from guarantee_tui.marketplace_server.load import TOKEN as BENCH_TOKEN
    from guarantee_tui.marketplace_server.load import measure_delivery
    from guarantee_tui.store.engine import make_engine

    marketplace = Marketplace(BENCH_TOKEN)
    server = MarketplaceServer(marketplace).start()
    engine = make_engine(str(sqlite_path))
    try:
        figures = measure_delivery(
            engine, effects=40, professionals=7, latency=0.0, workers=4, url=server.url
        )
    finally:
        server.stop()
        engine.dispose()
    assert (figures.effects, figures.workers) == (40, 4)
    assert figures.per_second > 0
    assert len(marketplace.messages) == 20 and sum(marketplace.balances.values()) == 20 * 100
