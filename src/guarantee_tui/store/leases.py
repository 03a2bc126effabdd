"""Claim leases: which agent works a claim, since when, until when.

A lease lives on the claim's own row (`holder`, `held_since`, `held_until`)
so that taking it is one guarded UPDATE: the row's new version is what a
racer sees. On PostgreSQL, "take next" picks its claim with
`FOR UPDATE SKIP LOCKED`, so racers never queue on the same row, and the
guarded UPDATE re-checks the lease once the row is locked (READ COMMITTED
re-evaluates the WHERE on the newest version). On SQLite the write lock
(BEGIN IMMEDIATE) already serialises takers; the same guard applies. Times
are the database's clock, which every agent's machine shares.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Connection, and_, insert, or_, select, update

from guarantee_tui.store.clock import database_now
from guarantee_tui.store.models import Claim, ClaimEvent, Professional

# How many claims "take next" tries before it gives up for this time.
_PICKS = 50


@dataclass(frozen=True, slots=True)
class Holding:
    claim_ref: str
    holder: str
    since: datetime
    until: datetime


def now(conn: Connection) -> datetime:
    value: datetime = conn.execute(select(database_now())).scalar_one()
    return value


@dataclass(frozen=True, slots=True)
class ClaimInfo:
    status: str
    professional_ref: str
    market: str


def claim_info(conn: Connection, claim_ref: str) -> ClaimInfo | None:
    row = conn.execute(
        select(Claim.status, Professional.ref, Professional.market)
        .join(Professional, Professional.id == Claim.professional_id)
        .where(Claim.ref == claim_ref)
    ).first()
    return None if row is None else ClaimInfo(str(row[0]), str(row[1]), str(row[2]))


def _free(agent: str, at: datetime) -> ColumnElement[bool]:
    """Nobody else holds it: no lease, an expired one, or the agent's own."""
    return or_(Claim.holder.is_(None), Claim.held_until <= at, Claim.holder == agent)


def _event(conn: Connection, claim_ref: str, action: str, agent: str, at: datetime) -> None:
    conn.execute(insert(ClaimEvent).values(claim_ref=claim_ref, action=action, agent=agent, at=at))


def take_next(
    conn: Connection, agent: str, markets: Collection[str], at: datetime, until: datetime
) -> Holding | None:
    """Holds the oldest open claim of `markets` that nobody holds; None when there is none."""
    pick = (
        select(Claim.id)
        .join(Professional, Professional.id == Claim.professional_id)
        .where(
            Claim.status == "open",
            or_(Claim.holder.is_(None), Claim.held_until <= at),
            Professional.market.in_(sorted(markets)),
        )
        .order_by(Claim.submitted_at, Claim.ref)
        .limit(1)
    )
    if conn.dialect.name == "postgresql":
        pick = pick.with_for_update(of=Claim, skip_locked=True)
    # Each pass reads afresh (READ COMMITTED): a claim lost to another taker
    # between the pick and the lock is not picked again.
    for _ in range(_PICKS):
        claim_id = conn.execute(pick).scalar_one_or_none()
        if claim_id is None:
            return None
        held = _hold(
            conn,
            and_(
                Claim.id == claim_id,
                Claim.status == "open",
                or_(Claim.holder.is_(None), Claim.held_until <= at),
            ),
            agent,
            at,
            until,
        )
        # None: another taker got it between the pick and the lock; pick again.
        if held is not None:
            _event(conn, held.claim_ref, "take", agent, at)
            return held
    return None


def _hold(
    conn: Connection, condition: ColumnElement[bool], agent: str, at: datetime, until: datetime
) -> Holding | None:
    row = conn.execute(
        update(Claim)
        .where(condition)
        .values(holder=agent, held_since=at, held_until=until)
        .returning(Claim.ref)
    ).first()
    return None if row is None else Holding(str(row.ref), agent, at, until)


def take(
    conn: Connection,
    claim_ref: str,
    agent: str,
    at: datetime,
    until: datetime,
    *,
    over: bool = False,
) -> Holding | None:
    """Holds the open claim for `agent` unless someone else does (`over`: even then).

    An agent taking a claim they already hold keeps its `since`."""
    current = holding(conn, claim_ref)
    since = current.since if current is not None and current.holder == agent else at
    condition = and_(Claim.ref == claim_ref, Claim.status == "open")
    if not over:
        condition = and_(condition, _free(agent, at))
    held = _hold(conn, condition, agent, since, until)
    if held is not None and (current is None or current.holder != agent or current.until <= at):
        _event(conn, claim_ref, "take", agent, at)
    return held


def renew(conn: Connection, claim_ref: str, agent: str, at: datetime, until: datetime) -> bool:
    """Extends the agent's own unexpired lease; False when they no longer hold it."""
    result = conn.execute(
        update(Claim)
        .where(Claim.ref == claim_ref, Claim.holder == agent, Claim.held_until > at)
        .values(held_until=until)
    )
    return result.rowcount == 1


def release(conn: Connection, claim_ref: str, agent: str, at: datetime) -> bool:
    """Gives the agent's lease back; False when they did not hold it."""
    result = conn.execute(
        update(Claim)
        .where(Claim.ref == claim_ref, Claim.holder == agent)
        .values(holder=None, held_since=None, held_until=None)
    )
    if result.rowcount == 1:
        _event(conn, claim_ref, "release", agent, at)
        return True
    return False


def release_all(conn: Connection, agent: str, at: datetime) -> list[str]:
    """Gives back every lease the agent holds (expired ones too); the refs, in order."""
    refs = sorted(
        str(ref)
        for ref in conn.execute(
            update(Claim)
            .where(Claim.holder == agent)
            .values(holder=None, held_since=None, held_until=None)
            .returning(Claim.ref)
        ).scalars()
    )
    for ref in refs:
        _event(conn, ref, "release", agent, at)
    return refs


def clear(conn: Connection, claim_id: int) -> None:
    """A decided claim is nobody's to work any more."""
    conn.execute(
        update(Claim)
        .where(Claim.id == claim_id, Claim.holder.is_not(None))
        .values(holder=None, held_since=None, held_until=None)
    )


def holding(conn: Connection, claim_ref: str) -> Holding | None:
    """The claim's lease as stored, expired or not; None when it has none."""
    row = conn.execute(
        select(Claim.holder, Claim.held_since, Claim.held_until).where(Claim.ref == claim_ref)
    ).first()
    if row is None or row.holder is None or row.held_until is None:
        return None
    since = row.held_since if row.held_since is not None else row.held_until
    return Holding(claim_ref, str(row.holder), since, row.held_until)


def holdings(conn: Connection, at: datetime) -> list[Holding]:
    """Every unexpired lease, by holder then claim."""
    rows = conn.execute(
        select(Claim.ref, Claim.holder, Claim.held_since, Claim.held_until)
        .where(Claim.holder.is_not(None), Claim.held_until > at)
        .order_by(Claim.holder, Claim.ref)
    )
    return [
        Holding(str(r.ref), str(r.holder), r.held_since or r.held_until, r.held_until) for r in rows
    ]
