"""Team mode: who acts is the database's to say; claims are leased to one agent.

Both backends:
- agents get `login` (the PostgreSQL login mapped to the agent) and
  `markets` (where they take claims from by default);
- claims get a lease: `holder`, `held_since`, `held_until`;
- `claim_events` keeps who took or gave back a claim, for polling screens.

PostgreSQL only (SQLite is a single desk: whoever can write the file is
trusted):
- group roles `guarantee_agent`, `guarantee_supervisor` (a member of
  `guarantee_agent` too) and `guarantee_dispatcher` (the login of
  `sync --watch`), created if missing (roles are cluster-wide);
- each holds only the privileges its work needs: agents read everything but
  other agents' log entries (row-level security), append to the log, write
  decisions, ledger refunds, effects and call notes, and update only the
  columns an act changes; nobody but the owner writes the agents table;
- triggers, run as the owner (SECURITY DEFINER, fixed search_path), check
  every row a mapped login writes against the agent mapped to its login
  (`session_user`, which a SECURITY DEFINER function cannot change, unlike
  `current_user`): an entry, decision, ledger entry, call note or mark under
  another name, a supervisor's act by an agent, a claim held by someone
  else, a head that skips or rewrites the chain: all refused. A login that
  is neither mapped nor the owner (nor a superuser) is refused outright;
  the owner and superusers keep every right (migrations, imports, `db copy`,
  `agents add`);
- a NOTIFY on channel `guarantee_events` for each log entry and each change
  of a claim's holder.

Revision ID: 0007_team
Revises: 0006_effects
Create Date: 2026-12-01 12:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import guarantee_tui.store.types

revision = "0007_team"
down_revision = "0006_effects"
branch_labels = None
depends_on = None

GROUPS = ("guarantee_agent", "guarantee_supervisor", "guarantee_dispatcher")
CHANNEL = "guarantee_events"

# What the triggers say; store/agents.py recognises them.
NOT_YOU = "you are connected as"
SUPERVISOR_ONLY = "a supervisor must"
HELD = "is held by"
NOT_MAPPED = "is not mapped to an agent"

ADMIN_ACTIONS = "('agent_add', 'agent_set', 'agent_remove')"
SUPERVISOR_ACTIONS = "('reopen', 'review_agree', 'review_disagree', 'cancel_effect', 'take_over')"
HOLDER_ACTIONS = (
    "('approve', 'reject', 'suspend', 'mark_truthful', 'mark_untruthful', 'mark_cleared')"
)


def _functions(schema: str) -> list[str]:
    definer = f"SECURITY DEFINER SET search_path = {schema}, pg_temp"
    deny = "USING ERRCODE = 'insufficient_privilege'"
    return [
        # The acting login: a mapped agent, or an administrator (owner or
        # superuser, trusted), or nobody the tool knows (refused).
        "CREATE OR REPLACE FUNCTION guarantee_acting(OUT is_admin boolean, "
        "OUT agent_name text, OUT agent_role text) LANGUAGE plpgsql STABLE "
        f"{definer} AS $$ BEGIN "
        "SELECT name, role INTO agent_name, agent_role FROM agents WHERE login = session_user; "
        "IF FOUND THEN is_admin := false; RETURN; END IF; "
        "IF (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) "
        "OR pg_has_role(session_user, (SELECT tableowner FROM pg_tables "
        f"WHERE schemaname = '{schema}' AND tablename = 'agents'), 'MEMBER') THEN "
        "is_admin := true; RETURN; END IF; "
        f"RAISE EXCEPTION 'login % {NOT_MAPPED}', session_user {deny}; END $$",
        # For the log's row-level security: the agent of this login (NULL: none).
        "CREATE OR REPLACE FUNCTION guarantee_agent_name() RETURNS text LANGUAGE sql "
        f"STABLE {definer} AS $$ SELECT name FROM agents WHERE login = session_user $$",
        "CREATE OR REPLACE FUNCTION guarantee_check_log() RETURNS trigger LANGUAGE plpgsql "
        f"{definer} AS $$ DECLARE a record; BEGIN "
        f"IF NEW.claim_ref IS NOT NULL AND NEW.action IN {HOLDER_ACTIONS} AND EXISTS ("
        "SELECT 1 FROM claims WHERE ref = NEW.claim_ref AND holder <> NEW.agent "
        "AND held_until > clock_timestamp()) THEN "
        f"RAISE EXCEPTION 'claim % {HELD} another agent', NEW.claim_ref {deny}; END IF; "
        "SELECT * INTO a FROM guarantee_acting(); "
        "IF a.is_admin THEN RETURN NEW; END IF; "
        "IF NEW.agent IS DISTINCT FROM a.agent_name OR NEW.role IS DISTINCT FROM a.agent_role "
        f"THEN RAISE EXCEPTION '{NOT_YOU} %: %', session_user, a.agent_name {deny}; END IF; "
        f"IF NEW.action IN {ADMIN_ACTIONS} THEN "
        "RAISE EXCEPTION 'only a database administrator manages agents' "
        f"{deny}; END IF; "
        f"IF NEW.action IN {SUPERVISOR_ACTIONS} AND a.agent_role <> 'supervisor' THEN "
        f"RAISE EXCEPTION '{SUPERVISOR_ONLY}: %', NEW.action {deny}; END IF; "
        "RETURN NEW; END $$",
        # A row that names its agent and its log entry: both must be the login's.
        "CREATE OR REPLACE FUNCTION guarantee_check_logged_row() RETURNS trigger "
        f"LANGUAGE plpgsql {definer} AS $$ DECLARE a record; e record; ok boolean := true; BEGIN "
        "SELECT * INTO a FROM guarantee_acting(); "
        "IF a.is_admin THEN RETURN NEW; END IF; "
        "SELECT agent, action INTO e FROM log_entries WHERE seq = NEW.log_seq; "
        "IF NEW.agent IS DISTINCT FROM a.agent_name OR e.agent IS DISTINCT FROM a.agent_name "
        f"THEN RAISE EXCEPTION '{NOT_YOU} %: %', session_user, a.agent_name {deny}; END IF; "
        # One IF per table: PL/pgSQL resolves every NEW field an expression names.
        "IF TG_TABLE_NAME = 'decisions' THEN "
        "IF e.action IS DISTINCT FROM NEW.action THEN ok := false; END IF; "
        "ELSIF TG_TABLE_NAME = 'call_notes' THEN "
        "IF e.action IS DISTINCT FROM 'call_note' THEN ok := false; END IF; "
        "ELSIF NOT (NEW.kind = 'guarantee_refund' AND e.action = 'approve' "
        "OR NEW.kind = 'refund_reversal' AND e.action = 'reopen') THEN ok := false; END IF; "
        "IF NOT ok THEN "
        "RAISE EXCEPTION '% row does not match its log entry %', TG_TABLE_NAME, NEW.log_seq "
        f"{deny}; END IF; "
        "RETURN NEW; END $$",
        "CREATE OR REPLACE FUNCTION guarantee_check_claim() RETURNS trigger LANGUAGE plpgsql "
        f"{definer} AS $$ DECLARE a record; BEGIN "
        "SELECT * INTO a FROM guarantee_acting(); "
        "IF a.is_admin THEN RETURN NEW; END IF; "
        "IF NEW.status IS DISTINCT FROM OLD.status THEN "
        "IF NEW.status = 'open' AND a.agent_role <> 'supervisor' THEN "
        f"RAISE EXCEPTION '{SUPERVISOR_ONLY}: reopen' {deny}; END IF; "
        "IF OLD.status <> 'open' AND NEW.status <> 'open' THEN "
        f"RAISE EXCEPTION 'claim % is decided', OLD.ref {deny}; END IF; "
        "IF OLD.holder <> a.agent_name AND OLD.held_until > clock_timestamp() THEN "
        f"RAISE EXCEPTION 'claim % {HELD} %', OLD.ref, OLD.holder {deny}; END IF; "
        "END IF; "
        "IF NEW.holder IS DISTINCT FROM OLD.holder OR NEW.held_until IS DISTINCT FROM "
        "OLD.held_until OR NEW.held_since IS DISTINCT FROM OLD.held_since THEN "
        "IF NEW.holder IS NOT NULL AND NEW.holder <> a.agent_name THEN "
        f"RAISE EXCEPTION '{NOT_YOU} %: %', session_user, a.agent_name {deny}; END IF; "
        "IF OLD.holder <> a.agent_name AND OLD.held_until > clock_timestamp() "
        "AND a.agent_role <> 'supervisor' THEN "
        f"RAISE EXCEPTION 'claim % {HELD} %', OLD.ref, OLD.holder {deny}; END IF; "
        "END IF; "
        "RETURN NEW; END $$",
        "CREATE OR REPLACE FUNCTION guarantee_check_mark() RETURNS trigger LANGUAGE plpgsql "
        f"{definer} AS $$ DECLARE a record; BEGIN "
        "SELECT * INTO a FROM guarantee_acting(); "
        "IF a.is_admin THEN RETURN NEW; END IF; "
        "IF NEW.verified_by IS NOT NULL AND NEW.verified_by <> a.agent_name THEN "
        f"RAISE EXCEPTION '{NOT_YOU} %: %', session_user, a.agent_name {deny}; END IF; "
        "IF EXISTS (SELECT 1 FROM claims WHERE id = NEW.claim_id AND holder <> a.agent_name "
        "AND held_until > clock_timestamp()) THEN "
        f"RAISE EXCEPTION 'the claim {HELD} another agent' {deny}; END IF; "
        "RETURN NEW; END $$",
        "CREATE OR REPLACE FUNCTION guarantee_check_professional() RETURNS trigger "
        f"LANGUAGE plpgsql {definer} AS $$ DECLARE a record; BEGIN "
        "SELECT * INTO a FROM guarantee_acting(); "
        "IF a.is_admin THEN RETURN NEW; END IF; "
        "IF OLD.status = 'suspended' AND NEW.status <> 'suspended' "
        "AND a.agent_role <> 'supervisor' THEN "
        f"RAISE EXCEPTION '{SUPERVISOR_ONLY}: lift a suspension' {deny}; END IF; "
        "RETURN NEW; END $$",
        # The head moves one entry forward onto that entry, or stays (the lock).
        "CREATE OR REPLACE FUNCTION guarantee_check_head() RETURNS trigger LANGUAGE plpgsql "
        f"{definer} AS $$ DECLARE a record; BEGIN "
        "SELECT * INTO a FROM guarantee_acting(); "
        "IF a.is_admin THEN RETURN NEW; END IF; "
        "IF NEW.id = OLD.id AND (NEW.seq = OLD.seq AND NEW.hash = OLD.hash "
        "OR NEW.seq = OLD.seq + 1 AND EXISTS (SELECT 1 FROM log_entries "
        "WHERE seq = NEW.seq AND hash = NEW.hash AND prev_hash = OLD.hash)) THEN "
        "RETURN NEW; END IF; "
        f"RAISE EXCEPTION 'the log head only follows the log' {deny}; END $$",
        "CREATE OR REPLACE FUNCTION guarantee_notify_log() RETURNS trigger LANGUAGE plpgsql "
        "AS $$ BEGIN "
        f"PERFORM pg_notify('{CHANNEL}', json_build_object('claim', NEW.claim_ref, "
        "'action', NEW.action, 'agent', NEW.agent, 'seq', NEW.seq)::text); "
        "RETURN NULL; END $$",
        "CREATE OR REPLACE FUNCTION guarantee_notify_holder() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        f"PERFORM pg_notify('{CHANNEL}', json_build_object('claim', NEW.ref, "
        "'action', CASE WHEN NEW.holder IS NULL THEN 'release' ELSE 'take' END, "
        "'agent', COALESCE(NEW.holder, OLD.holder), 'seq', NULL)::text); "
        "RETURN NULL; END $$",
    ]


_TRIGGERS = (
    ("guarantee_check_log", "BEFORE INSERT ON log_entries", "guarantee_check_log"),
    ("guarantee_check_decision", "BEFORE INSERT ON decisions", "guarantee_check_logged_row"),
    ("guarantee_check_ledger", "BEFORE INSERT ON ledger_entries", "guarantee_check_logged_row"),
    ("guarantee_check_call_note", "BEFORE INSERT ON call_notes", "guarantee_check_logged_row"),
    ("guarantee_check_claim", "BEFORE UPDATE ON claims", "guarantee_check_claim"),
    ("guarantee_check_mark", "BEFORE UPDATE ON explanations", "guarantee_check_mark"),
    (
        "guarantee_check_professional",
        "BEFORE UPDATE ON professionals",
        "guarantee_check_professional",
    ),
    ("guarantee_check_head", "BEFORE UPDATE ON log_head", "guarantee_check_head"),
    ("guarantee_notify_log", "AFTER INSERT ON log_entries", "guarantee_notify_log"),
    (
        "guarantee_notify_holder",
        "AFTER UPDATE OF holder ON claims",
        "guarantee_notify_holder",
    ),
)
_NOTIFY_HOLDER_WHEN = "WHEN (OLD.holder IS DISTINCT FROM NEW.holder)"

_AGENT_COLUMNS = {
    "claims": (
        "status, version, verdict, recommended_action, refund_credits, checked_at, "
        "stable_until, holder, held_since, held_until"
    ),
    "explanations": "verification, verified_by, verified_at, verification_note",
    "professionals": "status, suspended_at, suspension_reason",
}


def _grants(schema: str) -> list[str]:
    groups = ", ".join(GROUPS)
    statements = [
        f"GRANT USAGE ON SCHEMA {schema} TO {groups}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {groups}",
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO guarantee_agent",
        "GRANT INSERT ON log_entries, decisions, ledger_entries, call_notes, outbox, "
        "claim_events TO guarantee_agent",
        "GRANT UPDATE ON log_head TO guarantee_agent",
        "GRANT guarantee_agent TO guarantee_supervisor",
        # Retrying and cancelling effects; the dispatcher records their answers.
        "GRANT UPDATE ON outbox TO guarantee_supervisor, guarantee_dispatcher",
        # Agents read their own entries, supervisors and the dispatcher all.
        "ALTER TABLE log_entries ENABLE ROW LEVEL SECURITY",
        "CREATE POLICY log_entries_own ON log_entries FOR SELECT TO guarantee_agent "
        "USING (agent = (SELECT guarantee_agent_name()))",
        "CREATE POLICY log_entries_all ON log_entries FOR SELECT "
        "TO guarantee_supervisor, guarantee_dispatcher USING (true)",
        # What may be appended is the triggers' to check.
        "CREATE POLICY log_entries_append ON log_entries FOR INSERT TO guarantee_agent "
        "WITH CHECK (true)",
    ]
    for table, columns in _AGENT_COLUMNS.items():
        statements.append(f"GRANT UPDATE ({columns}) ON {table} TO guarantee_agent")
    # The integrity triggers of 0004 read the whole log, whoever appends.
    for function in ("log_entries_meaning()", "decisions_once_per_opening()"):
        statements.append(f"ALTER FUNCTION {function} SECURITY DEFINER")
        statements.append(f"ALTER FUNCTION {function} SET search_path = {schema}, pg_temp")
    return statements


def _create_groups() -> None:
    for group in GROUPS:
        # Another database of the cluster may have created it, even meanwhile.
        op.execute(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{group}') "
            f"THEN CREATE ROLE {group} NOLOGIN; END IF; "
            "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        )


def upgrade() -> None:
    with op.batch_alter_table("agents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("login", sa.String(length=63), nullable=True))
        batch_op.add_column(sa.Column("markets", sa.String(length=5), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_agents_login"), ["login"])
        batch_op.create_check_constraint(
            "markets", "markets IS NULL OR markets IN ('FR', 'PT', 'FR,PT')"
        )
    utc = guarantee_tui.store.types.UTCDateTime(timezone=True)
    op.add_column("claims", sa.Column("holder", sa.String(length=100), nullable=True))
    op.add_column("claims", sa.Column("held_since", utc, nullable=True))
    op.add_column("claims", sa.Column("held_until", utc, nullable=True))
    op.create_index(op.f("ix_claims_holder"), "claims", ["holder"], unique=False)
    op.create_table(
        "claim_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_ref", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("agent", sa.String(length=100), nullable=False),
        sa.Column("at", utc, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_events")),
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    schema = op.get_bind().execute(sa.text("SELECT current_schema()")).scalar_one()
    _create_groups()
    for statement in _functions(schema):
        op.execute(statement)
    for name, when, function in _TRIGGERS:
        condition = _NOTIFY_HOLDER_WHEN if name == "guarantee_notify_holder" else ""
        op.execute(
            f"CREATE TRIGGER {name} {when} FOR EACH ROW {condition} EXECUTE FUNCTION {function}()"
        )
    for statement in _grants(schema):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        schema = op.get_bind().execute(sa.text("SELECT current_schema()")).scalar_one()
        for function in ("log_entries_meaning()", "decisions_once_per_opening()"):
            op.execute(f"ALTER FUNCTION {function} SECURITY INVOKER")
            op.execute(f"ALTER FUNCTION {function} RESET search_path")
        for policy in ("log_entries_own", "log_entries_all", "log_entries_append"):
            op.execute(f"DROP POLICY IF EXISTS {policy} ON log_entries")
        op.execute("ALTER TABLE log_entries DISABLE ROW LEVEL SECURITY")
        for name, when, _function in _TRIGGERS:
            table = when.rsplit(" ", 1)[-1]
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        for function in {f for _n, _w, f in _TRIGGERS} | {
            "guarantee_acting",
            "guarantee_agent_name",
        }:
            op.execute(f"DROP FUNCTION IF EXISTS {function} CASCADE")
        # The group roles stay: other databases of the cluster may use them.
        groups = ", ".join(GROUPS)
        op.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {groups}")
        op.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {groups}")
        op.execute(f"REVOKE ALL ON SCHEMA {schema} FROM {groups}")
    op.drop_table("claim_events")
    op.drop_index(op.f("ix_claims_holder"), table_name="claims")
    op.drop_column("claims", "held_until")
    op.drop_column("claims", "held_since")
    op.drop_column("claims", "holder")
    with op.batch_alter_table("agents", schema=None) as batch_op:
        batch_op.drop_constraint("markets", type_="check")
        batch_op.drop_constraint(batch_op.f("uq_agents_login"), type_="unique")
        batch_op.drop_column("markets")
        batch_op.drop_column("login")
