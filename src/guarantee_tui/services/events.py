"""Other agents' acts as they happen, for screens that show them live.

`follow(engine)` gives a feed whose `wait(timeout)` returns the changes (a
log entry: a mark, a decision, a reopening, a review…; a claim taken or
given back) that came since the last call, waiting at most `timeout`
seconds for one. On PostgreSQL the database announces them (LISTEN/NOTIFY):
they come within milliseconds. On SQLite the feed asks the log and the
lease events what is newer than what it saw, every `poll_every` seconds.
Use one feed per worker thread and close it when done. Setting the `stop`
event it was given (or closing it) ends a wait at once: an app that quits
does not wait out the rest of a poll for its follower thread.
"""

from __future__ import annotations

import threading
from types import TracebackType

from sqlalchemy import Engine

from guarantee_tui.store import events as store
from guarantee_tui.store.events import Change

__all__ = ["Change", "Feed", "follow"]


class Feed:
    def __init__(
        self, engine: Engine, poll_every: float = 0.5, stop: threading.Event | None = None
    ) -> None:
        self._engine = engine
        self._poll_every = poll_every
        self._closed = threading.Event()
        # What a wait wakes on: the caller's stop event, or the feed's closing.
        self._stopped = stop if stop is not None else self._closed
        self._listener: store.Listener | None = None
        if engine.dialect.name == "postgresql":
            self._listener = store.Listener(engine)
        else:
            with engine.connect() as conn:
                self._mark = store.mark(conn)

    def wait(self, timeout: float) -> list[Change]:
        """The changes since the last call, waiting up to `timeout` seconds for one."""
        if self._listener is not None:
            return self._listener.wait(timeout, self._stopped)
        remaining = timeout
        while True:
            with self._engine.connect() as conn:
                changes, self._mark = store.since(conn, self._mark)
            if changes or remaining <= 0 or self._stopped.is_set() or self._closed.is_set():
                return changes
            step = min(self._poll_every, remaining)
            # Wakes early when the feed is stopped from another thread.
            self._stopped.wait(step)
            remaining -= step

    def close(self) -> None:
        self._closed.set()
        if self._listener is not None:
            self._listener.close()
            self._listener = None

    def __enter__(self) -> Feed:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def follow(engine: Engine, *, poll_every: float = 0.5, stop: threading.Event | None = None) -> Feed:
    """A feed of the changes from now on (see the module's docstring)."""
    return Feed(engine, poll_every, stop)
