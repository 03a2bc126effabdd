"""E-mail intake: the messages read, and the pieces attributed to contacts.

`intake_messages` keeps each message whole (Message-ID unique: the same
message twice is one row) with what intake made of it; `intake_matches`
the pieces of its text attributed to contacts, with the cue and the
confidence of each. On PostgreSQL the team's groups may read both (0007
granted SELECT on the tables that existed then); writing them is the
intake's owner's, as for imports.

Revision ID: 0009_intake
Revises: 0008_log_proof
Create Date: 2026-12-05 12:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import guarantee_tui.store.types

revision = "0009_intake"
down_revision = "0008_log_proof"
branch_labels = None
depends_on = None

GROUPS = ("guarantee_agent", "guarantee_supervisor", "guarantee_dispatcher")
TABLES = ("intake_messages", "intake_matches")


def upgrade() -> None:
    utc = guarantee_tui.store.types.UTCDateTime(timezone=True)
    op.create_table(
        "intake_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=998), nullable=False),
        sa.Column("received_at", utc, nullable=False),
        sa.Column("sent_at", utc, nullable=True),
        sa.Column("sender", sa.String(length=320), nullable=False),
        sa.Column("forwarded_by", sa.String(length=320), nullable=True),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=True),
        sa.Column("professional_id", sa.Integer(), nullable=True),
        sa.Column("claim_id", sa.Integer(), nullable=True),
        sa.Column("log_seq", sa.Integer(), nullable=True),
        sa.Column("agent", sa.String(length=100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("unmatched", sa.Text(), nullable=False),
        sa.Column("attachments", sa.Text(), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.CheckConstraint(
            "status IN ('created', 'needs_review', 'unknown_sender', 'not_a_claim', "
            "'confirmed', 'dismissed')",
            name=op.f("ck_intake_messages_status"),
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["claims.id"],
            name=op.f("fk_intake_messages_claim_id_claims"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["log_seq"], ["log_entries.seq"], name=op.f("fk_intake_messages_log_seq_log_entries")
        ),
        sa.ForeignKeyConstraint(
            ["professional_id"],
            ["professionals.id"],
            name=op.f("fk_intake_messages_professional_id_professionals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_messages")),
        sa.UniqueConstraint("log_seq", name=op.f("uq_intake_messages_log_seq")),
        sa.UniqueConstraint("message_id", name=op.f("uq_intake_messages_message_id")),
    )
    with op.batch_alter_table("intake_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_intake_messages_claim_id"), ["claim_id"])
        batch_op.create_index(batch_op.f("ix_intake_messages_professional_id"), ["professional_id"])
        batch_op.create_index(batch_op.f("ix_intake_messages_status"), ["status"])

    op.create_table(
        "intake_matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("intake_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("contact_ref", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("cue", sa.String(length=64), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("change", sa.String(length=16), nullable=False),
        sa.CheckConstraint(
            "change IN ('new', 'addition', 'replacement', 'same')",
            name=op.f("ck_intake_matches_change"),
        ),
        sa.CheckConstraint("confidence BETWEEN 0 AND 1", name=op.f("ck_intake_matches_confidence")),
        sa.ForeignKeyConstraint(
            ["intake_id"],
            ["intake_messages.id"],
            name=op.f("fk_intake_matches_intake_id_intake_messages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_matches")),
        sa.UniqueConstraint("intake_id", "contact_ref", name=op.f("uq_intake_matches_intake_id")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"GRANT SELECT ON {', '.join(TABLES)} TO {', '.join(GROUPS)}")


def downgrade() -> None:
    op.drop_table("intake_matches")
    with op.batch_alter_table("intake_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intake_messages_status"))
        batch_op.drop_index(batch_op.f("ix_intake_messages_professional_id"))
        batch_op.drop_index(batch_op.f("ix_intake_messages_claim_id"))
    op.drop_table("intake_messages")
