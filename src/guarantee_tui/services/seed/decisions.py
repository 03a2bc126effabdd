"""The seed's decided claims, decided for real.

The generator writes decided claims with their final status. A decision is
more than a status (the letter, the checklist as it stood, the log entry,
the refund on the ledger, the outbox message), so each one is replayed
through the decision service itself, by a small team of agents, at a
plausible moment before the anchor. A supervisor is recorded too, so the
log and the reopening can be tried on the sample.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import Engine, select, update

from guarantee_tui.policy.markets import rules_for
from guarantee_tui.services.agents import AGENT, SUPERVISOR, set_role
from guarantee_tui.services.decisions import ActionNotAllowed, decide
from guarantee_tui.services.seed.vocabulary import VOCABULARIES
from guarantee_tui.store.models import Claim, Professional

# Who verifies a market's explanations (vocabulary.py) also decides its claims.
TEAM: Final = {market.value: v.agents for market, v in VOCABULARIES.items()}
SUPERVISORS: Final = ("Sofia Martins",)
ACTION: Final = {"approved": "approve", "rejected": "reject", "suspended": "suspend"}
REASONS: Final = {
    ("approve", "fr"): "Toutes les conditions sont remplies, explications vérifiées.",
    ("reject", "fr"): "Conditions de la garantie non remplies.",
    ("suspend", "fr"): "Explications contredites par les clients : abus de la plate-forme.",
    ("approve", "pt"): "Todas as condições cumpridas, explicações verificadas.",
    ("reject", "pt"): "Condições da garantia não cumpridas.",
    ("suspend", "pt"): "Explicações desmentidas pelos clientes: uso indevido da plataforma.",
}


def replay_decisions(engine: Engine, anchor: datetime, seed: int) -> int:
    """Decides every claim the generator left decided; returns how many."""
    rng = random.Random(f"decisions-{seed}")
    for name in (n for team in TEAM.values() for n in team):
        set_role(engine, name, AGENT, anchor - timedelta(days=400))
    for name in SUPERVISORS:
        set_role(engine, name, SUPERVISOR, anchor - timedelta(days=400))
    with engine.connect() as conn:
        decided = conn.execute(
            select(Claim.ref, Claim.status, Claim.submitted_at, Professional.market)
            .join(Professional, Professional.id == Claim.professional_id)
            .where(Claim.status != "open")
            .order_by(Claim.submitted_at, Claim.ref)
        ).all()
    if not decided:
        return 0
    with engine.begin() as conn:
        conn.execute(
            update(Claim).where(Claim.ref.in_([d.ref for d in decided])).values(status="open")
        )
    # Plan every decision first, then record them in time order: the log is
    # appended in the order things happen.
    plans = []
    for ref, status, submitted_at, market in decided:
        day = (submitted_at + timedelta(days=rng.randint(3, 25))).replace(
            hour=8, minute=0, second=0, microsecond=0
        )
        at = min(day + timedelta(minutes=rng.randint(0, 540)), anchor - timedelta(hours=2))
        plans.append(
            (at, ref, ACTION[status], market, rng.choice(TEAM[market]), rng.randint(4, 45))
        )
    late = []
    for at, ref, action, market, agent, minutes in sorted(plans):
        if not _decide(engine, ref, action, market, agent, at, minutes):
            late.append((ref, action, market, agent, minutes))
    # Not decidable at the planned moment (e.g. still in its waiting month):
    # decided in the last hour before the anchor instead.
    for i, (ref, action, market, agent, minutes) in enumerate(late):
        at = anchor - timedelta(hours=1) + timedelta(minutes=i)
        if not _decide(engine, ref, action, market, agent, at, minutes):
            raise RuntimeError(f"the seed's claim {ref} cannot be decided ({action})")
    return len(decided)


def _decide(
    engine: Engine, ref: str, action: str, market: str, agent: str, at: datetime, minutes: int
) -> bool:
    language = rules_for(market).language
    try:
        decide(
            engine,
            ref,
            action,
            reason=REASONS[(action, language)],
            agent=agent,
            at=at,
            opened_at=at - timedelta(minutes=minutes),
            language=language,
        )
    except ActionNotAllowed:
        return False
    return True
