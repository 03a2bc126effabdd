"""Why a database cannot be used, told so the user knows what to do."""

from __future__ import annotations

from typing import TYPE_CHECKING

from guarantee_tui.errors import UserError

if TYPE_CHECKING:
    from guarantee_tui.i18n import Translator


class StoreError(UserError):
    def __init__(self, where: str) -> None:
        super().__init__(where)
        self.where = where


class DatabaseMissing(StoreError):
    def describe(self, tr: Translator) -> str:
        return tr(
            "No database at {where}. Create one with 'guarantee-tui seed' or "
            "'guarantee-tui db upgrade', or name another with --db.",
            where=self.where,
        )


class DatabaseUnavailable(StoreError):
    def __init__(self, where: str, reason: str) -> None:
        super().__init__(where)
        self.reason = reason

    def describe(self, tr: Translator) -> str:
        return tr("Cannot use the database {where}: {reason}", where=self.where, reason=self.reason)


class SchemaEmpty(StoreError):
    def __init__(self, where: str, *, has_tables: bool) -> None:
        super().__init__(where)
        self.has_tables = has_tables

    def describe(self, tr: Translator) -> str:
        if self.has_tables:
            return tr(
                "The database {where} was not made by guarantee-tui (no schema revision).",
                where=self.where,
            )
        return tr(
            "The database {where} is empty. Run 'guarantee-tui db upgrade' to create "
            "the tables (or 'guarantee-tui seed' for sample data).",
            where=self.where,
        )


class SchemaOutdated(StoreError):
    def __init__(self, where: str, revision: str, expected: str) -> None:
        super().__init__(where)
        self.revision, self.expected = revision, expected

    def describe(self, tr: Translator) -> str:
        return tr(
            "The database {where} is at schema revision {revision}; this version needs "
            "{expected}. Run 'guarantee-tui db upgrade' to bring it up to date.",
            where=self.where,
            revision=self.revision,
            expected=self.expected,
        )


class SchemaNewer(StoreError):
    def __init__(self, where: str, revision: str) -> None:
        super().__init__(where)
        self.revision = revision

    def describe(self, tr: Translator) -> str:
        return tr(
            "The database {where} is at schema revision {revision}, which this version "
            "of guarantee-tui does not know. Upgrade guarantee-tui.",
            where=self.where,
            revision=self.revision,
        )
