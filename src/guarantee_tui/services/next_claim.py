"""After a decision, the claim to work next: the queue's first open claim in
its current order (filter and sort as the agent left them), other than the
one just decided, that nobody else holds."""

from __future__ import annotations

from sqlalchemy import Engine

from guarantee_tui.filters import QueueFilter, QueueSort
from guarantee_tui.store import queue as store

__all__ = ["after"]


def after(
    engine: Engine, claim_ref: str, f: QueueFilter, sort: QueueSort, *, agent: str | None
) -> str | None:
    """The next open claim to work after `claim_ref` (None: the queue is done)."""
    with engine.connect() as conn:
        return store.next_open(conn, f, sort, skip=claim_ref, agent=agent or "")
