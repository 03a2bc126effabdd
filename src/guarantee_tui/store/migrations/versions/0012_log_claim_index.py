"""The log's entries by claim, in order, with their action: one index on
(claim_ref, seq, action) in place of the one on claim_ref alone.

The folded log (store/log.py) asks of a claim's entries which decision
comes next after a mark, which came before a decision, and which marks lie
between: a range of seq within one claim, filtered by action. With the
three columns in the index both backends answer from the index alone
(PostgreSQL: an index-only scan; SQLite: a covering index), and the
triggers of 0004 that look up a claim's last decision read it the same way.
The index on claim_ref alone is its prefix: it goes.

No grant: an index is used by whoever may read the table.

Revision ID: 0012_log_claim_index
Revises: 0011_claim_notes
Create Date: 2026-12-10 12:00:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0012_log_claim_index"
down_revision: str | None = "0011_claim_notes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_log_entries_claim_seq_action",
        "log_entries",
        ["claim_ref", "seq", "action"],
        unique=False,
    )
    op.drop_index("ix_log_entries_claim_ref", table_name="log_entries")


def downgrade() -> None:
    op.create_index("ix_log_entries_claim_ref", "log_entries", ["claim_ref"], unique=False)
    op.drop_index("ix_log_entries_claim_seq_action", table_name="log_entries")
