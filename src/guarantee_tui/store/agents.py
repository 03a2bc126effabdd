"""The agents table: who may act, in which role."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from guarantee_tui.store.models import Agent


def find_role(conn: Connection, name: str) -> str | None:
    role = conn.execute(select(Agent.role).where(Agent.name == name)).scalar_one_or_none()
    return None if role is None else str(role)


def add_agent(conn: Connection, name: str, role: str, at: datetime) -> None:
    conn.execute(insert(Agent).values(name=name, role=role, created_at=at))


def set_role(conn: Connection, name: str, role: str) -> bool:
    return conn.execute(update(Agent).where(Agent.name == name).values(role=role)).rowcount == 1


def list_agents(conn: Connection) -> list[tuple[str, str]]:
    return [
        (r.name, r.role) for r in conn.execute(select(Agent.name, Agent.role).order_by(Agent.name))
    ]
