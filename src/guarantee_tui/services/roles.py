"""An agent's role as the database records it (read-only)."""

from __future__ import annotations

from sqlalchemy import Engine

from guarantee_tui.services.agents import AGENT, WrongAgent, lookup_actor


def role_of(engine: Engine, name: str) -> str:
    """The role `name` acts with; on PostgreSQL, the connected login's agent's."""
    if not name.strip():
        return AGENT
    with engine.connect() as conn:
        try:
            return lookup_actor(conn, name).role
        except WrongAgent:
            # The screens say who is connected; the header shows no role it cannot vouch for.
            return AGENT
