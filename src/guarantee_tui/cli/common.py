"""What every subcommand shares: options, settings, the database, `--at`."""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from guarantee_tui.config import ENV, Settings
from guarantee_tui.errors import InvalidArgument
from guarantee_tui.i18n import LANGUAGES, Translator, UnknownLanguage, normalise_language

if TYPE_CHECKING:
    from sqlalchemy import Engine

# Subcommand modules, in the order `--help` lists them.
COMMANDS = (
    "app",
    "check",
    "lookup",
    "hours",
    "decide",
    "reopen",
    "log",
    "agents",
    "case_files",
    "seed",
    "db",
)


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
    return parsed.astimezone(UTC)
