"""Team mode on PostgreSQL: real login roles, made for a test and dropped after.

Group roles are cluster-wide and made by the migration; the logins made
here have unique names and are dropped when the test ends, failed or not.
Connections use trust authentication on 127.0.0.1, as the test server does.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from guarantee_tui.policy import Market
from guarantee_tui.services import agents, decisions
from guarantee_tui.store.engine import make_engine
from tests.builders import AT, claim_for, eligible_professional, tagged
from tests.store.helpers import insert

MakeLogin = Callable[..., str]

# `add_claim`'s claims meet every condition: a rejection says why to the professional.
MESSAGE = "Le client a trouvé un artisan par un autre moyen."


def login_url(url: str, login: str) -> str:
    return make_url(url).set(username=login, password=None).render_as_string(hide_password=False)


@pytest.fixture
def make_login(pg_url: str, pg_admin: Engine) -> Iterator[MakeLogin]:
    """make_login(name, role, markets=None) -> the database URL of a new login mapped
    to agent `name` (through `agents add`, as an administrator would)."""
    made: list[str] = []

    def make(name: str, role: str = "agent", markets: str | None = None) -> str:
        login = f"gt_{role[:3]}_{uuid.uuid4().hex[:12]}"
        made.append(login)
        admin = make_engine(pg_url)
        try:
            agents.add(admin, name, role=role, at=AT, login=login, markets=markets, by="admin")
        finally:
            admin.dispose()
        return login_url(pg_url, login)

    yield make
    with pg_admin.connect() as conn:
        for login in made:
            conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = :l"),
                {"l": login},
            )
            conn.execute(text(f'DROP ROLE IF EXISTS "{login}"'))


def add_claim(engine: Engine, tag: str, *, market: str = "FR") -> str:
    """An open, eligible claim `CL-<tag>` of a professional of its own."""
    pro = tagged(eligible_professional(Market(market)), tag)
    insert(engine, pro, replace(claim_for(pro), ref=f"CL-{tag}"), email=f"{tag}@x.fr")
    return f"CL-{tag}"


def reject(engine: Engine, ref: str, agent: str | None) -> decisions.Outcome:
    """Rejects an `add_claim` claim, with the message for the professional it needs."""
    return decisions.decide(
        engine, ref, "reject", reason="no", message_for_professional=MESSAGE, agent=agent, at=AT
    )
