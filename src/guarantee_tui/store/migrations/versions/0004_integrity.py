"""Integrity: the database refuses what the workflow never does.

- A claim is decided once until a supervisor reopens it: a decision row, or
  a decision entry in the log, is refused while the claim's latest decision
  has no reopening after it; a reopening entry is refused when there is no
  decision to reopen.
- One refund per decision on the ledger, and one reversal of it.
- Each log entry carries `recorded_at`, the time the database wrote it by its
  own clock (entries written before this revision keep NULL: nobody knows).

SQLite cannot add a column whose default is a function: the log's table is
rebuilt (see `_rebuild_log_on_sqlite`), which drops its triggers, so the
append-only guards of 0002 are created again here.

Revision ID: 0004_integrity
Revises: 0003_phone_desk
Create Date: 2026-11-29 12:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import guarantee_tui.store.types
from guarantee_tui.store.clock import database_now

revision = "0004_integrity"
down_revision = "0003_phone_desk"
branch_labels = None
depends_on = None

DECIDING = "('approve', 'reject', 'suspend')"
_DECIDED_TWICE = "a claim is decided once until a supervisor reopens it"
_NOTHING_TO_REOPEN = "a reopening needs a decision before it"

# The latest decision or reopening logged for NEW's claim ('reopen' when none:
# a claim never decided is as open as a reopened one).
_LAST_ACT = (
    "COALESCE((SELECT action FROM log_entries "
    "WHERE claim_ref = NEW.claim_ref AND action IN ('approve', 'reject', 'suspend', 'reopen') "
    "ORDER BY seq DESC LIMIT 1), 'reopen')"
)
# NEW's claim has a decision that no reopening followed.
_UNREOPENED_DECISION = (
    "EXISTS (SELECT 1 FROM decisions d WHERE d.claim_id = NEW.claim_id AND NOT EXISTS ("
    "SELECT 1 FROM log_entries l JOIN claims c ON c.ref = l.claim_ref "
    "WHERE c.id = NEW.claim_id AND l.action = 'reopen' AND l.seq > d.log_seq))"
)

SQLITE_TRIGGERS = (
    "CREATE TRIGGER log_entries_decided_once BEFORE INSERT ON log_entries "
    f"WHEN NEW.action IN {DECIDING} AND NEW.claim_ref IS NOT NULL "
    f"BEGIN SELECT RAISE(ABORT, '{_DECIDED_TWICE}') WHERE {_LAST_ACT} <> 'reopen'; END",
    "CREATE TRIGGER log_entries_reopen_decided BEFORE INSERT ON log_entries "
    "WHEN NEW.action = 'reopen' "
    f"BEGIN SELECT RAISE(ABORT, '{_NOTHING_TO_REOPEN}') "
    f"WHERE NEW.claim_ref IS NULL OR {_LAST_ACT} = 'reopen'; END",
    "CREATE TRIGGER decisions_once_per_opening BEFORE INSERT ON decisions "
    f"BEGIN SELECT RAISE(ABORT, '{_DECIDED_TWICE}') WHERE {_UNREOPENED_DECISION}; END",
)
SQLITE_TRIGGER_NAMES = (
    "log_entries_decided_once",
    "log_entries_reopen_decided",
    "decisions_once_per_opening",
)

# SQLSTATE 23505 (unique_violation): drivers report an integrity error, as
# for any other constraint.
POSTGRESQL_TRIGGERS = (
    "CREATE OR REPLACE FUNCTION log_entries_meaning() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "DECLARE last_act text; BEGIN "
    f"last_act := {_LAST_ACT}; "
    f"IF NEW.action IN {DECIDING} AND NEW.claim_ref IS NOT NULL AND last_act <> 'reopen' THEN "
    f"RAISE EXCEPTION '{_DECIDED_TWICE}' USING ERRCODE = 'unique_violation'; END IF; "
    "IF NEW.action = 'reopen' AND (NEW.claim_ref IS NULL OR last_act = 'reopen') THEN "
    f"RAISE EXCEPTION '{_NOTHING_TO_REOPEN}' USING ERRCODE = 'unique_violation'; END IF; "
    "RETURN NEW; END $$",
    "CREATE TRIGGER log_entries_meaning BEFORE INSERT ON log_entries FOR EACH ROW "
    "WHEN (NEW.action IN ('approve', 'reject', 'suspend', 'reopen')) "
    "EXECUTE FUNCTION log_entries_meaning()",
    "CREATE OR REPLACE FUNCTION decisions_once_per_opening() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN "
    f"IF {_UNREOPENED_DECISION} THEN "
    f"RAISE EXCEPTION '{_DECIDED_TWICE}' USING ERRCODE = 'unique_violation'; END IF; "
    "RETURN NEW; END $$",
    "CREATE TRIGGER decisions_once_per_opening BEFORE INSERT ON decisions FOR EACH ROW "
    "EXECUTE FUNCTION decisions_once_per_opening()",
)

# As in 0002: SQLite's batch mode rebuilds the log's table without them.
SQLITE_LOG_GUARDS = (
    "CREATE TRIGGER IF NOT EXISTS log_entries_no_update BEFORE UPDATE ON log_entries "
    "BEGIN SELECT RAISE(ABORT, 'log_entries is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS log_entries_no_delete BEFORE DELETE ON log_entries "
    "BEGIN SELECT RAISE(ABORT, 'log_entries is append-only'); END",
)


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _log_entries(metadata: sa.MetaData) -> sa.Table:
    """The log's table as 0002 made it (without its indexes), with `recorded_at`."""
    utc = guarantee_tui.store.types.UTCDateTime(timezone=True)
    return sa.Table(
        "log_entries",
        metadata,
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", utc, nullable=False),
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
        sa.Column("recorded_at", utc, server_default=database_now(), nullable=True),
        sa.PrimaryKeyConstraint("seq", name="pk_log_entries"),
        sa.UniqueConstraint("hash", name="uq_log_entries_hash"),
        sa.UniqueConstraint("prev_hash", name="uq_log_entries_prev_hash"),
    )


# Created once the old table, which holds these names, is gone.
_LOG_INDEXES = ("action", "agent", "at", "claim_ref", "professional_ref")


def _rebuild_log_on_sqlite() -> None:
    """SQLite's way to add a column whose default is a function: a new table.

    Not Alembic's batch mode: it fills a new table under another name, drops
    the old one and renames, but the decisions, the ledger and the call notes
    refer to the log, and foreign keys (on, and not switchable inside the
    migrations' transaction) refuse the drop, or, deferred, count the
    references it breaks and never forget them. Here the entries are set
    aside in a plain copy, the table is dropped (its references deferred),
    created again under its own name and filled: each entry put back mends
    the references to it, and the count is zero again at commit.
    """
    old = [
        "seq", "at", "agent", "role", "action", "claim_ref", "professional_ref", "market",
        "letter_language", "letter_text", "reason", "refund_credits", "checklist",
        "details", "prev_hash", "hash",
    ]  # fmt: skip
    columns = ", ".join(old)
    # Inside a transaction whatever the driver did before: the deferred
    # references are counted until it ends.
    op.execute("SAVEPOINT rebuild_log_entries")
    op.execute("PRAGMA defer_foreign_keys = ON")
    op.execute(f"CREATE TABLE log_entries_before_0004 AS SELECT {columns} FROM log_entries")
    # While references are broken, each entry put back looks up who refers to
    # it: the ledger has no index on its column of its own.
    op.execute("CREATE INDEX ledger_entries_log_seq_0004 ON ledger_entries (log_seq)")
    op.execute("DROP TABLE log_entries")
    _log_entries(sa.MetaData()).create(op.get_bind(), checkfirst=False)
    # Listed with NULL: the entries already there were recorded at a time
    # nobody knows, not at the time of this migration.
    op.execute(
        f"INSERT INTO log_entries ({columns}, recorded_at) "
        f"SELECT {columns}, NULL FROM log_entries_before_0004 ORDER BY seq"
    )
    op.execute("DROP TABLE log_entries_before_0004")
    op.execute("DROP INDEX ledger_entries_log_seq_0004")
    op.execute("RELEASE rebuild_log_entries")
    for column in _LOG_INDEXES:
        op.create_index(f"ix_log_entries_{column}", "log_entries", [column], unique=False)
    for statement in SQLITE_LOG_GUARDS:
        op.execute(statement)


def upgrade() -> None:
    if _sqlite():
        _rebuild_log_on_sqlite()
    else:
        # Added without a default first, so that the entries already there keep
        # NULL rather than the time of this migration.
        op.add_column(
            "log_entries",
            sa.Column(
                "recorded_at",
                guarantee_tui.store.types.UTCDateTime(timezone=True),
                nullable=True,
            ),
        )
        op.alter_column("log_entries", "recorded_at", server_default=database_now())
    op.create_index(
        "uq_ledger_entries_decision_kind",
        "ledger_entries",
        ["decision_id", "kind"],
        unique=True,
    )
    for statement in SQLITE_TRIGGERS if _sqlite() else POSTGRESQL_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if _sqlite():
        for name in SQLITE_TRIGGER_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS decisions_once_per_opening ON decisions")
        op.execute("DROP FUNCTION IF EXISTS decisions_once_per_opening()")
        op.execute("DROP TRIGGER IF EXISTS log_entries_meaning ON log_entries")
        op.execute("DROP FUNCTION IF EXISTS log_entries_meaning()")
    op.drop_index("uq_ledger_entries_decision_kind", table_name="ledger_entries")
    if _sqlite():
        # SQLite drops a plain column in place (3.35 and later).
        op.execute("ALTER TABLE log_entries DROP COLUMN recorded_at")
    else:
        op.drop_column("log_entries", "recorded_at")
