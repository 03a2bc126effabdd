"""Keeping each claim's stored verdict in step with the policy.

The queue sorts and filters by verdict in SQL, so every claim carries the
verdict, action and refund as last computed, and the instant until which
they hold (`Checklist.stable_until`). Every service that writes refreshes
the claims it touched in the same transaction; claims whose moment has
passed are refreshed by `refresh_stale` (the app runs it in a worker).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, Engine

from guarantee_tui.policy import Checklist
from guarantee_tui.services.checks import OutsideWindow, evaluate_facts
from guarantee_tui.store.claims import StoredVerdict, save_verdicts, stale_claim_ids
from guarantee_tui.store.facts import ClaimFacts, load_claims
from guarantee_tui.store.transactions import write_transaction

BATCH = 500


def stored(facts: ClaimFacts, checklist: Checklist) -> StoredVerdict:
    return StoredVerdict(
        claim_id=facts.claim_id,
        verdict=str(checklist.verdict),
        action=str(checklist.action),
        refund_credits=checklist.refund_credits,
        checked_at=checklist.at,
        stable_until=checklist.stable_until,
    )


def refresh_claims(conn: Connection, claim_ids: Sequence[int], at: datetime) -> int:
    """Recomputes and stores the verdicts of these claims, in the caller's transaction.

    A claim whose stored facts hold a moment outside the policy's window
    (written by hand into the database: no import accepts one) keeps its
    stored verdict: `check` and the claim screen name the bad field.
    Returns how many were stored."""
    count = 0
    for start in range(0, len(claim_ids), BATCH):
        verdicts = []
        for facts in load_claims(conn, claim_ids[start : start + BATCH]):
            try:
                verdicts.append(stored(facts, evaluate_facts(facts, at)))
            except OutsideWindow:
                continue
        save_verdicts(conn, verdicts)
        count += len(verdicts)
    return count


def refresh_stale(
    engine: Engine, at: datetime, *, limit: int | None = None, batch: int = BATCH
) -> int:
    """Refreshes claims never computed or past their `stable_until`, at most `limit`;
    one transaction a batch. Returns how many were refreshed."""
    total = 0
    # Ids only move forward: a claim left stale (see refresh_claims) is passed once.
    after = 0
    while True:
        size = batch if limit is None else min(batch, limit - total)
        with engine.connect() as conn:
            ids = stale_claim_ids(conn, at, limit=size, after=after)
        if not ids:
            return total
        with write_transaction(engine) as conn:
            total += refresh_claims(conn, ids, at)
        after = ids[-1]
        if limit is not None and total >= limit:
            return total
