"""Who is acting: an agent's name and role, as the database says.

On SQLite the file is a single desk: whoever can write it is trusted, the
name given (`--agent`, the settings) says who acts, and the role is the
agents table's (a configuration file can name an agent, not make anyone a
supervisor). An agent acting for the first time is recorded as `agent`.

On PostgreSQL each person connects with their own login. A login mapped to
an agent (`agents add NAME --login LOGIN`) acts as that agent and nobody
else: a name given that is someone else's is refused (`WrongAgent`), and the
database refuses it too (migration 0007). A login that is not mapped but
owns the tables (or is a superuser) is an administrator: the name given is
trusted, as on SQLite.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from guarantee_tui.errors import UserError
from guarantee_tui.i18n import N_, Translator
from guarantee_tui.store import agents as store
from guarantee_tui.store.agents import Acting, AgentRow
from guarantee_tui.store.log import NewEntry, append, canonical_json, lock_head

AGENT = "agent"
SUPERVISOR = "supervisor"
# The role a log entry gives an unmapped database administrator.
ADMIN: Final = N_("admin")
MARKETS: Final = ("FR", "PT")


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


class WrongAgent(UserError):
    """A name given for who acts that is not the connected login's agent."""

    def __init__(self, login: str, agent: str) -> None:
        super().__init__(login)
        self.login, self.agent = login, agent

    def describe(self, tr: Translator) -> str:
        return tr(
            "you are connected as {login}: {agent}. The database decides who acts; "
            "leave out --agent and --as, or connect with your own login.",
            login=self.login,
            agent=self.agent,
        )


class DatabaseRefused(UserError):
    """The database refused the act for want of a privilege (migration 0007)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def describe(self, tr: Translator) -> str:
        return tr(
            "The database refused: {reason}. Nothing was recorded.",
            reason=self.reason,
        )


class UnknownAgent(UserError):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name

    def describe(self, tr: Translator) -> str:
        return tr("No agent is called {agent}; see guarantee-tui agents list.", agent=self.name)


class LoginsNeedPostgreSQL(UserError):
    def describe(self, tr: Translator) -> str:
        return tr(
            "--login and --password-prompt are for a PostgreSQL database; on SQLite the "
            "file is a single desk and --agent names who acts."
        )


class LoginRequired(UserError):
    def describe(self, tr: Translator) -> str:
        return tr("On PostgreSQL each agent connects with their own login: give --login LOGIN.")


class LoginTaken(UserError):
    def __init__(self, login: str, agent: str) -> None:
        super().__init__(login)
        self.login, self.agent = login, agent

    def describe(self, tr: Translator) -> str:
        return tr(
            "The login {login} is already mapped to {agent}.", login=self.login, agent=self.agent
        )


class UnknownMarkets(UserError):
    def __init__(self, value: str) -> None:
        super().__init__(value)
        self.value = value

    def describe(self, tr: Translator) -> str:
        return tr("--markets {value}: use FR, PT or FR,PT.", value=self.value)


# The length of every column holding an agent's name, on both databases
# (SQLite would store 5,000 characters; PostgreSQL refused 101).
MAX_AGENT_NAME: Final = 100


class AgentNameTooLong(UserError):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name

    def describe(self, tr: Translator) -> str:
        return tr(
            "An agent's name has at most {maximum} characters; this one has {length}.",
            maximum=MAX_AGENT_NAME,
            length=len(self.name),
        )


def clean_name(name: str | None) -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise NoAgent("")
    if len(cleaned) > MAX_AGENT_NAME:
        raise AgentNameTooLong(cleaned)
    return cleaned


def parse_markets(value: str | None) -> str | None:
    """`--markets`: "FR", "PT", "FR,PT" (any order, case, spaces); None: both."""
    if value is None:
        return None
    given = {part.strip().upper() for part in value.split(",") if part.strip()}
    if not given or not given <= set(MARKETS):
        raise UnknownMarkets(value)
    return ",".join(m for m in MARKETS if m in given)


@contextmanager
def refusals() -> Iterator[None]:
    """A refusal of the database's (a privilege, a check of migration 0007) as a UserError."""
    try:
        yield
    except DBAPIError as exc:
        reason = store.refusal(exc)
        if reason is None:
            raise
        raise DatabaseRefused(reason) from None


def _acting(conn: Connection) -> Acting | None:
    """The mapped agent of a PostgreSQL login; None on SQLite or for an administrator."""
    if conn.dialect.name != "postgresql":
        return None
    with refusals():
        found = store.acting(conn)
    return None if found.is_admin else found


def _system_login() -> str | None:
    import getpass

    try:
        return getpass.getuser() or None
    except (KeyError, OSError):
        return None


def _mapped(found: Acting, name: str | None) -> Actor:
    """The login's agent; `name`, when given, must be that agent (or the login itself,
    or the system's login name, which the settings give when nobody said)."""
    assert found.name is not None and found.role is not None
    given = " ".join((name or "").split())
    if given and given not in {found.name, found.login, _system_login()}:
        raise WrongAgent(found.login, found.name)
    return Actor(found.name, found.role)


def resolve_actor(conn: Connection, name: str | None, at: datetime) -> Actor:
    """The acting agent, recorded on first use (in the caller's write transaction).

    Takes the log head's lock first: every act appends to the log, and this
    keeps the order of locks the same in every act (store.log.lock_head).
    """
    lock_head(conn)
    found = _acting(conn)
    if found is not None:
        return _mapped(found, name)
    cleaned = clean_name(name)
    role = store.find_role(conn, cleaned)
    if role is None:
        store.add_agent(conn, cleaned, AGENT, at)
        # Another process may have recorded the name first, with its role.
        role = store.find_role(conn, cleaned) or AGENT
    return Actor(cleaned, role)


def lookup_actor(conn: Connection, name: str | None) -> Actor:
    """The agent as recorded, without recording anyone (read-only screens)."""
    found = _acting(conn)
    if found is not None:
        return _mapped(found, name)
    cleaned = clean_name(name)
    return Actor(cleaned, store.find_role(conn, cleaned) or AGENT)


def current(engine: Engine, name: str | None) -> Actor:
    """Who `name` acts as on this database (on PostgreSQL, the login's agent)."""
    with engine.connect() as conn:
        return lookup_actor(conn, name)


def require_whole_log(engine: Engine) -> None:
    """`log verify` walks every entry: on PostgreSQL an agent's login reads only
    their own (row-level security), so verifying is for supervisors and
    administrators; an agent is told so rather than shown a broken chain."""
    with engine.connect() as conn:
        found = _acting(conn)
    if found is not None and found.role != SUPERVISOR:
        assert found.name is not None and found.role is not None
        raise NotAllowed(Actor(found.name, found.role), N_("verify the whole log"))


def markets_of(engine: Engine, name: str | None) -> frozenset[str]:
    """The markets the agent works (both when none were set)."""
    with engine.connect() as conn:
        actor = lookup_actor(conn, name)
        row = store.find(conn, actor.name)
    if row is None or row.markets is None:
        return frozenset(MARKETS)
    return frozenset(row.markets.split(","))


def rows(engine: Engine) -> list[AgentRow]:
    with engine.connect() as conn:
        return store.agent_rows(conn)


# --- an administrator's acts, each in the log ---------------------------------


def _admin(conn: Connection, name: str | None) -> Actor:
    """Who manages agents: the name given (or the database login), with their role if
    they are an agent, else `admin`. A mapped login is refused here, as by the database."""
    lock_head(conn)
    found = _acting(conn)
    if found is not None:
        raise DatabaseRefused(f"{found.login} ({found.name}) is not a database administrator")
    if not (name or "").strip() and conn.dialect.name == "postgresql":
        name = str(conn.exec_driver_sql("SELECT session_user").scalar_one())
    cleaned = clean_name(name)
    return Actor(cleaned, store.find_role(conn, cleaned) or ADMIN)


def _log(conn: Connection, actor: Actor, action: str, at: datetime, **details: str | None) -> None:
    append(
        conn,
        NewEntry(
            at=at,
            agent=actor.name,
            role=actor.role,
            action=action,
            details=canonical_json(details),
        ),
    )


def add(
    engine: Engine,
    name: str,
    *,
    role: str,
    at: datetime,
    login: str | None = None,
    markets: str | None = None,
    password: str | None = None,
    by: str | None = None,
) -> AgentRow:
    """Records (or updates) an agent; on PostgreSQL maps `login` to them, creating the
    login role if missing and granting it the role's group. Logged as `agent_add`."""
    from guarantee_tui.store.transactions import write_transaction

    cleaned = clean_name(name)
    chosen = parse_markets(markets)
    with write_transaction(engine) as conn, refusals():
        postgresql = conn.dialect.name == "postgresql"
        if not postgresql and (login is not None or password is not None):
            raise LoginsNeedPostgreSQL(cleaned)
        if postgresql and not (login or "").strip():
            raise LoginRequired(cleaned)
        actor = _admin(conn, by)
        if login is not None:
            login = login.strip()
            holder = store.by_login(conn, login)
            if holder is not None and holder.name != cleaned:
                raise LoginTaken(login, holder.name)
        # Logged first: the database takes a role only from the entry at the
        # log's head (migration 0008).
        _log(conn, actor, "agent_add", at, name=cleaned, role=role, login=login, markets=chosen)
        if login is not None:
            if not store.login_exists(conn, login):
                store.create_login(conn, login, password)
            elif password is not None:
                store.set_password(conn, login, password)
            store.grant_group(conn, login, role)
        if store.find_role(conn, cleaned) is None:
            store.add_agent(conn, cleaned, role, at)
        store.set_role(conn, cleaned, role)
        store.set_mapping(conn, cleaned, login=login, markets=chosen)
        row = store.find(conn, cleaned)
        assert row is not None
        return row


def set_role(engine: Engine, name: str, role: str, at: datetime) -> str:
    """Records `name` with `role`, unlogged: how the seed and tests build a team in a
    fresh database. People change roles with `change_role`, which the log records."""
    from guarantee_tui.store.transactions import write_transaction

    cleaned = clean_name(name)
    with write_transaction(engine) as conn:
        if store.find_role(conn, cleaned) is None:
            store.add_agent(conn, cleaned, role, at)
        store.set_role(conn, cleaned, role)
    return cleaned


def change_role(
    engine: Engine,
    name: str,
    role: str,
    at: datetime,
    *,
    markets: str | None = None,
    by: str | None = None,
) -> str:
    """Gives `name` the role (creating the agent if needed; on PostgreSQL their login
    moves to that role's group); returns the clean name. Logged as `agent_set`."""
    from guarantee_tui.store.transactions import write_transaction

    cleaned = clean_name(name)
    chosen = parse_markets(markets)
    with write_transaction(engine) as conn, refusals():
        actor = _admin(conn, by)
        row = store.find(conn, cleaned)
        # Logged first: the database takes a role only from the entry at the
        # log's head (migration 0008).
        _log(
            conn,
            actor,
            "agent_set",
            at,
            name=cleaned,
            role=role,
            markets=chosen if markets is not None else (row.markets if row else None),
        )
        if row is None:
            store.add_agent(conn, cleaned, role, at)
            row = store.find(conn, cleaned)
            assert row is not None
        store.set_role(conn, cleaned, role)
        if markets is not None:
            store.set_mapping(conn, cleaned, login=row.login, markets=chosen)
        if row.login is not None and conn.dialect.name == "postgresql":
            store.grant_group(conn, row.login, role)
    return cleaned


def remove(engine: Engine, name: str, at: datetime, *, by: str | None = None) -> str:
    """Takes the agent off the team: their login leaves the tool's groups (the login
    itself stays: it may serve elsewhere), their row goes; the log keeps their acts."""
    from guarantee_tui.store.transactions import write_transaction

    cleaned = clean_name(name)
    with write_transaction(engine) as conn, refusals():
        actor = _admin(conn, by)
        row = store.find(conn, cleaned)
        if row is None:
            raise UnknownAgent(cleaned)
        # Logged first: the database lets an agent go only with the entry at
        # the log's head (migration 0008).
        _log(conn, actor, "agent_remove", at, name=cleaned, login=row.login)
        if row.login is not None and conn.dialect.name == "postgresql":
            store.revoke_groups(conn, row.login)
        store.remove(conn, cleaned)
    return cleaned
