"""The log proves the state: what it vouches for changes only with it.

The log's entries are append-only (0002) and mean something (0004); the
rows written beside them now refuse what the workflow never does, on both
backends, whoever connects (on PostgreSQL the table owner too, unless it
switches the triggers off, as `db copy` does for the rows it copies):

- `log_head` only moves forward, onto the log's newest entry, or stays (the
  appenders' lock); it is never a second row, and deleted only at the
  genesis of an empty log (where it records nothing).
- `decisions` and `ledger_entries` are written once: no UPDATE, no DELETE
  (nor TRUNCATE on PostgreSQL).
- A claim's status changes only with the entry at the log's head: decided
  by a decision of that claim whose row is written (so the decision and its
  entry come first, then the status), reopened by a reopening of it. A
  claim no decision or reopening names keeps taking the status an import or
  the seed gives it (on PostgreSQL, from the owner or a superuser only).
  A claim's ref, once the log names it, stays.
- A professional's suspension (status, time, reason) changes only with a
  "suspend" decision of theirs at the log's head, and is lifted only by a
  reopening of theirs there. Their ref, once the log names it, stays.
- An agent's role (and their row) changes only with an `agent_add`,
  `agent_set` or `agent_remove` entry naming them at the log's head, or
  while the log has never named them (the seed and tests build a team
  before it acts); anybody may be recorded as a plain agent (a first act).

On PostgreSQL the checks run as the owner (SECURITY DEFINER, fixed
search_path, as in 0007) so that they read the whole log under row-level
security. An agent's login already lacks the privileges to update or
delete decisions, the ledger or the agents (0007); these triggers add what
a privilege cannot say: which status, which suspension, which head.

Revision ID: 0008_log_proof
Revises: 0007_team
Create Date: 2026-12-08 12:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_log_proof"
down_revision = "0007_team"
branch_labels = None
depends_on = None

# What the triggers say (store/agents.py turns PostgreSQL's into a refusal).
HEAD_FORWARD = "the log head only moves forward, onto the newest entry of the log"
WRITTEN_ONCE = "rows are written once, with their log entry"
STATUS_FROM_LOG = "a claim's status changes only with its decision or reopening in the log"
SUSPENSION_FROM_LOG = "a suspension changes only with its decision or reopening in the log"
REF_KEPT = "a ref the log names is kept"
ROLE_FROM_LOG = "an agent's role changes only with its entry in the log"

DECIDING = "('approve', 'reject', 'suspend', 'reopen')"
AGENT_ACTS = "('agent_add', 'agent_set', 'agent_remove')"
_ACTION_OF = (
    "CASE {status} WHEN 'approved' THEN 'approve' WHEN 'rejected' THEN 'reject' "
    "WHEN 'suspended' THEN 'suspend' END"
)


def _q(text: str) -> str:
    return text.replace("'", "''")


# --- SQLite --------------------------------------------------------------------


def _sqlite_named(name: str) -> str:
    """The log names the agent `name`: an entry of theirs, or an agent_* entry about them."""
    return (
        f"(EXISTS (SELECT 1 FROM log_entries WHERE agent = {name}) OR EXISTS (SELECT 1 "
        f"FROM log_entries WHERE action IN {AGENT_ACTS} "
        f"AND json_extract(details, '$.name') = {name}))"
    )


def _sqlite_head_names(name: str, actions: str, role: str | None) -> str:
    """The entry at the log's head is one of `actions` about `name` (giving `role`)."""
    condition = (
        "EXISTS (SELECT 1 FROM log_head h JOIN log_entries l ON l.seq = h.seq "
        f"WHERE h.id = 1 AND l.action IN {actions} "
        f"AND json_extract(l.details, '$.name') = {name}"
    )
    if role is not None:
        condition += f" AND json_extract(l.details, '$.role') = {role}"
    return condition + ")"


def _refuse(message: str, unless: str) -> str:
    return f"BEGIN SELECT RAISE(ABORT, '{_q(message)}') WHERE NOT ({unless}); END"


def _always(message: str) -> str:
    return f"BEGIN SELECT RAISE(ABORT, '{_q(message)}'); END"


_SQLITE_DECIDED_HERE = (
    "OLD.status = 'open' AND EXISTS (SELECT 1 FROM log_head h "
    "JOIN log_entries l ON l.seq = h.seq "
    "JOIN decisions d ON d.log_seq = l.seq AND d.claim_id = NEW.id "
    f"WHERE h.id = 1 AND l.claim_ref = NEW.ref AND l.action = {_ACTION_OF.format(status='NEW.status')})"
)
_SQLITE_REOPENED_HERE = (
    "NEW.status = 'open' AND EXISTS (SELECT 1 FROM log_head h "
    "JOIN log_entries l ON l.seq = h.seq "
    "WHERE h.id = 1 AND l.claim_ref = NEW.ref AND l.action = 'reopen')"
)
_SQLITE_CLAIM_UNNAMED = (
    f"NOT EXISTS (SELECT 1 FROM log_entries WHERE claim_ref = OLD.ref AND action IN {DECIDING})"
)
_SQLITE_SUSPENDED_HERE = (
    "EXISTS (SELECT 1 FROM log_head h JOIN log_entries l ON l.seq = h.seq "
    "WHERE h.id = 1 AND l.professional_ref = NEW.ref AND ("
    "NEW.status = 'suspended' AND l.action = 'suspend' "
    "OR NEW.status = 'active' AND OLD.status = 'suspended' AND l.action = 'reopen'))"
)
_SQLITE_HEAD_FORWARD = (
    "NEW.id = OLD.id AND NEW.seq > OLD.seq "
    "AND EXISTS (SELECT 1 FROM log_entries WHERE seq = NEW.seq AND hash = NEW.hash) "
    "AND NOT EXISTS (SELECT 1 FROM log_entries WHERE seq > NEW.seq)"
)

SQLITE_TRIGGERS = {
    "log_head_forward_only": "BEFORE UPDATE ON log_head "
    "WHEN NEW.id IS NOT OLD.id OR NEW.seq IS NOT OLD.seq OR NEW.hash IS NOT OLD.hash "
    + _refuse(HEAD_FORWARD, _SQLITE_HEAD_FORWARD),
    # A head at the genesis of an empty log records nothing (a seed's --replace empties it).
    "log_head_no_delete": "BEFORE DELETE ON log_head "
    "WHEN OLD.seq <> 0 OR EXISTS (SELECT 1 FROM log_entries) " + _always(HEAD_FORWARD),
    "log_head_single_row": "BEFORE INSERT ON log_head WHEN EXISTS (SELECT 1 FROM log_head) "
    + _always(HEAD_FORWARD),
    "decisions_no_update": "BEFORE UPDATE ON decisions " + _always("decisions " + WRITTEN_ONCE),
    "decisions_no_delete": "BEFORE DELETE ON decisions " + _always("decisions " + WRITTEN_ONCE),
    "ledger_entries_no_update": "BEFORE UPDATE ON ledger_entries "
    + _always("ledger_entries " + WRITTEN_ONCE),
    "ledger_entries_no_delete": "BEFORE DELETE ON ledger_entries "
    + _always("ledger_entries " + WRITTEN_ONCE),
    "claims_status_from_log": "BEFORE UPDATE OF status ON claims "
    "WHEN OLD.status IS NOT NEW.status "
    + _refuse(
        STATUS_FROM_LOG,
        f"{_SQLITE_DECIDED_HERE} OR {_SQLITE_REOPENED_HERE} OR {_SQLITE_CLAIM_UNNAMED}",
    ),
    "claims_ref_kept": "BEFORE UPDATE OF ref ON claims WHEN OLD.ref IS NOT NEW.ref "
    + _refuse(REF_KEPT, "NOT EXISTS (SELECT 1 FROM log_entries WHERE claim_ref = OLD.ref)"),
    "professionals_suspension_from_log": "BEFORE UPDATE OF status, suspended_at, "
    "suspension_reason ON professionals WHEN OLD.status IS NOT NEW.status "
    "OR OLD.suspended_at IS NOT NEW.suspended_at "
    "OR OLD.suspension_reason IS NOT NEW.suspension_reason "
    + _refuse(SUSPENSION_FROM_LOG, _SQLITE_SUSPENDED_HERE),
    "professionals_ref_kept": "BEFORE UPDATE OF ref ON professionals "
    "WHEN OLD.ref IS NOT NEW.ref "
    + _refuse(REF_KEPT, "NOT EXISTS (SELECT 1 FROM log_entries WHERE professional_ref = OLD.ref)"),
    "agents_role_from_log": "BEFORE UPDATE OF name, role ON agents "
    "WHEN OLD.name IS NOT NEW.name OR OLD.role IS NOT NEW.role "
    + _refuse(
        ROLE_FROM_LOG,
        "OLD.name = NEW.name AND "
        + _sqlite_head_names("NEW.name", "('agent_add', 'agent_set')", "NEW.role")
        + f" OR NOT {_sqlite_named('OLD.name')} AND NOT {_sqlite_named('NEW.name')}",
    ),
    "agents_added_from_log": "BEFORE INSERT ON agents WHEN NEW.role IS NOT 'agent' "
    + _refuse(
        ROLE_FROM_LOG,
        _sqlite_head_names("NEW.name", "('agent_add', 'agent_set')", "NEW.role")
        + f" OR NOT {_sqlite_named('NEW.name')}",
    ),
    "agents_removed_from_log": "BEFORE DELETE ON agents "
    + _refuse(
        ROLE_FROM_LOG,
        _sqlite_head_names("OLD.name", "('agent_remove')", None)
        + f" OR NOT {_sqlite_named('OLD.name')}",
    ),
}


# --- PostgreSQL ---------------------------------------------------------------------

_DENY = "USING ERRCODE = 'insufficient_privilege'"
_PG_HEAD = (
    "SELECT l.seq, l.action, l.claim_ref, l.professional_ref, "
    f"CASE WHEN l.action IN {AGENT_ACTS} THEN l.details::json ->> 'name' END AS name, "
    f"CASE WHEN l.action IN {AGENT_ACTS} THEN l.details::json ->> 'role' END AS role "
    "INTO h FROM log_head hd JOIN log_entries l ON l.seq = hd.seq WHERE hd.id = 1; "
)
_PG_NAMED = (
    "(EXISTS (SELECT 1 FROM log_entries WHERE agent = {name}) OR EXISTS (SELECT 1 "
    f"FROM log_entries WHERE action IN {AGENT_ACTS} AND "
    f"CASE WHEN action IN {AGENT_ACTS} THEN details::json ->> 'name' END = {{name}}))"
)


def _pg_functions(schema: str) -> list[str]:
    definer = f"SECURITY DEFINER SET search_path = {schema}, pg_temp"

    def function(name: str, declare: str, body: str) -> str:
        declared = f"DECLARE {declare} " if declare else ""
        return (
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql {definer} "
            f"AS $$ {declared}BEGIN {body} END $$"
        )

    return [
        function(
            "guarantee_proof_head",
            "",
            "IF TG_OP = 'UPDATE' THEN "
            "IF NEW.id = OLD.id AND NEW.seq > OLD.seq "
            "AND EXISTS (SELECT 1 FROM log_entries WHERE seq = NEW.seq AND hash = NEW.hash) "
            "AND NOT EXISTS (SELECT 1 FROM log_entries WHERE seq > NEW.seq) THEN "
            "RETURN NEW; END IF; "
            "ELSIF TG_OP = 'INSERT' THEN "
            "IF NOT EXISTS (SELECT 1 FROM log_head) THEN RETURN NEW; END IF; "
            # A head at the genesis of an empty log records nothing.
            "ELSIF TG_OP = 'DELETE' THEN "
            "IF OLD.seq = 0 AND NOT EXISTS (SELECT 1 FROM log_entries) THEN RETURN OLD; "
            "END IF; "
            "END IF; "
            f"RAISE EXCEPTION '{_q(HEAD_FORWARD)}' {_DENY};",
        ),
        function(
            "guarantee_proof_written_once",
            "",
            f"RAISE EXCEPTION '% {_q(WRITTEN_ONCE)}', TG_TABLE_NAME {_DENY};",
        ),
        function(
            "guarantee_proof_claim",
            "h record; a record; deciding text;",
            # Not inside the IF below: PL/pgSQL would end its condition at CASE's THEN.
            _PG_HEAD + f"deciding := {_ACTION_OF.format(status='NEW.status')}; "
            "IF TG_OP = 'UPDATE' AND NEW.ref IS DISTINCT FROM OLD.ref AND EXISTS ("
            "SELECT 1 FROM log_entries WHERE claim_ref = OLD.ref) THEN "
            f"RAISE EXCEPTION '{_q(REF_KEPT)}: %', OLD.ref {_DENY}; END IF; "
            "IF NEW.status IS NOT DISTINCT FROM OLD.status THEN RETURN NEW; END IF; "
            "IF NEW.status = 'open' AND h.action = 'reopen' AND h.claim_ref = NEW.ref THEN "
            "RETURN NEW; END IF; "
            "IF OLD.status = 'open' AND h.claim_ref = NEW.ref AND h.action = deciding "
            "AND EXISTS (SELECT 1 FROM decisions WHERE log_seq = h.seq AND claim_id = NEW.id) "
            "THEN RETURN NEW; END IF; "
            # An import or the seed, by the owner: a claim the log never named.
            "SELECT * INTO a FROM guarantee_acting(); "
            "IF a.is_admin AND NOT EXISTS (SELECT 1 FROM log_entries "
            f"WHERE claim_ref = OLD.ref AND action IN {DECIDING}) THEN RETURN NEW; END IF; "
            f"RAISE EXCEPTION '{_q(STATUS_FROM_LOG)}: %', OLD.ref {_DENY};",
        ),
        function(
            "guarantee_proof_professional",
            "h record;",
            _PG_HEAD + "IF NEW.ref IS DISTINCT FROM OLD.ref AND EXISTS ("
            "SELECT 1 FROM log_entries WHERE professional_ref = OLD.ref) THEN "
            f"RAISE EXCEPTION '{_q(REF_KEPT)}: %', OLD.ref {_DENY}; END IF; "
            "IF NEW.status IS NOT DISTINCT FROM OLD.status "
            "AND NEW.suspended_at IS NOT DISTINCT FROM OLD.suspended_at "
            "AND NEW.suspension_reason IS NOT DISTINCT FROM OLD.suspension_reason THEN "
            "RETURN NEW; END IF; "
            "IF h.professional_ref = NEW.ref AND (NEW.status = 'suspended' "
            "AND h.action = 'suspend' OR NEW.status = 'active' AND OLD.status = 'suspended' "
            "AND h.action = 'reopen') THEN RETURN NEW; END IF; "
            f"RAISE EXCEPTION '{_q(SUSPENSION_FROM_LOG)}: %', OLD.ref {_DENY};",
        ),
        function(
            "guarantee_proof_agent",
            "h record;",
            _PG_HEAD + "IF TG_OP = 'INSERT' THEN "
            "IF NEW.role = 'agent' OR h.action IN ('agent_add', 'agent_set') "
            "AND h.name = NEW.name AND h.role = NEW.role "
            f"OR NOT {_PG_NAMED.format(name='NEW.name')} THEN RETURN NEW; END IF; "
            "ELSIF TG_OP = 'UPDATE' THEN "
            "IF NEW.name IS NOT DISTINCT FROM OLD.name AND NEW.role IS NOT DISTINCT FROM "
            "OLD.role THEN RETURN NEW; END IF; "
            "IF NEW.name = OLD.name AND h.action IN ('agent_add', 'agent_set') "
            "AND h.name = NEW.name AND h.role = NEW.role "
            f"OR NOT {_PG_NAMED.format(name='OLD.name')} "
            f"AND NOT {_PG_NAMED.format(name='NEW.name')} THEN RETURN NEW; END IF; "
            "ELSE "
            "IF h.action = 'agent_remove' AND h.name = OLD.name "
            f"OR NOT {_PG_NAMED.format(name='OLD.name')} THEN RETURN OLD; END IF; "
            "END IF; "
            f"RAISE EXCEPTION '{_q(ROLE_FROM_LOG)}' {_DENY};",
        ),
    ]


# (name, table, when, function). After 0007's checks (triggers of one table
# fire in the order of their names), so that an agent's login is told those.
PG_TRIGGERS = (
    (
        "guarantee_proof_head",
        "log_head",
        "BEFORE UPDATE ON log_head FOR EACH ROW WHEN (NEW.id IS DISTINCT FROM OLD.id "
        "OR NEW.seq IS DISTINCT FROM OLD.seq OR NEW.hash IS DISTINCT FROM OLD.hash)",
        "guarantee_proof_head",
    ),
    (
        "guarantee_proof_head_kept",
        "log_head",
        "BEFORE INSERT OR DELETE ON log_head FOR EACH ROW",
        "guarantee_proof_head",
    ),
    (
        "guarantee_proof_head_truncate",
        "log_head",
        "BEFORE TRUNCATE ON log_head FOR EACH STATEMENT",
        "guarantee_proof_head",
    ),
    (
        "guarantee_proof_decisions",
        "decisions",
        "BEFORE UPDATE OR DELETE ON decisions FOR EACH ROW",
        "guarantee_proof_written_once",
    ),
    (
        "guarantee_proof_decisions_truncate",
        "decisions",
        "BEFORE TRUNCATE ON decisions FOR EACH STATEMENT",
        "guarantee_proof_written_once",
    ),
    (
        "guarantee_proof_ledger",
        "ledger_entries",
        "BEFORE UPDATE OR DELETE ON ledger_entries FOR EACH ROW",
        "guarantee_proof_written_once",
    ),
    (
        "guarantee_proof_ledger_truncate",
        "ledger_entries",
        "BEFORE TRUNCATE ON ledger_entries FOR EACH STATEMENT",
        "guarantee_proof_written_once",
    ),
    (
        "guarantee_proof_claim",
        "claims",
        "BEFORE UPDATE OF status, ref ON claims FOR EACH ROW "
        "WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.ref IS DISTINCT FROM NEW.ref)",
        "guarantee_proof_claim",
    ),
    (
        "guarantee_proof_professional",
        "professionals",
        "BEFORE UPDATE OF status, suspended_at, suspension_reason, ref ON professionals "
        "FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status "
        "OR OLD.suspended_at IS DISTINCT FROM NEW.suspended_at "
        "OR OLD.suspension_reason IS DISTINCT FROM NEW.suspension_reason "
        "OR OLD.ref IS DISTINCT FROM NEW.ref)",
        "guarantee_proof_professional",
    ),
    (
        "guarantee_proof_agent",
        "agents",
        "BEFORE INSERT OR UPDATE OR DELETE ON agents FOR EACH ROW",
        "guarantee_proof_agent",
    ),
)
PG_FUNCTIONS = (
    "guarantee_proof_head",
    "guarantee_proof_written_once",
    "guarantee_proof_claim",
    "guarantee_proof_professional",
    "guarantee_proof_agent",
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")
        return
    schema = bind.execute(sa.text("SELECT current_schema()")).scalar_one()
    for statement in _pg_functions(schema):
        op.execute(statement)
    for name, _table, when, function in PG_TRIGGERS:
        op.execute(f"CREATE TRIGGER {name} {when} EXECUTE FUNCTION {function}()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        return
    for name, table, _when, _function in PG_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    for function in PG_FUNCTIONS:
        op.execute(f"DROP FUNCTION IF EXISTS {function}()")
