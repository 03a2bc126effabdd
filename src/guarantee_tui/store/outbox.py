"""The outbox: effects for the marketplace's API, and where `pull` stopped.

An act writes its effects here in its own transaction (`enqueue`), each with
an idempotency key chosen then, so an effect exists if and only if its act
does. A dispatcher (platform/dispatcher.py) then works in short
transactions of its own, never across an HTTP call:

1. `claim_due` leases the first undelivered effect of each professional
   that is due (FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite's write lock,
   taken by BEGIN IMMEDIATE, serialises claimers). A professional's later
   effects wait while an earlier one is anything but delivered or
   cancelled: a failed effect stops the professional's queue.
2. The request is sent without any transaction open.
3. `mark_delivered`, `mark_retrying` or `mark_failed` records the answer,
   only while the lease is still the dispatcher's own.

A dispatcher killed between 1 and 3 leaves a lease that expires; the next
claimer sends the same body with the same key, and the marketplace answers
with its first result.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import Connection, Row, and_, case, func, insert, or_, select, update
from sqlalchemy.orm import aliased

from guarantee_tui.store.log import canonical_json
from guarantee_tui.store.models import MarketplaceCursor, OutboxMessage

KINDS: Final = ("credit", "suspension", "lift", "letter")
STATES: Final = ("pending", "sending", "delivered", "retrying", "failed", "cancelled")
# An effect in one of these no longer holds its professional's queue back.
SETTLED: Final = ("delivered", "cancelled")
CLAIMABLE: Final = ("pending", "retrying", "sending")

_T = OutboxMessage.__table__
_EARLIER = aliased(OutboxMessage, name="earlier")
_DEPENDENCY = aliased(OutboxMessage, name="dependency")


@dataclass(frozen=True, slots=True)
class Effect:
    id: int
    professional: str
    claim: str | None
    log_seq: int | None
    kind: str
    idempotency_key: str
    payload: str
    depends_on: int | None
    state: str
    tries: int
    next_try_at: datetime | None
    last_error: str | None
    lease_holder: str | None
    lease_until: datetime | None
    response_status: int | None
    response_body: str | None
    result_id: str | None
    balance_credits: int | None
    created_at: datetime
    delivered_at: datetime | None
    # Filled by `claim_due` for a lift: its suspension's state and id.
    dependency_state: str | None = None
    dependency_result: str | None = None


_COLUMNS: Final = (
    OutboxMessage.id,
    OutboxMessage.professional,
    OutboxMessage.claim,
    OutboxMessage.log_seq,
    OutboxMessage.kind,
    OutboxMessage.idempotency_key,
    OutboxMessage.payload,
    OutboxMessage.depends_on,
    OutboxMessage.state,
    OutboxMessage.tries,
    OutboxMessage.next_try_at,
    OutboxMessage.last_error,
    OutboxMessage.lease_holder,
    OutboxMessage.lease_until,
    OutboxMessage.response_status,
    OutboxMessage.response_body,
    OutboxMessage.result_id,
    OutboxMessage.balance_credits,
    OutboxMessage.created_at,
    OutboxMessage.delivered_at,
)


def _effect(row: Row[Any] | Any) -> Effect:
    return Effect(**row._mapping)


def new_key(kind: str) -> str:
    """An idempotency key: chosen once per intended effect, never derived from its body."""
    return f"gtui-{kind}-{uuid.uuid4()}"


def add_effect(
    conn: Connection,
    *,
    kind: str,
    professional: str,
    claim: str | None,
    payload: Mapping[str, Any],
    at: datetime,
    log_seq: int | None = None,
    depends_on: int | None = None,
    key: str | None = None,
) -> tuple[int, str]:
    """Adds an effect in the caller's transaction; returns its id and idempotency key."""
    if kind not in KINDS:
        raise ValueError(f"unknown effect kind {kind!r}")
    if (kind == "lift") != (depends_on is not None):
        raise ValueError("a lift, and only a lift, depends on its suspension")
    key = key or new_key(kind)
    effect_id = conn.execute(
        insert(OutboxMessage)
        .values(
            kind=kind,
            professional=professional,
            claim=claim,
            log_seq=log_seq,
            idempotency_key=key,
            payload=canonical_json(dict(payload)),
            depends_on=depends_on,
            state="pending",
            tries=0,
            created_at=at,
        )
        .returning(OutboxMessage.id)
    ).scalar_one()
    return int(effect_id), key


def latest_of_claim(conn: Connection, claim: str, kind: str) -> Effect | None:
    """The claim's newest effect of `kind` that was not cancelled (a lift's suspension)."""
    row = conn.execute(
        select(*_COLUMNS)
        .where(
            OutboxMessage.claim == claim,
            OutboxMessage.kind == kind,
            OutboxMessage.state != "cancelled",
        )
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    ).first()
    return None if row is None else _effect(row)


# --- the dispatcher's side ----------------------------------------------------


def claim_due(
    conn: Connection,
    holder: str,
    now: datetime,
    lease: timedelta,
    limit: int,
    *,
    skip_professionals: Sequence[str] = (),
) -> list[Effect]:
    """Leases up to `limit` due effects, at most one per professional, oldest first.

    Call it in a write transaction (store.transactions.write_transaction)
    and commit before sending anything.
    """
    # Walk the queue in id order from its first claimable effect and stop at
    # `limit` heads. SQLite would otherwise pick the state index and sort every
    # candidate first: `state || ''` keeps it on the primary key.
    state = OutboxMessage.state if conn.dialect.name == "postgresql" else OutboxMessage.state + ""
    first = (
        select(func.min(OutboxMessage.id))
        .where(OutboxMessage.state.in_(CLAIMABLE))
        .scalar_subquery()
    )
    stmt = (
        select(
            *_COLUMNS,
            _DEPENDENCY.state.label("dependency_state"),
            _DEPENDENCY.result_id.label("dependency_result"),
        )
        .outerjoin(_DEPENDENCY, _DEPENDENCY.id == OutboxMessage.depends_on)
        .where(
            state.in_(CLAIMABLE),
            OutboxMessage.id >= first,
            _is_head(),
            or_(OutboxMessage.next_try_at.is_(None), OutboxMessage.next_try_at <= now),
            or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until <= now),
            # A lift waits for its suspension's answer (the suspension id).
            or_(
                OutboxMessage.depends_on.is_(None),
                _DEPENDENCY.state.in_(SETTLED),
            ),
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if skip_professionals:
        stmt = stmt.where(OutboxMessage.professional.not_in(list(skip_professionals)))
    if conn.dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True, of=OutboxMessage)
    rows = conn.execute(stmt).all()
    if not rows:
        return []
    until = now + lease
    ids = [row.id for row in rows]
    conn.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids))
        .values(
            state="sending",
            lease_holder=holder,
            lease_until=until,
            tries=OutboxMessage.tries + 1,
        )
    )
    return [
        Effect(
            **{
                **row._mapping,
                "state": "sending",
                "lease_holder": holder,
                "lease_until": until,
                "tries": row.tries + 1,
            }
        )
        for row in rows
    ]


def _leased(effect_id: int, holder: str) -> Any:
    return and_(
        OutboxMessage.id == effect_id,
        OutboxMessage.lease_holder == holder,
        OutboxMessage.state == "sending",
    )


def _settle_lease(conn: Connection, effect_id: int, holder: str, **values: Any) -> bool:
    """Ends a lease with the effect's new state; False when the lease was lost
    meanwhile (expired and taken by another dispatcher), so the answer is not
    recorded twice."""
    result = conn.execute(
        update(OutboxMessage)
        .where(_leased(effect_id, holder))
        .values(lease_holder=None, lease_until=None, **values)
    )
    return result.rowcount == 1


def mark_delivered(
    conn: Connection,
    effect_id: int,
    holder: str,
    now: datetime,
    *,
    status: int,
    body: str,
    result_id: str | None,
    balance_credits: int | None,
) -> bool:
    """Records the marketplace's answer; False when the lease was lost meanwhile."""
    return _settle_lease(
        conn,
        effect_id,
        holder,
        state="delivered",
        delivered_at=now,
        next_try_at=None,
        response_status=status,
        response_body=body,
        result_id=result_id,
        balance_credits=balance_credits,
    )


def mark_retrying(
    conn: Connection,
    effect_id: int,
    holder: str,
    *,
    next_try_at: datetime,
    error: str,
    status: int | None,
) -> bool:
    return _settle_lease(
        conn,
        effect_id,
        holder,
        state="retrying",
        next_try_at=next_try_at,
        last_error=error,
        response_status=status,
    )


def mark_failed(
    conn: Connection,
    effect_id: int,
    holder: str,
    *,
    error: str,
    status: int | None,
    body: str | None,
) -> bool:
    return _settle_lease(
        conn,
        effect_id,
        holder,
        state="failed",
        next_try_at=None,
        last_error=error,
        response_status=status,
        response_body=body,
    )


def unclaim(conn: Connection, effect_ids: Sequence[int], holder: str) -> None:
    """Gives back leased effects that were never sent (a dispatcher stopping)."""
    conn.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(list(effect_ids)),
            OutboxMessage.lease_holder == holder,
            OutboxMessage.state == "sending",
        )
        .values(
            state=case((OutboxMessage.tries > 1, "retrying"), else_="pending"),
            tries=OutboxMessage.tries - 1,
            lease_holder=None,
            lease_until=None,
        )
    )


def release(conn: Connection, effect_id: int, holder: str, *, error: str) -> bool:
    """Gives a leased effect back unsent (a rejected token stops every sending)."""
    result = conn.execute(
        update(OutboxMessage)
        .where(_leased(effect_id, holder))
        .values(
            state="retrying",
            lease_holder=None,
            lease_until=None,
            next_try_at=None,
            last_error=error,
        )
    )
    return result.rowcount == 1


def _is_head() -> Any:
    return ~(
        select(_EARLIER.id)
        .where(
            _EARLIER.professional == OutboxMessage.professional,
            _EARLIER.id < OutboxMessage.id,
            _EARLIER.state.not_in(SETTLED),
        )
        .exists()
    )


def next_due(conn: Connection) -> datetime | None:
    """When the next claim may find something: the earliest retry time or
    lease expiry of a professional's first unsettled effect (None: nothing
    waits but failed effects)."""
    retry = conn.execute(
        select(func.min(func.coalesce(OutboxMessage.next_try_at, OutboxMessage.created_at))).where(
            OutboxMessage.state.in_(("pending", "retrying")), _is_head()
        )
    ).scalar_one_or_none()
    lease = conn.execute(
        select(func.min(OutboxMessage.lease_until)).where(
            OutboxMessage.state == "sending", _is_head()
        )
    ).scalar_one_or_none()
    found = [when for when in (retry, lease) if when is not None]
    return min(found) if found else None


# --- a supervisor's side ------------------------------------------------------


def get(conn: Connection, effect_id: int, *, for_update: bool = False) -> Effect | None:
    stmt = select(*_COLUMNS).where(OutboxMessage.id == effect_id)
    if for_update and conn.dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    row = conn.execute(stmt).first()
    return None if row is None else _effect(row)


def set_due_now(conn: Connection, effect: Effect, now: datetime) -> None:
    """A failed or waiting effect is sent again at the next chance.

    A failed effect was answered for good (a 4xx, or never sent): the
    marketplace would answer its key with that same first response forever,
    and nothing was applied under it, so it gets a new key. A waiting one
    may have been applied already: it keeps its key.
    """
    values: dict[str, Any] = {"state": "retrying", "next_try_at": now}
    if effect.state == "failed":
        values["idempotency_key"] = new_key(effect.kind)
        values["last_error"] = f"{effect.last_error or ''} [key {effect.idempotency_key}]".strip()
    conn.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == effect.id, OutboxMessage.state.in_(("failed", "retrying")))
        .values(**values)
    )


def set_cancelled(conn: Connection, effect_id: int) -> None:
    conn.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == effect_id)
        .values(state="cancelled", lease_holder=None, lease_until=None, next_try_at=None)
    )


def of_claim(conn: Connection, claim: str) -> list[Effect]:
    rows = conn.execute(
        select(*_COLUMNS).where(OutboxMessage.claim == claim).order_by(OutboxMessage.id)
    ).all()
    return [_effect(row) for row in rows]


def unsettled_heads(conn: Connection) -> list[Effect]:
    """Each professional's first effect that is neither delivered nor cancelled."""
    first = (
        select(func.min(OutboxMessage.id))
        .where(OutboxMessage.state.not_in(SETTLED))
        .group_by(OutboxMessage.professional)
    )
    rows = conn.execute(
        select(*_COLUMNS).where(OutboxMessage.id.in_(first)).order_by(OutboxMessage.id)
    ).all()
    return [_effect(row) for row in rows]


def problems(conn: Connection, now: datetime, stuck_after: timedelta) -> list[Effect]:
    """Failed effects, and those still undelivered `stuck_after` after they were
    written; only the first of each professional's queue (the ones to act on)."""
    rows = conn.execute(
        select(*_COLUMNS)
        .where(
            _is_head(),
            or_(
                OutboxMessage.state == "failed",
                and_(
                    OutboxMessage.state.in_(CLAIMABLE),
                    OutboxMessage.created_at <= now - stuck_after,
                ),
            ),
        )
        .order_by(OutboxMessage.id)
    ).all()
    return [_effect(row) for row in rows]


def count_by_state(conn: Connection) -> dict[str, int]:
    rows = conn.execute(
        select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)
    ).all()
    counts = dict.fromkeys(STATES, 0)
    counts.update({str(state): int(n) for state, n in rows})
    return counts


# --- pull's cursor ------------------------------------------------------------


def read_cursor(conn: Connection) -> str | None:
    return conn.execute(
        select(MarketplaceCursor.cursor).where(MarketplaceCursor.id == 1)
    ).scalar_one_or_none()


def write_cursor(conn: Connection, cursor: str | None, at: datetime) -> None:
    """Stores where pull stopped, in the caller's transaction (with the page it read)."""
    done = conn.execute(
        update(MarketplaceCursor)
        .where(MarketplaceCursor.id == 1)
        .values(cursor=cursor, updated_at=at)
    )
    if done.rowcount == 0:
        conn.execute(insert(MarketplaceCursor).values(id=1, cursor=cursor, updated_at=at))
