"""Workflow: decisions, credit ledger, outbox, the append-only hash-chained log,
profile suspension, and the stored verdict of each claim for the queue.

Revision ID: 0002_workflow
Revises: 0001_initial
Create Date: 2026-11-21 21:57:25.525301
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import guarantee_tui.store.types

revision = "0002_workflow"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column(
            "created_at", guarantee_tui.store.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.CheckConstraint("role IN ('agent', 'supervisor')", name=op.f("ck_agents_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agents")),
        sa.UniqueConstraint("name", name=op.f("uq_agents_name")),
    )
    op.create_table(
        "log_entries",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", guarantee_tui.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("agent", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("claim_ref", sa.String(length=64), nullable=True),
        sa.Column("professional_ref", sa.String(length=64), nullable=True),
        sa.Column("market", sa.String(length=2), nullable=True),
        sa.Column("letter_language", sa.String(length=8), nullable=True),
        sa.Column("letter_text", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("refund_credits", sa.Integer(), nullable=True),
        sa.Column("checklist", sa.Text(), nullable=True),
        sa.Column("details", sa.Text(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_log_entries")),
        sa.UniqueConstraint("hash", name=op.f("uq_log_entries_hash")),
        sa.UniqueConstraint("prev_hash", name=op.f("uq_log_entries_prev_hash")),
    )
    with op.batch_alter_table("log_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_log_entries_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_log_entries_agent"), ["agent"], unique=False)
        batch_op.create_index(batch_op.f("ix_log_entries_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_log_entries_claim_ref"), ["claim_ref"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_log_entries_professional_ref"), ["professional_ref"], unique=False
        )

    op.create_table(
        "log_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_log_head")),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("idempotency_key", sa.String(length=100), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column(
            "created_at", guarantee_tui.store.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "next_attempt_at", guarantee_tui.store.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("sent_at", guarantee_tui.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_outbox_idempotency_key")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_sent_at"), ["sent_at"], unique=False)

    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("log_seq", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("agent", sa.String(length=100), nullable=False),
        sa.Column(
            "decided_at", guarantee_tui.store.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("opened_at", guarantee_tui.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("reason_codes", sa.Text(), nullable=False),
        sa.Column("refund_credits", sa.Integer(), nullable=True),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("checklist", sa.Text(), nullable=False),
        sa.Column("letter_language", sa.String(length=8), nullable=False),
        sa.Column("letter_text", sa.Text(), nullable=False),
        sa.Column("claim_version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "action IN ('approve', 'reject', 'suspend')", name=op.f("ck_decisions_action")
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["claims.id"],
            name=op.f("fk_decisions_claim_id_claims"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["log_seq"], ["log_entries.seq"], name=op.f("fk_decisions_log_seq_log_entries")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
        sa.UniqueConstraint("log_seq", name=op.f("uq_decisions_log_seq")),
    )
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decisions_agent"), ["agent"], unique=False)
        batch_op.create_index(
            "ix_decisions_claim_decided", ["claim_id", "decided_at"], unique=False
        )

    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("professional_id", sa.Integer(), nullable=False),
        sa.Column("at", guarantee_tui.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("log_seq", sa.Integer(), nullable=False),
        sa.Column("agent", sa.String(length=100), nullable=False),
        sa.CheckConstraint(
            "kind IN ('guarantee_refund', 'refund_reversal')", name=op.f("ck_ledger_entries_kind")
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.id"], name=op.f("fk_ledger_entries_decision_id_decisions")
        ),
        sa.ForeignKeyConstraint(
            ["log_seq"], ["log_entries.seq"], name=op.f("fk_ledger_entries_log_seq_log_entries")
        ),
        sa.ForeignKeyConstraint(
            ["professional_id"],
            ["professionals.id"],
            name=op.f("fk_ledger_entries_professional_id_professionals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entries")),
    )
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ledger_entries_professional_id"), ["professional_id"], unique=False
        )

    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.add_column(sa.Column("verdict", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("recommended_action", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("refund_credits", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "checked_at", guarantee_tui.store.types.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column(
                "stable_until", guarantee_tui.store.types.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.create_index(batch_op.f("ix_claims_stable_until"), ["stable_until"], unique=False)
        batch_op.create_index(batch_op.f("ix_claims_verdict"), ["verdict"], unique=False)

    with op.batch_alter_table("professionals", schema=None) as batch_op:
        # Inline CHECK: SQLite can add a column with one, not a table constraint.
        batch_op.add_column(
            sa.Column(
                "status",
                sa.String(length=16),
                sa.CheckConstraint(
                    "status IN ('active', 'suspended')", name=op.f("ck_professionals_status")
                ),
                server_default="active",
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column(
                "suspended_at", guarantee_tui.store.types.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.add_column(sa.Column("suspension_reason", sa.Text(), nullable=True))

    # The chain starts from a fixed genesis hash; appenders lock this row.
    op.execute("INSERT INTO log_head (id, seq, hash) VALUES (1, 0, '" + "0" * 64 + "')")
    create_log_guards()


# The log is append-only in the database itself, not only by convention.
# Alembic's SQLite batch mode rebuilds a table without its triggers: any later
# migration that batch-alters log_entries must call create_log_guards() again
# (tests/store/test_log_guards.py checks they exist after every upgrade).
SQLITE_GUARDS = (
    "CREATE TRIGGER IF NOT EXISTS log_entries_no_update BEFORE UPDATE ON log_entries "
    "BEGIN SELECT RAISE(ABORT, 'log_entries is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS log_entries_no_delete BEFORE DELETE ON log_entries "
    "BEGIN SELECT RAISE(ABORT, 'log_entries is append-only'); END",
)
POSTGRESQL_GUARDS = (
    "CREATE OR REPLACE FUNCTION log_entries_append_only() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'log_entries is append-only'; END $$",
    "CREATE TRIGGER log_entries_no_update_delete BEFORE UPDATE OR DELETE ON log_entries "
    "FOR EACH ROW EXECUTE FUNCTION log_entries_append_only()",
    "CREATE TRIGGER log_entries_no_truncate BEFORE TRUNCATE ON log_entries "
    "FOR EACH STATEMENT EXECUTE FUNCTION log_entries_append_only()",
)


def create_log_guards() -> None:
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_GUARDS if dialect == "sqlite" else POSTGRESQL_GUARDS:
        op.execute(statement)


def drop_log_guards() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS log_entries_no_update")
        op.execute("DROP TRIGGER IF EXISTS log_entries_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS log_entries_no_update_delete ON log_entries")
        op.execute("DROP TRIGGER IF EXISTS log_entries_no_truncate ON log_entries")
        op.execute("DROP FUNCTION IF EXISTS log_entries_append_only()")


def downgrade() -> None:
    drop_log_guards()
    with op.batch_alter_table("professionals", schema=None) as batch_op:
        # The CHECK on status goes first, or SQLite's table copy keeps it.
        batch_op.drop_constraint(op.f("ck_professionals_status"), type_="check")
        batch_op.drop_column("suspension_reason")
        batch_op.drop_column("suspended_at")
        batch_op.drop_column("status")

    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claims_verdict"))
        batch_op.drop_index(batch_op.f("ix_claims_stable_until"))
        batch_op.drop_column("stable_until")
        batch_op.drop_column("checked_at")
        batch_op.drop_column("refund_credits")
        batch_op.drop_column("recommended_action")
        batch_op.drop_column("verdict")

    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_entries_professional_id"))

    op.drop_table("ledger_entries")
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_index("ix_decisions_claim_decided")
        batch_op.drop_index(batch_op.f("ix_decisions_agent"))

    op.drop_table("decisions")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_sent_at"))

    op.drop_table("outbox")
    op.drop_table("log_head")
    with op.batch_alter_table("log_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_log_entries_professional_ref"))
        batch_op.drop_index(batch_op.f("ix_log_entries_claim_ref"))
        batch_op.drop_index(batch_op.f("ix_log_entries_at"))
        batch_op.drop_index(batch_op.f("ix_log_entries_agent"))
        batch_op.drop_index(batch_op.f("ix_log_entries_action"))

    op.drop_table("log_entries")
    op.drop_table("agents")
