"""Moving a desk to a team database (and back): `db copy`.

Everything is copied, the whole log with its hashes included, and the log
is verified on the target afterwards: a copy that would not verify is
reported, not hidden.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from guarantee_tui.errors import UserError
from guarantee_tui.i18n import Translator
from guarantee_tui.services.log import Verification, verify
from guarantee_tui.store import copy as store


class TargetNotEmpty(UserError):
    def __init__(self, where: str, tables: list[str]) -> None:
        super().__init__(where)
        self.where, self.tables = where, tables

    def describe(self, tr: Translator) -> str:
        return tr(
            "{db} already holds data ({tables}): a copy goes into an empty database only. "
            "Nothing was copied.",
            db=self.where,
            tables=", ".join(self.tables),
        )


@dataclass(frozen=True, slots=True)
class Copied:
    rows: dict[str, int]
    log: Verification


def refuse_non_empty(target: Engine, where: str) -> None:
    with target.connect() as conn:
        busy = store.non_empty_tables(conn)
    if busy:
        raise TargetNotEmpty(where, busy)


def copy_database(source: Engine, target: Engine, where: str) -> Copied:
    """Copies `source` into the empty `target` in one transaction; verifies the log there."""
    refuse_non_empty(target, where)
    try:
        rows = store.copy_database(source, target)
    except store.TargetNotEmptyError as exc:
        raise TargetNotEmpty(where, exc.tables) from None
    return Copied(rows, verify(target))
