"""Client personal data on the 20 contacts: masked for agents, revealed on request.

Supervisors see client names and phones; an agent sees them masked until
they ask, and every such request is written to the log.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine

from guarantee_tui.services.agents import Actor, lookup_actor, resolve_actor
from guarantee_tui.services.checks import UnknownClaim
from guarantee_tui.store.facts import load_claim
from guarantee_tui.store.log import Entry, NewEntry, append, canonical_json
from guarantee_tui.store.transactions import write_transaction


def mask_name(name: str) -> str:
    """ "Marie Moreau" -> "M. M.": enough to tell contacts apart, not to call them."""
    parts = name.split()
    return " ".join(f"{p[0]}." for p in parts if p) or "…"


def mask_phone(phone: str) -> str:
    """Keeps the last two digits: "06 12 34 56 78" -> "•• •• •• •• 78"."""
    digits = [c for c in phone if c.isdigit()]
    keep = 2
    out = []
    seen = 0
    total = len(digits)
    for c in phone:
        if c.isdigit():
            seen += 1
            out.append(c if seen > total - keep else "•")
        else:
            out.append(c)
    return "".join(out)


def sees_client_data(engine: Engine, agent: str | None) -> bool:
    with engine.connect() as conn:
        return lookup_actor(conn, agent).is_supervisor


def reveal(engine: Engine, claim_ref: str, *, agent: str | None, at: datetime) -> Entry:
    """Records that `agent` looked at the clients' data of this claim's contacts."""
    with write_transaction(engine) as conn:
        actor: Actor = resolve_actor(conn, agent, at)
        facts = load_claim(conn, claim_ref)
        if facts is None:
            raise UnknownClaim(claim_ref)
        return append(
            conn,
            NewEntry(
                at=at,
                agent=actor.name,
                role=actor.role,
                action="reveal_client_data",
                claim_ref=claim_ref,
                professional_ref=facts.professional.ref,
                market=str(facts.professional.market),
                details=canonical_json(
                    {
                        "contacts": [
                            p.ref
                            for p in sorted(
                                facts.professional.purchases, key=lambda p: (p.purchased_at, p.ref)
                            )
                        ],
                    }
                ),
            ),
        )
