"""Sharing out the work: an agent takes a claim and holds it for a while.

A lease (holder, since, until) lasts `minutes` (15 by default, `[team]
lease_minutes` in config.toml) and is renewed while the agent has the claim
open; an expired lease holds nothing, and anyone may take the claim. Taking
never gives one claim to two agents, however many race (store/leases.py).
Deciding or marking a claim someone else holds is refused (`ClaimHeld`),
here and, on PostgreSQL, by the database. A supervisor may take a claim
over; that is logged. Leases themselves are not acts on the claim: they stay
out of the decision log, and a decision ends the lease.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import Connection, Engine

from guarantee_tui.errors import UserError
from guarantee_tui.i18n import N_, Translator
from guarantee_tui.services.agents import NotAllowed, lookup_actor, markets_of, resolve_actor
from guarantee_tui.services.checks import UnknownClaim
from guarantee_tui.store import leases as store
from guarantee_tui.store.leases import Holding
from guarantee_tui.store.log import NewEntry, append, canonical_json
from guarantee_tui.store.transactions import write_transaction

__all__ = ["DEFAULT_MINUTES", "Holding"]

DEFAULT_MINUTES: Final = 15


class ClaimHeld(UserError):
    """The claim is someone else's to work (an unexpired lease)."""

    def __init__(self, holding: Holding) -> None:
        super().__init__(holding.claim_ref)
        self.holding = holding

    def describe(self, tr: Translator) -> str:
        return tr(
            "{agent} is on claim {ref} since {since}: nothing was recorded. Ask them, "
            "or a supervisor to take it over.",
            agent=self.holding.holder,
            ref=self.holding.claim_ref,
            since=tr.moment(self.holding.since.astimezone(), in_text=True),
        )


class NotOpen(UserError):
    def __init__(self, ref: str) -> None:
        super().__init__(ref)
        self.ref = ref

    def describe(self, tr: Translator) -> str:
        return tr("Claim {ref} is decided: there is nothing to take.", ref=self.ref)


class UnknownMarket(UserError):
    def __init__(self, market: str) -> None:
        super().__init__(market)
        self.market = market

    def describe(self, tr: Translator) -> str:
        return tr("Unknown market {market}: use FR or PT.", market=self.market)


def _span(minutes: int) -> timedelta:
    return timedelta(minutes=max(1, minutes))


def _current(conn: Connection, claim_ref: str, at: datetime) -> Holding | None:
    found = store.holding(conn, claim_ref)
    return found if found is not None and found.until > at else None


def refuse_if_held(conn: Connection, claim_ref: str, agent: str) -> None:
    """Raises ClaimHeld when someone other than `agent` holds the claim now
    (in the caller's transaction: deciding and marking call it)."""
    at = store.now(conn)
    found = _current(conn, claim_ref, at)
    if found is not None and found.holder != agent:
        raise ClaimHeld(found)


def end(conn: Connection, claim_id: int) -> None:
    """A decision ends the claim's lease (in the decision's transaction)."""
    store.clear(conn, claim_id)


def take_next(
    engine: Engine,
    agent: str | None,
    market: str | None = None,
    *,
    minutes: int = DEFAULT_MINUTES,
) -> Holding | None:
    """Holds the oldest open claim nobody holds, of `market` or else of the agent's
    markets; None when there is none."""
    markets: Collection[str]
    if market is not None:
        if market not in ("FR", "PT"):
            raise UnknownMarket(market)
        markets = (market,)
    else:
        markets = markets_of(engine, agent)
    with write_transaction(engine) as conn:
        actor = lookup_actor(conn, agent)
        at = store.now(conn)
        return store.take_next(conn, actor.name, markets, at, at + _span(minutes))


def take(
    engine: Engine, claim_ref: str, agent: str | None, *, minutes: int = DEFAULT_MINUTES
) -> Holding:
    """Holds this claim (or renews the agent's own lease on it)."""
    with write_transaction(engine) as conn:
        actor = lookup_actor(conn, agent)
        at = store.now(conn)
        info = store.claim_info(conn, claim_ref)
        if info is None:
            raise UnknownClaim(claim_ref)
        if info.status != "open":
            raise NotOpen(claim_ref)
        held = store.take(conn, claim_ref, actor.name, at, at + _span(minutes))
        if held is None:
            current = _current(conn, claim_ref, at)
            assert current is not None
            raise ClaimHeld(current)
        return held


def renew(
    engine: Engine, claim_ref: str, agent: str | None, *, minutes: int = DEFAULT_MINUTES
) -> Holding | None:
    """Extends the agent's lease; None when they no longer hold the claim (it expired
    and someone else took it, or a supervisor took it over)."""
    with write_transaction(engine) as conn:
        actor = lookup_actor(conn, agent)
        at = store.now(conn)
        if not store.renew(conn, claim_ref, actor.name, at, at + _span(minutes)):
            return None
        return store.holding(conn, claim_ref)


def release(engine: Engine, claim_ref: str, agent: str | None) -> bool:
    """Gives the claim back; False when the agent did not hold it."""
    with write_transaction(engine) as conn:
        actor = lookup_actor(conn, agent)
        if store.claim_info(conn, claim_ref) is None:
            raise UnknownClaim(claim_ref)
        return store.release(conn, claim_ref, actor.name, store.now(conn))


def release_all(engine: Engine, agent: str | None) -> list[str]:
    """Gives back every claim the agent holds, as `release` would one by one (the
    app does this as it quits); the refs given back."""
    with write_transaction(engine) as conn:
        actor = lookup_actor(conn, agent)
        return store.release_all(conn, actor.name, store.now(conn))


def take_over(
    engine: Engine,
    claim_ref: str,
    agent: str | None,
    *,
    at: datetime,
    minutes: int = DEFAULT_MINUTES,
) -> Holding:
    """A supervisor takes a claim someone else holds; logged as `take_over`."""
    with write_transaction(engine) as conn:
        actor = resolve_actor(conn, agent, at)
        if not actor.is_supervisor:
            raise NotAllowed(actor, N_("take over a claim"))
        info = store.claim_info(conn, claim_ref)
        if info is None:
            raise UnknownClaim(claim_ref)
        if info.status != "open":
            raise NotOpen(claim_ref)
        now = store.now(conn)
        previous = _current(conn, claim_ref, now)
        held = store.take(conn, claim_ref, actor.name, now, now + _span(minutes), over=True)
        assert held is not None
        append(
            conn,
            NewEntry(
                at=at,
                agent=actor.name,
                role=actor.role,
                action="take_over",
                claim_ref=claim_ref,
                professional_ref=info.professional_ref,
                market=info.market,
                details=canonical_json({"from": previous.holder if previous is not None else None}),
            ),
        )
        return held


def holder_of(engine: Engine, claim_ref: str) -> Holding | None:
    """Who holds the claim now (None: nobody, or the lease expired)."""
    with engine.connect() as conn:
        return _current(conn, claim_ref, store.now(conn))


def held(engine: Engine) -> list[Holding]:
    """Who holds what, now: every unexpired lease."""
    with engine.connect() as conn:
        return store.holdings(conn, store.now(conn))
