"""Phone desk: the search tokens professionals are found by, and call notes.

The tokens of the professionals already in the database are computed here,
batch by batch, with the same function the importer and the seed use.

Revision ID: 0003_phone_desk
Revises: 0002_workflow
Create Date: 2026-11-22 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import guarantee_tui.store.types

revision = "0003_phone_desk"
down_revision = "0002_workflow"
branch_labels = None
depends_on = None

BATCH = 1000


def upgrade() -> None:
    op.create_table(
        "search_tokens",
        sa.Column("professional_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column(
            "token",
            sa.String(length=320).with_variant(sa.String(length=320, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "kind IN ('company', 'email', 'phone', 'ref', 'claim')",
            name=op.f("ck_search_tokens_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["professional_id"],
            ["professionals.id"],
            name=op.f("fk_search_tokens_professional_id_professionals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("professional_id", "kind", "token", name=op.f("pk_search_tokens")),
    )
    with op.batch_alter_table("search_tokens", schema=None) as batch_op:
        batch_op.create_index("ix_search_tokens_kind_token", ["kind", "token"], unique=False)

    op.create_table(
        "call_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("professional_id", sa.Integer(), nullable=False),
        sa.Column("agent", sa.String(length=100), nullable=False),
        sa.Column("at", guarantee_tui.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("log_seq", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('informed', 'callback', 'complaint', 'other')",
            name=op.f("ck_call_notes_outcome"),
        ),
        sa.ForeignKeyConstraint(
            ["log_seq"], ["log_entries.seq"], name=op.f("fk_call_notes_log_seq_log_entries")
        ),
        sa.ForeignKeyConstraint(
            ["professional_id"],
            ["professionals.id"],
            name=op.f("fk_call_notes_professional_id_professionals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_notes")),
        sa.UniqueConstraint("log_seq", name=op.f("uq_call_notes_log_seq")),
    )
    with op.batch_alter_table("call_notes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_call_notes_professional_at", ["professional_id", "at"], unique=False
        )

    _fill_search_tokens()


def _fill_search_tokens() -> None:
    """Tokens for the professionals already there (none in a new database)."""
    from guarantee_tui.store.search import tokens_for

    conn = op.get_bind()
    pros = sa.table(
        "professionals",
        sa.column("id", sa.Integer),
        sa.column("ref", sa.String),
        sa.column("company_name", sa.String),
        sa.column("email", sa.String),
        sa.column("phone", sa.String),
    )
    claims = sa.table(
        "claims", sa.column("professional_id", sa.Integer), sa.column("ref", sa.String)
    )
    tokens = sa.table(
        "search_tokens",
        sa.column("professional_id", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("token", sa.String),
    )
    last = 0
    while True:
        rows = conn.execute(
            sa.select(pros.c.id, pros.c.ref, pros.c.company_name, pros.c.email, pros.c.phone)
            .where(pros.c.id > last)
            .order_by(pros.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        ids = [r[0] for r in rows]
        claim_refs: dict[int, list[str]] = {}
        for pid, ref in conn.execute(
            sa.select(claims.c.professional_id, claims.c.ref).where(
                claims.c.professional_id.in_(ids)
            )
        ):
            claim_refs.setdefault(pid, []).append(ref)
        values = [
            {"professional_id": pid, "kind": kind, "token": token}
            for pid, ref, company, email, phone in rows
            for kind, token in sorted(
                tokens_for(ref, company, email, phone, claim_refs.get(pid, ()))
            )
        ]
        if values:
            conn.execute(sa.insert(tokens), values)
        last = ids[-1]


def downgrade() -> None:
    with op.batch_alter_table("call_notes", schema=None) as batch_op:
        batch_op.drop_index("ix_call_notes_professional_at")

    op.drop_table("call_notes")
    with op.batch_alter_table("search_tokens", schema=None) as batch_op:
        batch_op.drop_index("ix_search_tokens_kind_token")

    op.drop_table("search_tokens")
