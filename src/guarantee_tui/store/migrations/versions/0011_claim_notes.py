"""Claim notes: an agent's internal note on a claim, and the reopening's
reason readable by the agents who take the claim up again.

`claim_notes` keeps each note with its agent, time and decision-log entry
(action `claim_note`), written together. Notes are for the team: no letter
ever quotes them (services/letters.py reads none).

PostgreSQL: the team's groups read the notes, agents add them; a trigger
(as 0007's for call notes) refuses a note under another agent's name or
whose log entry is not that agent's `claim_note`. Agents read only their own
log entries (0007), but a reopening is addressed to whoever takes the claim
next: a policy lets every agent read the `reopen` entries.

Revision ID: 0011_claim_notes
Revises: 0010_intake_review
Create Date: 2026-12-08 12:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import guarantee_tui.store.types

revision = "0011_claim_notes"
down_revision: str | None = "0010_intake_review"
branch_labels = None
depends_on = None

GROUPS = ("guarantee_agent", "guarantee_supervisor", "guarantee_dispatcher")
# As 0007 words it; store/agents.py recognises it.
NOT_YOU = "you are connected as"


def _pg_statements(schema: str) -> list[str]:
    definer = f"SECURITY DEFINER SET search_path = {schema}, pg_temp"
    deny = "USING ERRCODE = 'insufficient_privilege'"
    return [
        f"GRANT SELECT ON claim_notes TO {', '.join(GROUPS)}",
        "GRANT INSERT ON claim_notes TO guarantee_agent",
        "GRANT USAGE ON SEQUENCE claim_notes_id_seq TO guarantee_agent",
        "CREATE OR REPLACE FUNCTION guarantee_check_claim_note() RETURNS trigger "
        f"LANGUAGE plpgsql {definer} AS $$ DECLARE a record; e record; BEGIN "
        "SELECT * INTO a FROM guarantee_acting(); "
        "IF a.is_admin THEN RETURN NEW; END IF; "
        "SELECT agent, action INTO e FROM log_entries WHERE seq = NEW.log_seq; "
        "IF NEW.agent IS DISTINCT FROM a.agent_name OR e.agent IS DISTINCT FROM a.agent_name "
        f"THEN RAISE EXCEPTION '{NOT_YOU} %: %', session_user, a.agent_name {deny}; END IF; "
        "IF e.action IS DISTINCT FROM 'claim_note' THEN "
        "RAISE EXCEPTION 'claim_notes row does not match its log entry %', NEW.log_seq "
        f"{deny}; END IF; "
        "RETURN NEW; END $$",
        "CREATE TRIGGER guarantee_check_claim_note BEFORE INSERT ON claim_notes "
        "FOR EACH ROW EXECUTE FUNCTION guarantee_check_claim_note()",
        "CREATE POLICY log_entries_reopenings ON log_entries FOR SELECT TO guarantee_agent "
        "USING (action = 'reopen')",
    ]


def upgrade() -> None:
    op.create_table(
        "claim_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("agent", sa.String(length=100), nullable=False),
        sa.Column("at", guarantee_tui.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("log_seq", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["claims.id"],
            name=op.f("fk_claim_notes_claim_id_claims"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["log_seq"], ["log_entries.seq"], name=op.f("fk_claim_notes_log_seq_log_entries")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_notes")),
        sa.UniqueConstraint("log_seq", name=op.f("uq_claim_notes_log_seq")),
    )
    with op.batch_alter_table("claim_notes", schema=None) as batch_op:
        batch_op.create_index("ix_claim_notes_claim_at", ["claim_id", "at"], unique=False)
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        schema = bind.execute(sa.text("SELECT current_schema()")).scalar_one()
        for statement in _pg_statements(schema):
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP POLICY IF EXISTS log_entries_reopenings ON log_entries")
        op.execute("DROP TRIGGER IF EXISTS guarantee_check_claim_note ON claim_notes")
        op.execute("DROP FUNCTION IF EXISTS guarantee_check_claim_note()")
    with op.batch_alter_table("claim_notes", schema=None) as batch_op:
        batch_op.drop_index("ix_claim_notes_claim_at")
    op.drop_table("claim_notes")
