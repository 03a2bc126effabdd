"""Errors caused by what a person asked for, with a message for that person.

A `UserError` is never shown as a traceback: commands print `describe(tr)`
on one line and exit with `exit_status`; screens show it in a notice or an
error screen. Anything else escaping is a bug.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from guarantee_tui.i18n import Translator


class UserError(Exception):
    exit_status = 2

    def describe(self, tr: Translator) -> str:
        raise NotImplementedError

    def __str__(self) -> str:
        from guarantee_tui.i18n import translator

        return self.describe(translator("en"))


class InvalidArgument(UserError):
    """A command-line value that cannot be used."""

    def __init__(self, option: str, value: str, reason: str) -> None:
        super().__init__(f"{option}: {value}: {reason}")
        self.option, self.value, self.reason = option, value, reason

    def describe(self, tr: Translator) -> str:
        return tr(
            "{option}: {value}: {reason}", option=self.option, value=self.value, reason=self.reason
        )
