"""Search keys: every stored key computed again with the current normalisation.

`fold` now transliterates ("Cœur" -> "coeur", where it kept "cœur") and
`phone_key` drops extensions and foreign calling codes
("+33 6 12 34 56 78 poste 12" -> "612345678", where it gave "61234567812").
A query is normalised by the new functions, so keys stored by the old ones
would no longer be found: the professionals' company and phone keys (the
queue's filter) and the phone desk's search tokens are computed again, batch
by batch, with the functions the importer and the seed use. No table changes.

Revision ID: 0005_search_keys
Revises: 0004_integrity
Create Date: 2026-11-29 12:10:00.000000
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0005_search_keys"
down_revision = "0004_integrity"
branch_labels = None
depends_on = None

BATCH = 1000

# The tables as this revision knows them (not the models, which follow the head).
_PROFESSIONALS = sa.table(
    "professionals",
    sa.column("id", sa.Integer),
    sa.column("ref", sa.String),
    sa.column("company_name", sa.String),
    sa.column("email", sa.String),
    sa.column("phone", sa.String),
    sa.column("company_key", sa.String),
    sa.column("email_key", sa.String),
    sa.column("phone_key", sa.String),
)
_CLAIMS = sa.table("claims", sa.column("professional_id", sa.Integer), sa.column("ref", sa.String))
_TOKENS = sa.table(
    "search_tokens",
    sa.column("professional_id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("token", sa.String),
)
# The key columns' lengths (0001_initial): keys are cut to them, as the importer does.
_KEY_LENGTH = {"company_key": 300, "email_key": 320, "phone_key": 32}


def _cut(value: str | None, column: str) -> str | None:
    return None if value is None else value[: _KEY_LENGTH[column]]


def upgrade() -> None:
    from guarantee_tui.store.search import tokens_for
    from guarantee_tui.text import email_key, fold, phone_key

    conn = op.get_bind()
    pros = _PROFESSIONALS.c
    set_keys = (
        sa.update(_PROFESSIONALS)
        .where(pros.id == sa.bindparam("pid"))
        .values(
            company_key=sa.bindparam("new_company_key"),
            email_key=sa.bindparam("new_email_key"),
            phone_key=sa.bindparam("new_phone_key"),
        )
    )
    last = 0
    while True:
        rows = conn.execute(
            sa.select(
                pros.id,
                pros.ref,
                pros.company_name,
                pros.email,
                pros.phone,
                pros.company_key,
                pros.email_key,
                pros.phone_key,
            )
            .where(pros.id > last)
            .order_by(pros.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        ids = [row.id for row in rows]
        changed: list[dict[str, Any]] = []
        for row in rows:
            keys = {
                "new_company_key": _cut(fold(row.company_name), "company_key"),
                "new_email_key": _cut(email_key(row.email), "email_key"),
                "new_phone_key": _cut(phone_key(row.phone), "phone_key"),
            }
            if keys != {
                "new_company_key": row.company_key,
                "new_email_key": row.email_key,
                "new_phone_key": row.phone_key,
            }:
                changed.append({"pid": row.id, **keys})
        if changed:
            conn.execute(set_keys, changed)
        claim_refs: dict[int, list[str]] = {}
        for pid, ref in conn.execute(
            sa.select(_CLAIMS.c.professional_id, _CLAIMS.c.ref).where(
                _CLAIMS.c.professional_id.in_(ids)
            )
        ):
            claim_refs.setdefault(pid, []).append(ref)
        conn.execute(sa.delete(_TOKENS).where(_TOKENS.c.professional_id.in_(ids)))
        values = [
            {"professional_id": row.id, "kind": kind, "token": token}
            for row in rows
            for kind, token in sorted(
                tokens_for(
                    row.ref, row.company_name, row.email, row.phone, claim_refs.get(row.id, ())
                )
            )
        ]
        if values:
            conn.execute(sa.insert(_TOKENS), values)
        last = ids[-1]


def downgrade() -> None:
    """Nothing to undo in the schema. The keys stay as the newer functions made
    them: the code that made the older ones is gone, and an older version of
    the application still finds by them (an exact phone, a company word typed
    without ligatures)."""
