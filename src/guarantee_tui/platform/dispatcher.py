"""Delivering the outbox's effects: in order per professional, in parallel across them.

A loop claims due effects (at most one per professional: the first one not
yet delivered or cancelled) with a lease, in one short transaction, and
hands each to a small pool of threads; a thread sends its effect with the
effect's own idempotency key and stored body, then records the answer in a
short transaction of its own. No transaction is open during a request.

- Delivered: the answer's id (adjustment, suspension, message) and the
  balance after a credit are stored; the professional's next effect becomes
  due at once.
- Transient failure: tried again after an exponential backoff with full
  jitter (at least `Retry-After`), without limit in time; `tries`,
  `next_try_at` and `last_error` say so meanwhile.
- Permanent failure: the effect is "failed" and its professional's queue
  stops until a supervisor retries or cancels it (services/effects.py).
- 401: every sending stops (`TokenRejected`), the effects in hand are given
  back untouched but for the error they show.

A dispatcher that dies leaves leases that expire; whoever claims the effect
then sends the same body with the same key, which the marketplace answers
with its first result. Several dispatchers (apps, `sync --watch`) can run
at once: a lease is taken by one of them only.
"""

from __future__ import annotations

import os
import random
import socket
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

from sqlalchemy import Engine

from guarantee_tui.platform.backoff import Backoff
from guarantee_tui.platform.client import (
    MarketplaceClient,
    PermanentError,
    Reply,
    TokenRejected,
    TransientError,
)
from guarantee_tui.store import outbox
from guarantee_tui.store.transactions import write_transaction

DEFAULT_LEASE: Final = timedelta(seconds=120)
DEFAULT_WORKERS: Final = 8
# Without anything due, how often to look for new effects (the app's "within
# about a second"); a wake-up (`Dispatcher.wake`) cuts it short.
IDLE_POLL: Final = 0.5
MIN_PAUSE: Final = 0.005


def utc_now() -> datetime:
    return datetime.now(UTC)


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(slots=True)
class Tally:
    """What one run did, for the command's report and the benchmark."""

    delivered: int = 0
    retried: int = 0
    failed: int = 0
    lost_leases: int = 0
    requests: int = 0

    def add(self, other: Tally) -> None:
        self.delivered += other.delivered
        self.retried += other.retried
        self.failed += other.failed
        self.lost_leases += other.lost_leases
        self.requests += other.requests


def request_for(effect: outbox.Effect) -> tuple[str, str] | str:
    """The path and body to send, or why the effect cannot be sent."""
    if effect.kind == "credit":
        return "/v1/credit-adjustments", effect.payload
    if effect.kind == "suspension":
        return "/v1/suspensions", effect.payload
    if effect.kind == "letter":
        return "/v1/messages", effect.payload
    if effect.kind == "lift":
        if effect.dependency_state != "delivered" or not effect.dependency_result:
            return "its suspension was cancelled before the marketplace answered: nothing to lift"
        from urllib.parse import quote

        return f"/v1/suspensions/{quote(effect.dependency_result, safe='')}/lift", effect.payload
    return f"unknown effect kind {effect.kind!r}"


def _answer_fields(effect: outbox.Effect, reply: Reply) -> tuple[str | None, int | None]:
    result_id = reply.data.get("id")
    balance = reply.data.get("balance_credits") if effect.kind == "credit" else None
    return (
        str(result_id) if result_id is not None else None,
        balance if isinstance(balance, int) and not isinstance(balance, bool) else None,
    )


class Dispatcher:
    def __init__(
        self,
        engine: Engine,
        client: MarketplaceClient,
        *,
        workers: int = DEFAULT_WORKERS,
        lease: timedelta = DEFAULT_LEASE,
        backoff: Backoff | None = None,
        clock: Callable[[], datetime] = utc_now,
        holder: str | None = None,
        rng: random.Random | None = None,
        idle_poll: float = IDLE_POLL,
    ) -> None:
        self.engine = engine
        self.client = client
        self.workers = workers
        self.lease = lease
        self.backoff = backoff or Backoff()
        self.clock = clock
        self.holder = holder or holder_name()
        self.idle_poll = idle_poll
        self._rng = rng or random.Random()
        self._rng_lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()

    # --- control ---------------------------------------------------------------

    def wake(self) -> None:
        """Something was just committed: look now rather than at the next poll."""
        self._wake.set()

    def stop(self) -> None:
        """Stops claiming; the requests in flight finish and are recorded."""
        self._stop.set()
        self._wake.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    # --- one effect ------------------------------------------------------------

    def _delay(self, tries: int, retry_after: float | None) -> float:
        with self._rng_lock:
            return self.backoff.delay(tries, retry_after, self._rng)

    def deliver(self, effect: outbox.Effect) -> Tally:
        """Sends one leased effect and records the answer (run in a worker thread)."""
        tally = Tally()
        request = request_for(effect)
        if isinstance(request, str):
            with write_transaction(self.engine) as conn:
                outbox.mark_failed(
                    conn, effect.id, self.holder, error=request, status=None, body=None
                )
            tally.failed += 1
            return tally
        path, body = request
        tally.requests += 1
        try:
            reply = self.client.post(path, effect.idempotency_key, body)
        except TokenRejected:
            with write_transaction(self.engine) as conn:
                outbox.release(conn, effect.id, self.holder, error="401: token rejected")
            raise
        except TransientError as exc:
            wait_s = self._delay(effect.tries, exc.retry_after)
            with write_transaction(self.engine) as conn:
                kept = outbox.mark_retrying(
                    conn,
                    effect.id,
                    self.holder,
                    next_try_at=self.clock() + timedelta(seconds=wait_s),
                    error=str(exc),
                    status=exc.status,
                )
            tally.retried += kept
            tally.lost_leases += not kept
            return tally
        except PermanentError as exc:
            error = str(exc)
            if exc.key_reused:
                error = f"{error} (idempotency key reused with another body: a bug)"
            with write_transaction(self.engine) as conn:
                kept = outbox.mark_failed(
                    conn, effect.id, self.holder, error=error, status=exc.status, body=exc.body
                )
            tally.failed += kept
            tally.lost_leases += not kept
            return tally
        result_id, balance = _answer_fields(effect, reply)
        with write_transaction(self.engine) as conn:
            kept = outbox.mark_delivered(
                conn,
                effect.id,
                self.holder,
                self.clock(),
                status=reply.status,
                body=reply.text,
                result_id=result_id,
                balance_credits=balance,
            )
        # A lost lease means another dispatcher took the effect over after it
        # expired; its answer, for the same key, is this one.
        tally.delivered += kept
        tally.lost_leases += not kept
        return tally

    # --- the loop --------------------------------------------------------------

    def claim(self, limit: int) -> list[outbox.Effect]:
        with write_transaction(self.engine) as conn:
            return outbox.claim_due(conn, self.holder, self.clock(), self.lease, limit)

    def next_due(self) -> datetime | None:
        """The earliest moment something may become due (None: nothing can)."""
        with self.engine.connect() as conn:
            return outbox.next_due(conn)

    def run(
        self,
        *,
        watch: bool = False,
        max_wait: float | None = None,
        on_progress: Callable[[Tally], None] | None = None,
    ) -> Tally:
        """Delivers what is due until nothing is left to try, or, with `watch`,
        until `stop()`.

        Without `watch`, waits for retries at most `max_wait` seconds from the
        start (None: as long as there is something to retry).
        """
        total = Tally()
        deadline = None if max_wait is None else time.monotonic() + max_wait
        in_flight: dict[Future[Tally], outbox.Effect] = {}
        rejected: TokenRejected | None = None
        with ThreadPoolExecutor(self.workers, thread_name_prefix="dispatch") as pool:
            try:
                while True:
                    # Up to two effects per worker in hand, claimed once half
                    # are done: the workers never wait for a claim.
                    if len(in_flight) <= self.workers and not self.stopping:
                        for effect in self.claim(2 * self.workers - len(in_flight)):
                            in_flight[pool.submit(self.deliver, effect)] = effect
                    if self.stopping:
                        self._give_back(in_flight)
                    if in_flight:
                        done, _ = wait(
                            in_flight, timeout=self.idle_poll, return_when=FIRST_COMPLETED
                        )
                        for future in done:
                            in_flight.pop(future)
                            try:
                                tally = future.result()
                            except TokenRejected as exc:
                                rejected = exc
                                self.stop()
                                continue
                            total.add(tally)
                            if on_progress is not None:
                                on_progress(tally)
                        continue
                    if self.stopping:
                        break
                    pause = self._pause(watch, deadline)
                    if pause is None:
                        break
                    self._wake.wait(pause)
                    self._wake.clear()
            finally:
                # Never leave with a request unrecorded: its lease would have to expire.
                for future in in_flight:
                    try:
                        total.add(future.result())
                    except TokenRejected as exc:
                        rejected = exc
        if rejected is not None:
            raise rejected
        return total

    def _give_back(self, in_flight: dict[Future[Tally], outbox.Effect]) -> None:
        """Returns the claimed effects no worker has started sending."""
        unsent = [effect for future, effect in in_flight.items() if future.cancel()]
        if not unsent:
            return
        for future in [f for f in in_flight if f.cancelled()]:
            del in_flight[future]
        with write_transaction(self.engine) as conn:
            outbox.unclaim(conn, [effect.id for effect in unsent], self.holder)

    def _pause(self, watch: bool, deadline: float | None) -> float | None:
        """How long to sleep before claiming again; None to stop."""
        due = self.next_due()
        if due is None:
            return self.idle_poll if watch else None
        wait_s = max(0.0, (due - self.clock()).total_seconds())
        if not watch and deadline is not None and time.monotonic() + wait_s > deadline:
            return None
        # Look again at least every idle_poll (another dispatcher may finish
        # early), and never spin: what is due now may be another's to send.
        return min(max(wait_s, MIN_PAUSE), self.idle_poll)
