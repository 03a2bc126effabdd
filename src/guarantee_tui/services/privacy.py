"""Client personal data on the 20 contacts: masked for agents, revealed on request.

Supervisors see client names and phones; an agent sees them masked until
they ask, and every such request is written to the log. A case-file export
leaves them out unless a supervisor asks for them, which is logged too.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TextIO

from sqlalchemy import Engine

from guarantee_tui.i18n import N_
from guarantee_tui.services.agents import Actor, NotAllowed, lookup_actor, resolve_actor
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


def export_with_client_data(
    engine: Engine,
    out: TextIO,
    professional_refs: Sequence[str] | None,
    *,
    agent: str | None,
    at: datetime,
) -> int:
    """A case-file export with the clients' names and phones: supervisors only,
    and written to the log (`reveal_client_data`, with what was exported)
    before any of it is.

    An agent is refused (NotAllowed) before anything is written; an unknown
    professional too, and nothing is logged then.
    """
    from guarantee_tui.services.case_files import export_case_file
    from guarantee_tui.services.case_files.exporter import check_refs

    with write_transaction(engine) as conn:
        actor: Actor = resolve_actor(conn, agent, at)
        if not actor.is_supervisor:
            raise NotAllowed(actor, N_("export client data"))
        if professional_refs is not None:
            check_refs(conn, professional_refs)
        append(
            conn,
            NewEntry(
                at=at,
                agent=actor.name,
                role=actor.role,
                action="reveal_client_data",
                details=canonical_json(
                    {
                        "export": "case file",
                        "professionals": (
                            sorted(set(professional_refs))
                            if professional_refs is not None
                            else "all"
                        ),
                    }
                ),
            ),
        )
    return export_case_file(engine, out, professional_refs, client_data=True)
