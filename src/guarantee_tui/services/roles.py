"""An agent's role as the agents table records it (read-only)."""

from __future__ import annotations

from sqlalchemy import Engine

from guarantee_tui.services.agents import AGENT
from guarantee_tui.store.agents import find_role


def role_of(engine: Engine, name: str) -> str:
    if not name.strip():
        return AGENT
    with engine.connect() as conn:
        return find_role(conn, " ".join(name.split())) or AGENT
