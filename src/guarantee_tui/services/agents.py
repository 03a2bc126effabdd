"""Who is acting: an agent's name and role, as the agents table says.

The role that counts is the one in the agents table: a configuration file
can name an agent, but cannot make anyone a supervisor. An agent acting
for the first time is recorded with the role `agent`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine

from guarantee_tui.errors import UserError
from guarantee_tui.i18n import Translator
from guarantee_tui.store.agents import add_agent, find_role, list_agents
from guarantee_tui.store.agents import set_role as store_set_role

AGENT = "agent"
SUPERVISOR = "supervisor"


@dataclass(frozen=True, slots=True)
class Actor:
    name: str
    role: str

    @property
    def is_supervisor(self) -> bool:
        return self.role == SUPERVISOR


class NoAgent(UserError):
    def describe(self, tr: Translator) -> str:
        return tr(
            "Say who you are: --agent NAME, or GUARANTEE_TUI_AGENT, or agent in the config file."
        )


class NotAllowed(UserError):
    """The actor's role does not allow this act."""

    def __init__(self, actor: Actor, act: str) -> None:
        super().__init__(actor.name)
        self.actor, self.act = actor, act

    def describe(self, tr: Translator) -> str:
        return tr(
            "{agent} ({role}) may not {act}: a supervisor must.",
            agent=self.actor.name,
            role=tr(self.actor.role),
            act=tr(self.act),
        )


def clean_name(name: str | None) -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise NoAgent("")
    return cleaned


def resolve_actor(conn: Connection, name: str | None, at: datetime) -> Actor:
    """The acting agent, recorded on first use (in the caller's transaction)."""
    cleaned = clean_name(name)
    role = find_role(conn, cleaned)
    if role is None:
        add_agent(conn, cleaned, AGENT, at)
        role = AGENT
    return Actor(cleaned, role)


def lookup_actor(conn: Connection, name: str | None) -> Actor:
    """The agent as recorded, without recording anyone (read-only screens)."""
    cleaned = clean_name(name)
    return Actor(cleaned, find_role(conn, cleaned) or AGENT)


def list_all(engine: Engine) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        return list_agents(conn)


def set_role(engine: Engine, name: str, role: str, at: datetime) -> str:
    """Records `name` with `role` (creating the agent if needed); returns the clean name."""
    from guarantee_tui.store.transactions import write_transaction

    cleaned = clean_name(name)
    with write_transaction(engine) as conn:
        if find_role(conn, cleaned) is None:
            add_agent(conn, cleaned, role, at)
        else:
            store_set_role(conn, cleaned, role)
    return cleaned
