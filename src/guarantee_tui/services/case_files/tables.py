"""The tables a case file maps to, and the lookups validation needs (SQLAlchemy Core)."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from typing import Final, TypeVar

from sqlalchemy import Connection, Table, select

from guarantee_tui.store.models import Base

T = TypeVar("T")

PROFESSIONALS: Final[Table] = Base.metadata.tables["professionals"]
COMPLETENESS: Final[Table] = Base.metadata.tables["completeness_records"]
TRUST_LABELS: Final[Table] = Base.metadata.tables["trust_labels"]
PACKS: Final[Table] = Base.metadata.tables["packs"]
INCIDENTS: Final[Table] = Base.metadata.tables["payment_incidents"]
PURCHASES: Final[Table] = Base.metadata.tables["contact_purchases"]
REVIEWS: Final[Table] = Base.metadata.tables["reviews"]
CLAIMS: Final[Table] = Base.metadata.tables["claims"]
EXPLANATIONS: Final[Table] = Base.metadata.tables["explanations"]

# Case-file key -> table, for the records identified by a ref.
KEYED_TABLES: Final = {"contact_purchases": PURCHASES, "reviews": REVIEWS, "claims": CLAIMS}

# Case-file key -> (table, columns), for the collections without keys. The
# records' field names are the column names.
KEYLESS: Final[tuple[tuple[str, Table, tuple[str, ...]], ...]] = (
    ("profile_completeness", COMPLETENESS, ("at", "percent")),
    ("trust_labels", TRUST_LABELS, ("kind", "activated_at", "revoked_at")),
    ("packs", PACKS, ("name", "starts_at", "ends_at", "price_eur")),
    ("payment_incidents", INCIDENTS, ("at", "kind", "resolved_at")),
)

# Bound parameters per statement stay far below SQLite's and PostgreSQL's limits.
IN_BATCH: Final = 1000


def batches(values: Sequence[T], size: int = IN_BATCH) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def has_professionals(conn: Connection) -> bool:
    return conn.execute(select(PROFESSIONALS.c.id).limit(1)).first() is not None


class DatabaseOwners:
    """`validate.RefOwners` over a connection."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def owners(self, kind: str, refs: Collection[str]) -> dict[str, str]:
        table = KEYED_TABLES[kind]
        found: dict[str, str] = {}
        for batch in batches(list(refs)):
            stmt = (
                select(table.c.ref, PROFESSIONALS.c.ref)
                .join(PROFESSIONALS, PROFESSIONALS.c.id == table.c.professional_id)
                .where(table.c.ref.in_(batch))
            )
            found.update((ref, owner) for ref, owner in self._conn.execute(stmt))
        return found
