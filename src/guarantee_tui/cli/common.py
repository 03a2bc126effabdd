"""What every subcommand shares: options, settings, the database, `--at`."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final

from guarantee_tui.config import ENV, Settings
from guarantee_tui.errors import InvalidArgument, UserError
from guarantee_tui.i18n import LANGUAGES, Translator, UnknownLanguage, normalise_language

if TYPE_CHECKING:
    from sqlalchemy import Engine

# Subcommand modules, in the order `--help` lists them.
COMMANDS = (
    "app",
    "check",
    "lookup",
    "hours",
    "take",
    "release",
    "decide",
    "reopen",
    "log",
    "agents",
    "case_files",
    "intake",
    "seed",
    "sync",
    "pull",
    "db",
)


class DatabaseBusy(UserError):
    """Another process holds the database's write lock longer than we wait for it."""

    def __init__(self, where: str) -> None:
        super().__init__(where)
        self.where = where

    def describe(self, tr: Translator) -> str:
        return tr(
            "The database {where} is busy: another process (an import, a seed, a "
            "migration) is writing to it. Nothing was changed; try again once it has finished.",
            where=self.where,
        )


class DatabaseDamaged(UserError):
    def __init__(self, where: str, reason: str) -> None:
        super().__init__(where)
        self.where, self.reason = where, reason

    def describe(self, tr: Translator) -> str:
        return tr(
            "The database {where} is damaged ({reason}). Nothing was changed. Restore it "
            "from a backup; for a SQLite file, 'sqlite3 FILE .recover' saves what it can.",
            where=self.where,
            reason=self.reason,
        )


class DatabaseFailed(UserError):
    def __init__(self, where: str, reason: str) -> None:
        super().__init__(where)
        self.where, self.reason = where, reason

    def describe(self, tr: Translator) -> str:
        return tr(
            "The database {where} refused the work ({reason}). Nothing was changed; "
            "check that it is reachable and try again.",
            where=self.where,
            reason=self.reason,
        )


# SQLite's result codes and PostgreSQL's SQLSTATEs for a lock not granted in time...
_BUSY: Final = frozenset(("SQLITE_BUSY", "SQLITE_LOCKED", "55P03", "40P01"))
# ...and for a damaged file or page.
_DAMAGED: Final = frozenset(("SQLITE_CORRUPT", "SQLITE_NOTADB", "XX001", "XX002"))


def database_error(exc: BaseException, db: str | None) -> UserError | None:
    """A database's refusal that no service turned into a message (a lock held by
    another process, a damaged page, a lost server), as one saying what to do;
    None for anything else.

    Looks SQLAlchemy up among the loaded modules rather than importing it: the
    app's start must not wait for it, and an exception of it means it is loaded.
    """
    errors = sys.modules.get("sqlalchemy.exc")
    if errors is None or not isinstance(exc, errors.DBAPIError):
        return None
    # A violated constraint or wrong SQL is a bug, not the database's state.
    if isinstance(exc, errors.IntegrityError | errors.ProgrammingError):
        return None
    orig = exc.orig
    code = getattr(orig, "sqlite_errorname", None) or getattr(orig, "sqlstate", None) or ""
    reason = (str(orig or exc).strip().splitlines() or [type(exc).__name__])[0]
    where = _where(db)
    if code in _BUSY or reason == "database is locked":
        return DatabaseBusy(where)
    if code in _DAMAGED or "malformed" in reason or "not a database" in reason:
        return DatabaseDamaged(where, reason)
    return DatabaseFailed(where, reason)


def _where(db: str | None) -> str:
    from guarantee_tui.store.engine import describe, resolve_url

    try:
        return describe(resolve_url(db))
    except UserError:
        return db or "?"


@dataclass(frozen=True, slots=True)
class Context:
    settings: Settings
    tr: Translator

    def engine(self) -> Engine:
        """The configured database, which must exist at the current schema revision."""
        from guarantee_tui.store.engine import open_database

        return open_database(self.settings.db)


def early_language(argv: Sequence[str]) -> str:
    """The language for help texts, read before the parser exists."""
    import os

    value = os.environ.get(ENV["lang"], "en")
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            value = argv[i + 1]
        elif arg.startswith("--lang="):
            value = arg.split("=", 1)[1]
    try:
        return normalise_language(value)
    except UnknownLanguage:
        return "en"


def add_common(parser: argparse.ArgumentParser, tr: Translator, *, top: bool = False) -> None:
    # Subparsers must not overwrite a value given before the subcommand.
    default = None if top else argparse.SUPPRESS
    parser.add_argument(
        "--db",
        metavar="URL",
        default=default,
        help=tr(
            "database: a SQLite file path or a URL such as "
            "postgresql+psycopg://user@host/db (default: $GUARANTEE_TUI_DB, else sample.db)"
        ),
    )
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=default,
        help=tr("language of what is shown: en, fr or pt (default: $GUARANTEE_TUI_LANG, else en)"),
    )


# The options of the workspace itself (no subcommand), each taking a value.
WORKSPACE_OPTIONS = ("--db", "--lang", "--agent")


def opens_the_workspace(argv: Sequence[str]) -> bool:
    """Whether `argv` holds only the workspace's own options: then the parser
    needs no subcommand (their modules are not even imported, for a faster start)."""
    args = iter(argv)
    for arg in args:
        if arg in WORKSPACE_OPTIONS:
            if next(args, None) is None:
                return False
        elif not any(arg.startswith(f"{option}=") for option in WORKSPACE_OPTIONS):
            return False
    return True


def build_parser(tr: Translator, argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The command line's parser; given `argv` that only opens the workspace,
    one without the subcommands."""
    parser = argparse.ArgumentParser(
        prog="guarantee-tui",
        description=tr(
            "Work the '20 contacts' guarantee claims. Without a subcommand, "
            "opens the agent workspace."
        ),
    )
    add_common(parser, tr, top=True)
    subparsers = parser.add_subparsers(metavar="COMMAND", title=tr("commands"))
    commands = ("app",) if argv is not None and opens_the_workspace(argv) else COMMANDS
    for name in commands:
        module = importlib.import_module(f"guarantee_tui.cli.{name}")
        module.register(parser, subparsers, tr)
    return parser


def parse_at(value: str | None, tr: Translator) -> datetime:
    """`--at`: an ISO 8601 date-time with an offset or Z; now when not given."""
    if value is None:
        return datetime.now(UTC)
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise InvalidArgument(
            "--at", value, tr("not an ISO 8601 date-time (e.g. 2026-11-21T12:00:00Z)")
        ) from None
    if parsed.tzinfo is None:
        raise InvalidArgument(
            "--at", value, tr("the date-time needs an offset or Z (e.g. 2026-11-21T12:00:00+01:00)")
        )
    return in_accepted_range("--at", value, parsed, tr)


def in_accepted_range(option: str, value: str, moment: datetime, tr: Translator) -> datetime:
    """`moment` in UTC, if within the window the tool works in (policy/window.py)."""
    from guarantee_tui.policy.window import EARLIEST_DAY, LATEST_DAY, in_window

    try:
        utc = moment.astimezone(UTC)
    except OverflowError:
        utc = None
    if utc is None or not in_window(utc):
        raise InvalidArgument(
            option,
            value,
            tr(
                "outside the accepted range, {earliest} to {latest} (UTC)",
                earliest=EARLIEST_DAY.isoformat(),
                latest=LATEST_DAY.isoformat(),
            ),
        )
    return utc
