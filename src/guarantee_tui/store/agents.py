"""The agents table: who may act, in which role, under which database login.

On PostgreSQL the login → agent mapping is what the database checks
(migration 0007): `acting` asks it who the connected login is. The login
roles themselves (CREATE ROLE, GRANT) are written here too, quoted by the
driver, never by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import Connection, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError

from guarantee_tui.store.models import Agent

AGENT_GROUP: Final = "guarantee_agent"
SUPERVISOR_GROUP: Final = "guarantee_supervisor"
GROUP_OF_ROLE: Final = {"agent": AGENT_GROUP, "supervisor": SUPERVISOR_GROUP}

# SQLSTATE 42501: a privilege the login lacks, or a check of migration 0007.
INSUFFICIENT_PRIVILEGE: Final = "42501"


@dataclass(frozen=True, slots=True)
class AgentRow:
    name: str
    role: str
    login: str | None
    markets: str | None


@dataclass(frozen=True, slots=True)
class Acting:
    """Who the connected PostgreSQL login is, as the database decides."""

    login: str
    is_admin: bool
    name: str | None
    role: str | None


def refusal(exc: BaseException) -> str | None:
    """The database's words when it refused for want of a privilege, else None."""
    if isinstance(exc, DBAPIError) and getattr(exc.orig, "sqlstate", None) == (
        INSUFFICIENT_PRIVILEGE
    ):
        diag = getattr(exc.orig, "diag", None)
        primary = getattr(diag, "message_primary", None)
        return str(primary or exc.orig).strip()
    return None


def acting(conn: Connection) -> Acting:
    """PostgreSQL only: the mapped agent of this login, or an administrator.

    Raises the database's refusal (a DBAPIError, see `refusal`) for a login
    that is neither.
    """
    row = conn.exec_driver_sql(
        "SELECT session_user, is_admin, agent_name, agent_role FROM guarantee_acting()"
    ).one()
    return Acting(str(row[0]), bool(row[1]), row[2], row[3])


def find_role(conn: Connection, name: str) -> str | None:
    role = conn.execute(select(Agent.role).where(Agent.name == name)).scalar_one_or_none()
    return None if role is None else str(role)


def find(conn: Connection, name: str) -> AgentRow | None:
    row = conn.execute(
        select(Agent.name, Agent.role, Agent.login, Agent.markets).where(Agent.name == name)
    ).first()
    return None if row is None else AgentRow(*row)


def by_login(conn: Connection, login: str) -> AgentRow | None:
    row = conn.execute(
        select(Agent.name, Agent.role, Agent.login, Agent.markets).where(Agent.login == login)
    ).first()
    return None if row is None else AgentRow(*row)


def add_agent(conn: Connection, name: str, role: str, at: datetime) -> None:
    """Records the agent unless already there (many first acts may race)."""
    values = {"name": name, "role": role, "created_at": at}
    if conn.dialect.name == "postgresql":
        conn.execute(pg_insert(Agent).values(**values).on_conflict_do_nothing())
    else:
        conn.execute(sqlite_insert(Agent).values(**values).on_conflict_do_nothing())


def set_role(conn: Connection, name: str, role: str) -> bool:
    return conn.execute(update(Agent).where(Agent.name == name).values(role=role)).rowcount == 1


def set_mapping(conn: Connection, name: str, *, login: str | None, markets: str | None) -> None:
    conn.execute(update(Agent).where(Agent.name == name).values(login=login, markets=markets))


def remove(conn: Connection, name: str) -> bool:
    return conn.execute(delete(Agent).where(Agent.name == name)).rowcount == 1


def agent_rows(conn: Connection) -> list[AgentRow]:
    rows = conn.execute(
        select(Agent.name, Agent.role, Agent.login, Agent.markets).order_by(Agent.name)
    )
    return [AgentRow(*row) for row in rows]


# --- PostgreSQL login roles -------------------------------------------------------


def login_exists(conn: Connection, login: str) -> bool:
    found = conn.exec_driver_sql("SELECT 1 FROM pg_roles WHERE rolname = %s", (login,)).first()
    return found is not None


def _ddl(conn: Connection, template: str, *identifiers: str, password: str | None = None) -> None:
    """A role statement with its names (and password) quoted by psycopg."""
    from psycopg import sql

    parts: dict[str, sql.Composable] = {
        f"n{i}": sql.Identifier(name) for i, name in enumerate(identifiers)
    }
    if password is not None:
        parts["password"] = sql.Literal(password)
    driver = conn.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor:
        cursor.execute(sql.SQL(template).format(**parts))


def create_login(conn: Connection, login: str, password: str | None) -> None:
    if password is None:
        _ddl(conn, "CREATE ROLE {n0} LOGIN", login)
    else:
        _ddl(conn, "CREATE ROLE {n0} LOGIN PASSWORD {password}", login, password=password)


def set_password(conn: Connection, login: str, password: str) -> None:
    _ddl(conn, "ALTER ROLE {n0} PASSWORD {password}", login, password=password)


def grant_group(conn: Connection, login: str, role: str) -> None:
    """Makes `login` a member of `role`'s group only (the other one revoked)."""
    for other_role, group in GROUP_OF_ROLE.items():
        if other_role != role:
            _ddl(conn, "REVOKE {n0} FROM {n1}", group, login)
    _ddl(conn, "GRANT {n0} TO {n1}", GROUP_OF_ROLE[role], login)


def revoke_groups(conn: Connection, login: str) -> None:
    for group in GROUP_OF_ROLE.values():
        _ddl(conn, "REVOKE {n0} FROM {n1}", group, login)
