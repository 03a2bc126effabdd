"""Settings: database, UI language and agent; the support lines' closures.

Each of db, lang and agent comes from, in order of precedence: the command
line, an environment variable, the TOML config file in the user's config
directory, a default. Roles are not settings: they live in the database's
agents table (`guarantee-tui agents set NAME --role supervisor`), so that a
config file or a variable can name who you are but never make you a supervisor.

The office hours of the support lines are set in the config file only::

    db = "/srv/guarantee.db"
    agent = "Ana"

    # Whether the country's public holidays close a market's line (default:
    # true for every market). One value for all markets...
    holidays = true
    # ...or one per market; a string names a subdivision of the country whose
    # own holidays apply too (the `holidays` package's codes, e.g. PT "11"
    # for the district of Lisbon, FR "57" for Moselle).
    # [holidays]
    # FR = true
    # PT = "11"

    # Extra days a line is closed (a company day off), per market.
    [closures]
    FR = ["2026-12-24", "2026-12-31"]
    PT = ["2026-12-24"]

    # E-mail intake: the largest message read, attachments included (default 25).
    [intake]
    max_message_mb = 25

    # Other keys for the workspace's actions, by binding id (the README lists
    # them): one key or a list; they replace the action's default keys.
    [keymap]
    "queue.filter" = "f"
    down = ["down", "j", "n"]

    # Team mode: how long a claim stays taken without activity (1 to 1440).
    [team]
    lease_minutes = 15

    # Saved views of the queue (`f` applies the next, the palette lists them);
    # one named "default" is the queue's opening view and what `x` goes back to.
    # status: open, decided, approved, rejected, suspended or all (or a list);
    # market: FR, PT or all; verdict: eligible, pending, not_eligible or all;
    # text: as typed in the filter; sort: a column (claim, company, market,
    # submitted, age, status, verdict, action, refund), "-" first for descending.
    [filters.default]
    status = "open"
    market = "FR"
    [filters.big-refunds]
    status = "open"
    sort = "-refund"
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

from platformdirs import user_config_path

from guarantee_tui.errors import UserError
from guarantee_tui.filters import OPEN, QueueFilter, QueueSort
from guarantee_tui.i18n import (
    DEFAULT_LANGUAGE,
    N_,
    Translator,
    UnknownLanguage,
    normalise_language,
)

APP_NAME: Final = "guarantee-tui"
CONFIG_ENV: Final = "GUARANTEE_TUI_CONFIG"
ENV: Final = {
    "db": "GUARANTEE_TUI_DB",
    "lang": "GUARANTEE_TUI_LANG",
    "agent": "GUARANTEE_TUI_AGENT",
}
MARKETS: Final = ("FR", "PT")
# Settings of the config file that are not strings (and have no variable).
HOURS_KEYS: Final = ("holidays", "closures")
KEYMAP_KEY: Final = "keymap"
# The marketplace's link, read by platform/settings.py.
MARKETPLACE_KEY: Final = "marketplace"
# Team mode: `[team] lease_minutes`, read by `team_lease_minutes`.
TEAM_KEY: Final = "team"
LEASE_KEY: Final = "lease_minutes"
DEFAULT_LEASE_MINUTES: Final = 15
# A day: a longer lease would keep a claim from the team long after its agent left.
MAX_LEASE_MINUTES: Final = 24 * 60
# E-mail intake: `[intake] max_message_mb`, read by `intake_max_bytes`.
INTAKE_KEY: Final = "intake"
# Saved views of the queue: `[filters.NAME]`, read by `saved_filters`.
FILTERS_KEY: Final = "filters"
FILTER_STATUSES: Final = {
    "open": ("open",),
    "decided": ("approved", "rejected", "suspended"),
    "approved": ("approved",),
    "rejected": ("rejected",),
    "suspended": ("suspended",),
    "all": (),
}
FILTER_VERDICTS: Final = ("eligible", "pending", "not_eligible")
FILTER_SORTS: Final = (
    "claim",
    "company",
    "market",
    "submitted",
    "age",
    "status",
    "verdict",
    "action",
    "refund",
)
FILTER_FIELDS: Final = ("status", "market", "verdict", "text", "sort")
# The saved filter the queue opens on, and what `x` goes back to.
DEFAULT_FILTER: Final = "default"
DEFAULT_MAX_MESSAGE_MB: Final = 25


class ConfigError(UserError):
    def __init__(self, source: str, key: str, problem: str) -> None:
        super().__init__(f"{source}: {key}: {problem}")
        self.source, self.key, self.problem = source, key, problem

    def describe(self, tr: Translator) -> str:
        return tr(
            "{source}: {key}: {problem}", source=self.source, key=self.key, problem=tr(self.problem)
        )


def _no_closures() -> Mapping[str, frozenset[date]]:
    return MappingProxyType({})


def _all_holidays() -> Mapping[str, bool | str]:
    return MappingProxyType(dict.fromkeys(MARKETS, True))


@dataclass(frozen=True, slots=True)
class HoursSettings:
    """When the support lines close besides nights and weekends."""

    # Per market: True (the country's public holidays close the line), False
    # (they do not), or a subdivision code whose holidays apply as well.
    holidays: Mapping[str, bool | str] = field(default_factory=_all_holidays)
    # Per market: extra days the line is closed.
    closures: Mapping[str, frozenset[date]] = field(default_factory=_no_closures)


def _no_keys() -> Mapping[str, str]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class KeymapSettings:
    """The config file's `[keymap]`: binding id -> keys ("f", or "down,j" for
    several). The UI, which knows the ids and the key names, checks them."""

    keys: Mapping[str, str] = field(default_factory=_no_keys)
    source: str = "-"


@dataclass(frozen=True, slots=True)
class SavedFilter:
    """One `[filters.NAME]` of the config file, checked; empty tuples mean "all"."""

    name: str
    statuses: tuple[str, ...] = ("open",)
    markets: tuple[str, ...] = ()
    verdicts: tuple[str, ...] = ()
    text: str = ""
    # None: the queue's own order (open first, oldest first).
    sort: str | None = None
    descending: bool = False


def view_of(saved: SavedFilter) -> tuple[QueueFilter, QueueSort]:
    """The filter and order of a `[filters.NAME]` of the config file."""
    return (
        QueueFilter(
            text=saved.text,
            statuses=frozenset(saved.statuses),
            markets=frozenset(saved.markets),
            verdicts=frozenset(saved.verdicts),
        ),
        QueueSort(saved.sort, saved.descending),
    )


def saved_named(saved: Iterable[SavedFilter], name: str) -> SavedFilter | None:
    """The `[filters.NAME]` of the config file called `name`, if there is one."""
    return next((s for s in saved if s.name == name), None)


def opening_view(
    saved: Iterable[SavedFilter], markets: frozenset[str] | None = None
) -> tuple[QueueFilter, QueueSort]:
    """What the queue opens on: the config file's `[filters.default]`, else the
    open claims of the agent's market (when they work one, `markets`)."""
    default = saved_named(saved, DEFAULT_FILTER)
    if default is not None:
        return view_of(default)
    one = frozenset(markets) if markets and len(markets) == 1 else frozenset()
    return QueueFilter(statuses=OPEN, markets=one), QueueSort()


@dataclass(frozen=True, slots=True)
class Settings:
    db: str | None = None
    lang: str = DEFAULT_LANGUAGE
    agent: str | None = None
    hours: HoursSettings = field(default_factory=HoursSettings)
    keymap: KeymapSettings = field(default_factory=KeymapSettings)
    # How long a claim stays taken without activity (`[team] lease_minutes`).
    lease_minutes: int = DEFAULT_LEASE_MINUTES
    # The queue's saved views (`[filters.NAME]`), in the file's order.
    filters: tuple[SavedFilter, ...] = ()


def config_path() -> Path:
    explicit = os.environ.get(CONFIG_ENV)
    if explicit:
        return Path(explicit).expanduser()
    return user_config_path(APP_NAME) / "config.toml"


def _read(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    # Here, not at the top: with no config file the first paint need not.
    import tomllib

    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(str(path), "-", str(exc)) from exc  # the parser's own words


def _from_file(path: Path, data: Mapping[str, Any] | None = None) -> dict[str, str]:
    data = _read(path) if data is None else data
    values: dict[str, str] = {}
    for key, value in data.items():
        if key in HOURS_KEYS or key in (KEYMAP_KEY, MARKETPLACE_KEY, TEAM_KEY, INTAKE_KEY):
            continue
        if key == FILTERS_KEY:
            continue
        if key == "role":
            raise ConfigError(
                str(path),
                key,
                N_("roles are kept in the database: guarantee-tui agents set NAME --role ROLE"),
            )
        if key not in ENV:
            raise ConfigError(
                str(path),
                key,
                N_(
                    "unknown setting (known: db, lang, agent, holidays, closures, keymap, "
                    "marketplace, team, intake)"
                ),
            )
        if not isinstance(value, str):
            raise ConfigError(str(path), key, N_("must be a string"))
        values[key] = value
    return values


def load_settings(
    overrides: Mapping[str, str | None] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Settings from the config file, the environment and `overrides` (the command line)."""
    env = os.environ if environ is None else environ
    path = config_path()
    data = _read(path)
    merged: dict[str, tuple[str, str]] = {
        key: (str(path), value) for key, value in _from_file(path, data).items()
    }
    for key, var in ENV.items():
        if env.get(var):
            merged[key] = (var, env[var])
    for key, value in (overrides or {}).items():
        if value:
            merged[key] = (f"--{key}", value)
    values: dict[str, str] = {}
    for key, (source, value) in merged.items():
        if key == "lang":
            try:
                value = normalise_language(value)
            except UnknownLanguage:
                raise ConfigError(
                    source, value, N_("unknown language (use en, fr or pt)")
                ) from None
        values[key] = value
    return Settings(
        db=values.get("db"),
        lang=values.get("lang", DEFAULT_LANGUAGE),
        agent=values.get("agent") or _login_name(),
        hours=hours_settings(data, str(path)),
        keymap=keymap_settings(data, str(path)),
        lease_minutes=team_lease_minutes(data, str(path)),
        filters=saved_filters(data, str(path)),
    )


def _subdivision_ok(market: str, code: str) -> bool:
    import holidays

    return code in holidays.country_holidays(market).subdivisions


def hours_settings(data: Mapping[str, Any], source: str = "-") -> HoursSettings:
    """The `holidays` and `closures` of a config file's data (see the module's docstring)."""
    flags: dict[str, bool | str] = dict.fromkeys(MARKETS, True)
    given = data.get("holidays", True)
    if isinstance(given, bool):
        flags = dict.fromkeys(MARKETS, given)
    elif isinstance(given, Mapping):
        for market, value in given.items():
            key = f"holidays.{market}"
            if market not in MARKETS:
                raise ConfigError(source, key, N_("unknown market (use FR or PT)"))
            if isinstance(value, str) and not _subdivision_ok(market, value):
                raise ConfigError(source, key, N_("unknown subdivision of this country"))
            if not isinstance(value, bool | str):
                raise ConfigError(source, key, N_("must be true, false or a subdivision code"))
            flags[market] = value
    else:
        raise ConfigError(source, "holidays", N_("must be true, false or a table of markets"))
    closures: dict[str, frozenset[date]] = {}
    given_closures = data.get("closures", {})
    if not isinstance(given_closures, Mapping):
        raise ConfigError(source, "closures", N_("must be a table of markets"))
    for market, days in given_closures.items():
        key = f"closures.{market}"
        if market not in MARKETS:
            raise ConfigError(source, key, N_("unknown market (use FR or PT)"))
        if not isinstance(days, list):
            raise ConfigError(source, key, N_("must be a list of dates (YYYY-MM-DD)"))
        parsed: set[date] = set()
        for day in days:
            if isinstance(day, date) and not hasattr(day, "hour"):
                parsed.add(day)
            elif isinstance(day, str):
                try:
                    parsed.add(date.fromisoformat(day.strip()))
                except ValueError:
                    raise ConfigError(
                        source, key, N_("must be a list of dates (YYYY-MM-DD)")
                    ) from None
            else:
                raise ConfigError(source, key, N_("must be a list of dates (YYYY-MM-DD)"))
        closures[market] = frozenset(parsed)
    return HoursSettings(MappingProxyType(flags), MappingProxyType(closures))


def keymap_settings(data: Mapping[str, Any], source: str = "-") -> KeymapSettings:
    """The `[keymap]` table of a config file's data, its shape checked."""
    given = data.get(KEYMAP_KEY, {})
    if not isinstance(given, Mapping):
        raise ConfigError(source, KEYMAP_KEY, N_("must be a table of binding ids"))
    keys: dict[str, str] = {}
    for binding_id, value in given.items():
        where = f"{KEYMAP_KEY}.{binding_id}"
        listed = [value] if isinstance(value, str) else value
        if (
            not isinstance(listed, list)
            or not listed
            or not all(isinstance(key, str) and key.strip() for key in listed)
        ):
            raise ConfigError(source, where, N_("must be a key or a list of keys"))
        keys[binding_id] = ",".join(key.strip() for key in listed)
    return KeymapSettings(MappingProxyType(keys), source)


def team_lease_minutes(data: Mapping[str, Any], source: str = "-") -> int:
    """The config file's `[team] lease_minutes`, checked: a whole number of minutes
    from 1 to a day (a bad one is refused at start, naming the setting and the file)."""
    team = data.get(TEAM_KEY, {})
    if not isinstance(team, Mapping):
        raise ConfigError(source, TEAM_KEY, N_("must be a table"))
    for key in team:
        if key != LEASE_KEY:
            raise ConfigError(
                source, f"{TEAM_KEY}.{key}", N_("unknown setting (known: lease_minutes)")
            )
    value = team.get(LEASE_KEY, DEFAULT_LEASE_MINUTES)
    # TOML gives bool, float and str apart from int; true is not a number of minutes.
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_LEASE_MINUTES:
        raise ConfigError(
            source,
            f"{TEAM_KEY}.{LEASE_KEY}",
            N_("must be a whole number of minutes from 1 to 1440"),
        )
    return value


def lease_minutes(path: Path | None = None) -> int:
    """How long a claim stays taken without activity: `[team] lease_minutes`."""
    source = path or config_path()
    return team_lease_minutes(_read(source), str(source))


def intake_max_bytes(path: Path | None = None) -> int:
    """The largest message intake reads, attachments included: `[intake] max_message_mb`."""
    source = path or config_path()
    section = _read(source).get(INTAKE_KEY, {})
    if not isinstance(section, Mapping):
        raise ConfigError(str(source), INTAKE_KEY, N_("must be a table"))
    value = section.get("max_message_mb", DEFAULT_MAX_MESSAGE_MB)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 500:
        raise ConfigError(
            str(source),
            f"{INTAKE_KEY}.max_message_mb",
            N_("must be a whole number of megabytes from 1 to 500"),
        )
    return value * 1024 * 1024


def _names(
    value: Any, known: Mapping[str, Any] | tuple[str, ...], where: str, source: str, problem: str
) -> tuple[str, ...]:
    listed = [value] if isinstance(value, str) else value
    if not isinstance(listed, list) or not listed or not all(isinstance(v, str) for v in listed):
        raise ConfigError(source, where, problem)
    names: list[str] = []
    for item in listed:
        if item == "all":
            return ()
        if item not in known:
            raise ConfigError(source, where, problem)
        names.append(item)
    return tuple(names)


def saved_filters(data: Mapping[str, Any], source: str = "-") -> tuple[SavedFilter, ...]:
    """The config file's `[filters.NAME]` tables (see the module's docstring), checked:
    a wrong one is refused at start, naming the key and the file."""
    given = data.get(FILTERS_KEY, {})
    if not isinstance(given, Mapping):
        raise ConfigError(source, FILTERS_KEY, N_("must be a table of named filters"))
    found: list[SavedFilter] = []
    for name, table in given.items():
        where = f"{FILTERS_KEY}.{name}"
        if not isinstance(table, Mapping):
            raise ConfigError(
                source, where, N_("must be a table (status, market, verdict, text, sort)")
            )
        for key in table:
            if key not in FILTER_FIELDS:
                raise ConfigError(
                    source,
                    f"{where}.{key}",
                    N_("unknown setting (known: status, market, verdict, text, sort)"),
                )
        statuses: tuple[str, ...] = ("open",)
        if "status" in table:
            chosen = _names(
                table["status"],
                FILTER_STATUSES,
                f"{where}.status",
                source,
                N_("must be open, decided, approved, rejected, suspended or all (or a list)"),
            )
            statuses = tuple(sorted({s for c in chosen for s in FILTER_STATUSES[c]}))
        markets: tuple[str, ...] = ()
        if "market" in table:
            markets = _names(
                table["market"],
                MARKETS,
                f"{where}.market",
                source,
                N_("must be FR, PT or all (or a list)"),
            )
        verdicts: tuple[str, ...] = ()
        if "verdict" in table:
            verdicts = _names(
                table["verdict"],
                FILTER_VERDICTS,
                f"{where}.verdict",
                source,
                N_("must be eligible, pending, not_eligible or all (or a list)"),
            )
        text = table.get("text", "")
        if not isinstance(text, str):
            raise ConfigError(source, f"{where}.text", N_("must be a string"))
        sort = table.get("sort")
        descending = False
        if sort is not None:
            if not isinstance(sort, str) or sort.lstrip("-") not in FILTER_SORTS:
                raise ConfigError(
                    source,
                    f"{where}.sort",
                    N_(
                        "must be a column (claim, company, market, submitted, age, status, "
                        "verdict, action, refund), with - first for descending"
                    ),
                )
            descending = sort.startswith("-")
            sort = sort.lstrip("-")
        found.append(
            SavedFilter(str(name), statuses, markets, verdicts, text.strip(), sort, descending)
        )
    return tuple(found)


def _login_name() -> str | None:
    """Who is at the keyboard when nobody said: the system's login name."""
    import getpass

    try:
        return getpass.getuser() or None
    except (KeyError, OSError):
        return None


# --- E-mail intake from an IMAP mailbox ---------------------------------------------
#
#     [intake]
#     imap_url = "imaps://mail.example.com"     # imaps:// (port 993) or imap:// (143)
#     imap_folder = "INBOX"                     # the default
#     imap_user = "support@example.com"
#     imap_ca_file = "ca.pem"                   # optional; relative: to this file
#     imap_poll_seconds = 60                    # --watch and the app (1 to 3600)
#
# The password comes from GUARANTEE_TUI_IMAP_PASSWORD, else from ~/.netrc (the
# line of the server's host and the user): never from the command line, which
# `ps` shows everyone, nor from this file, which is often shared.

IMAP_PASSWORD_ENV: Final = "GUARANTEE_TUI_IMAP_PASSWORD"
DEFAULT_IMAP_FOLDER: Final = "INBOX"
DEFAULT_IMAP_POLL_SECONDS: Final = 60
_IMAP_PORTS: Final = {"imaps": 993, "imap": 143}


class ImapNotConfigured(UserError):
    """`[intake] imap_url` or `imap_user` is missing."""

    def __init__(self, source: str, key: str) -> None:
        super().__init__(f"{source}: {key}")
        self.source, self.key = source, key

    def describe(self, tr: Translator) -> str:
        return tr(
            "No IMAP mailbox is configured: set [intake] {key} in {source}. Nothing was taken in.",
            key=self.key,
            source=self.source,
        )


class ImapPasswordMissing(UserError):
    def __init__(self, variable: str, netrc: str, host: str, user: str, problem: str = "") -> None:
        super().__init__(f"{variable} / {netrc}")
        self.variable, self.netrc, self.host, self.user = variable, netrc, host, user
        self.problem = problem

    def describe(self, tr: Translator) -> str:
        if self.problem:
            return tr(
                "No password for the IMAP mailbox: {variable} is not set and {netrc} "
                "cannot be read ({problem}). Nothing was taken in.",
                variable=self.variable,
                netrc=self.netrc,
                problem=tr(self.problem),
            )
        return tr(
            "No password for the IMAP mailbox: set {variable}, or add a line "
            "'machine {host} login {user} password ...' to {netrc}. Nothing was taken in.",
            variable=self.variable,
            netrc=self.netrc,
            host=self.host,
            user=self.user,
        )


@dataclass(frozen=True, slots=True)
class ImapSettings:
    """Where the claims mailbox is and how to log in; the password never shows."""

    scheme: str  # "imaps" or "imap"
    host: str
    port: int
    folder: str
    user: str
    password: str = field(repr=False)
    # Where the password came from (the variable's name or the netrc file), for messages.
    password_source: str
    ca_file: Path | None
    poll_seconds: int
    # The config file, for messages naming a key.
    source: str

    @property
    def where(self) -> str:
        """The mailbox as people write it, without the password."""
        return f"{self.scheme}://{self.user}@{self.host}:{self.port}/{self.folder}"


def _intake_table(data: Mapping[str, Any], source: str) -> Mapping[str, Any]:
    section = data.get(INTAKE_KEY, {})
    if not isinstance(section, Mapping):
        raise ConfigError(source, INTAKE_KEY, N_("must be a table"))
    return section


def imap_configured(path: Path | None = None) -> bool:
    """Whether the config file names an IMAP mailbox (`[intake] imap_url`)."""
    source = path or config_path()
    return "imap_url" in _intake_table(_read(source), str(source))


def _imap_text(section: Mapping[str, Any], source: str, key: str, default: str | None) -> str:
    value = section.get(key, default)
    if value is None:
        raise ImapNotConfigured(source, key)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(source, f"{INTAKE_KEY}.{key}", N_("must be a non-empty string"))
    return value.strip()


def _imap_address(value: str, source: str) -> tuple[str, str, int]:
    from urllib.parse import urlsplit

    key = f"{INTAKE_KEY}.imap_url"
    bad = N_(
        "must be imaps://HOST or imaps://HOST:PORT (or imap:// with STARTTLS or on this machine)"
    )
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise ConfigError(source, key, bad) from None
    if parts.scheme not in _IMAP_PORTS or not parts.hostname:
        raise ConfigError(source, key, bad)
    if parts.username is not None or parts.password is not None:
        raise ConfigError(
            source,
            key,
            N_(
                "no user or password in the URL: the user goes in [intake] imap_user, the "
                "password in GUARANTEE_TUI_IMAP_PASSWORD or ~/.netrc"
            ),
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ConfigError(
            source, key, N_("no folder in the URL: the folder goes in [intake] imap_folder")
        )
    return parts.scheme, parts.hostname, port or _IMAP_PORTS[parts.scheme]


def _imap_password(host: str, user: str, environ: Mapping[str, str]) -> tuple[str, str]:
    import netrc
    import stat

    given = environ.get(IMAP_PASSWORD_ENV)
    if given:
        return given, IMAP_PASSWORD_ENV
    where = os.path.join(environ.get("HOME") or os.path.expanduser("~"), ".netrc")
    try:
        mode = os.stat(where).st_mode
    except FileNotFoundError:
        raise ImapPasswordMissing(IMAP_PASSWORD_ENV, where, host, user) from None
    except OSError as exc:
        raise ImapPasswordMissing(
            IMAP_PASSWORD_ENV, where, host, user, exc.strerror or str(exc)
        ) from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        # As ftp and curl: a password others may read is no secret (chmod 600).
        raise ImapPasswordMissing(
            IMAP_PASSWORD_ENV, where, host, user, N_("readable by other users: chmod 600")
        )
    try:
        entry = netrc.netrc(where).authenticators(host)
    except (OSError, netrc.NetrcParseError) as exc:
        problem = getattr(exc, "msg", None) or getattr(exc, "strerror", None) or str(exc)
        raise ImapPasswordMissing(IMAP_PASSWORD_ENV, where, host, user, problem) from None
    if entry is None or not entry[2] or (entry[0] and entry[0] != user):
        raise ImapPasswordMissing(IMAP_PASSWORD_ENV, where, host, user)
    return entry[2], where


def imap_settings(
    path: Path | None = None, environ: Mapping[str, str] | None = None
) -> ImapSettings:
    """The IMAP mailbox's settings, checked; a missing or bad one names its key and file."""
    env = os.environ if environ is None else environ
    config = path or config_path()
    source = str(config)
    section = _intake_table(_read(config), source)
    scheme, host, port = _imap_address(_imap_text(section, source, "imap_url", None), source)
    user = _imap_text(section, source, "imap_user", None)
    folder = _imap_text(section, source, "imap_folder", DEFAULT_IMAP_FOLDER)
    ca_file: Path | None = None
    if "imap_ca_file" in section:
        ca_file = Path(_imap_text(section, source, "imap_ca_file", None)).expanduser()
        if not ca_file.is_absolute():
            ca_file = config.parent / ca_file
        if not ca_file.is_file():
            raise ConfigError(str(ca_file), f"{INTAKE_KEY}.imap_ca_file", N_("no such file"))
    poll = section.get("imap_poll_seconds", DEFAULT_IMAP_POLL_SECONDS)
    if isinstance(poll, bool) or not isinstance(poll, int) or not 1 <= poll <= 3600:
        raise ConfigError(
            source,
            f"{INTAKE_KEY}.imap_poll_seconds",
            N_("must be a whole number of seconds from 1 to 3600"),
        )
    password, password_source = _imap_password(host, user, env)
    return ImapSettings(
        scheme, host, port, folder, user, password, password_source, ca_file, poll, source
    )
