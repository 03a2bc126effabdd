"""An agent's answer to a waiting intake message, under an agent's own login.

Intake runs as the database's owner; the Intake screen runs as the agent.
Confirming a message creates its claim and explanations (or adds and
replaces an open claim's), rebuilds the professional's search tokens,
appends an `intake` entry and marks the message answered; setting it aside
appends the entry and marks it. On PostgreSQL the agents' group is granted
exactly those writes, and triggers (SECURITY DEFINER, fixed search_path, as
in 0007) keep them to what an answer does:

- a message is answered once, from a waiting status (`needs_review`,
  `unknown_sender`, `not_a_claim`) to `confirmed` or `dismissed`, under the
  login's own agent name, with a log entry of that agent's `intake`;
- a claim an agent creates is open, unheld, unverified and is the claim of a
  waiting message (its ref `CL-M` and the message's number);
- an explanation an agent writes, new or replaced, belongs to such a new
  claim or to an open claim a waiting message proposes changes to, and is
  unverified.

SQLite is a single desk (0007): nothing to do there.

Revision ID: 0010_intake_review
Revises: 0009_intake
Create Date: 2026-12-06 12:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_intake_review"
down_revision = "0009_intake"
branch_labels = None
depends_on = None

# As 0007 words them: store/agents.py recognises the first.
NOT_YOU = "you are connected as"
WAITING = "('needs_review', 'unknown_sender', 'not_a_claim')"
ANSWERS = "('confirmed', 'dismissed')"
# The ref intake gives the claim of message `id` (services/intake.py: CL-M{id:06d}).
_INTAKE_REF = (
    "'CL-M' || CASE WHEN length(m.id::text) >= 6 THEN m.id::text ELSE lpad(m.id::text, 6, '0') END"
)
# A waiting message about claim NEW.claim_id: the claim it creates, or the open one it changes.
_ABOUT_CLAIM = (
    "EXISTS (SELECT 1 FROM claims c JOIN intake_messages m ON m.status IN "
    f"{WAITING} AND (m.claim_id = c.id OR c.ref = {_INTAKE_REF}) "
    "WHERE c.id = NEW.claim_id AND c.status = 'open')"
)

_GRANTS = (
    "GRANT INSERT ON claims, explanations TO guarantee_agent",
    "GRANT UPDATE (text) ON explanations TO guarantee_agent",
    "GRANT INSERT, DELETE ON search_tokens TO guarantee_agent",
    "GRANT UPDATE (status, agent, log_seq, professional_id, claim_id) ON intake_messages "
    "TO guarantee_agent",
)
_REVOKES = (
    "REVOKE INSERT ON claims, explanations FROM guarantee_agent",
    "REVOKE UPDATE (text) ON explanations FROM guarantee_agent",
    "REVOKE INSERT, DELETE ON search_tokens FROM guarantee_agent",
    "REVOKE UPDATE (status, agent, log_seq, professional_id, claim_id) ON intake_messages "
    "FROM guarantee_agent",
)

_TRIGGERS = (
    ("guarantee_check_intake", "BEFORE UPDATE ON intake_messages", "guarantee_check_intake"),
    ("guarantee_check_new_claim", "BEFORE INSERT ON claims", "guarantee_check_new_claim"),
    (
        "guarantee_check_new_explanation",
        "BEFORE INSERT ON explanations",
        "guarantee_check_explanation_text",
    ),
    (
        "guarantee_check_explanation_text",
        "BEFORE UPDATE OF text ON explanations",
        "guarantee_check_explanation_text",
    ),
)


def _functions(schema: str) -> list[str]:
    definer = f"SECURITY DEFINER SET search_path = {schema}, pg_temp"
    deny = "USING ERRCODE = 'insufficient_privilege'"
    return [
        "CREATE OR REPLACE FUNCTION guarantee_check_intake() RETURNS trigger LANGUAGE plpgsql "
        f"{definer} AS $$ DECLARE a record; e record; BEGIN "
        "SELECT * INTO a FROM guarantee_acting(); "
        "IF a.is_admin THEN RETURN NEW; END IF; "
        f"IF OLD.status NOT IN {WAITING} THEN "
        f"RAISE EXCEPTION 'intake message % is answered already', OLD.id {deny}; END IF; "
        f"IF NEW.status NOT IN {WAITING} AND NEW.status NOT IN {ANSWERS} "
        f"OR NEW.status <> OLD.status AND NEW.status NOT IN {ANSWERS} THEN "
        f"RAISE EXCEPTION 'an agent answers an intake message: confirmed or dismissed' {deny}; "
        "END IF; "
        "IF (NEW.agent IS DISTINCT FROM OLD.agent OR NEW.status <> OLD.status) "
        "AND NEW.agent IS DISTINCT FROM a.agent_name THEN "
        f"RAISE EXCEPTION '{NOT_YOU} %: %', session_user, a.agent_name {deny}; END IF; "
        "IF NEW.log_seq IS DISTINCT FROM OLD.log_seq OR NEW.status <> OLD.status THEN "
        "SELECT agent, action INTO e FROM log_entries WHERE seq = NEW.log_seq; "
        "IF NOT FOUND OR e.action <> 'intake' OR e.agent IS DISTINCT FROM a.agent_name THEN "
        f"RAISE EXCEPTION '{NOT_YOU} %: %', session_user, a.agent_name {deny}; END IF; "
        "END IF; "
        "IF NEW.claim_id IS DISTINCT FROM OLD.claim_id AND NOT EXISTS (SELECT 1 FROM claims "
        "WHERE id = NEW.claim_id AND professional_id = NEW.professional_id) THEN "
        "RAISE EXCEPTION 'the claim of intake message % is not its professional''s', OLD.id "
        f"{deny}; END IF; "
        "RETURN NEW; END $$",
        "CREATE OR REPLACE FUNCTION guarantee_check_new_claim() RETURNS trigger "
        f"LANGUAGE plpgsql {definer} AS $$ DECLARE a record; BEGIN "
        "SELECT * INTO a FROM guarantee_acting(); "
        "IF a.is_admin THEN RETURN NEW; END IF; "
        "IF NEW.status <> 'open' OR NEW.holder IS NOT NULL OR NEW.verdict IS NOT NULL "
        f"OR NOT EXISTS (SELECT 1 FROM intake_messages m WHERE m.status IN {WAITING} "
        f"AND NEW.ref = {_INTAKE_REF} "
        "AND (m.professional_id IS NULL OR m.professional_id = NEW.professional_id)) THEN "
        "RAISE EXCEPTION 'an agent creates a claim only by confirming its intake message' "
        f"{deny}; END IF; "
        "RETURN NEW; END $$",
        "CREATE OR REPLACE FUNCTION guarantee_check_explanation_text() RETURNS trigger "
        f"LANGUAGE plpgsql {definer} AS $$ DECLARE a record; BEGIN "
        "SELECT * INTO a FROM guarantee_acting(); "
        "IF a.is_admin THEN RETURN NEW; END IF; "
        f"IF NEW.verification IS NOT NULL OR NOT {_ABOUT_CLAIM} THEN "
        "RAISE EXCEPTION 'an agent writes explanations only by confirming an intake message' "
        f"{deny}; END IF; "
        "IF EXISTS (SELECT 1 FROM claims WHERE id = NEW.claim_id AND holder <> a.agent_name "
        "AND held_until > clock_timestamp()) THEN "
        f"RAISE EXCEPTION 'the claim is held by another agent' {deny}; END IF; "
        "RETURN NEW; END $$",
    ]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    schema = op.get_bind().execute(sa.text("SELECT current_schema()")).scalar_one()
    for statement in _functions(schema):
        op.execute(statement)
    for name, when, function in _TRIGGERS:
        op.execute(f"CREATE TRIGGER {name} {when} FOR EACH ROW EXECUTE FUNCTION {function}()")
    for statement in _GRANTS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in _REVOKES:
        op.execute(statement)
    for name, when, _function in _TRIGGERS:
        table = when.rsplit(" ", 1)[-1]
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    for function in {f for _n, _w, f in _TRIGGERS}:
        op.execute(f"DROP FUNCTION IF EXISTS {function}() CASCADE")
