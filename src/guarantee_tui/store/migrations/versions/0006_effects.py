"""Effects for the marketplace: the outbox as a dispatcher's queue, and pull's cursor.

The outbox of 0002 held a kind and a free payload that no dispatcher ever
read. Its rows become effects whose payload is the request body of the
marketplace's API (tests/data/marketplace-api.yaml), keeping their keys:
refunds and reversals become credit adjustments, suspensions suspensions,
and a lift points at the professional's suspension before it (a lift with
no suspension before it has nothing to lift on the marketplace and is
dropped). Letters were never queued before this revision and are not
invented here.

Revision ID: 0006_effects
Revises: 0005_search_keys
Create Date: 2026-11-29 12:20:00.000000
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

import guarantee_tui.store.types

revision = "0006_effects"
down_revision = "0005_search_keys"
branch_labels = None
depends_on = None

UTC_DT = guarantee_tui.store.types.UTCDateTime

_OLD = sa.table(
    "outbox",
    sa.column("id", sa.Integer()),
    sa.column("kind", sa.String()),
    sa.column("idempotency_key", sa.String()),
    sa.column("payload", sa.Text()),
    sa.column("created_at", UTC_DT()),
    sa.column("attempts", sa.Integer()),
    sa.column("next_attempt_at", UTC_DT()),
    sa.column("sent_at", UTC_DT()),
    sa.column("last_error", sa.Text()),
)

_NEW = sa.table(
    "outbox",
    sa.column("id", sa.Integer()),
    sa.column("professional", sa.String()),
    sa.column("claim", sa.String()),
    sa.column("log_seq", sa.Integer()),
    sa.column("kind", sa.String()),
    sa.column("idempotency_key", sa.String()),
    sa.column("payload", sa.Text()),
    sa.column("depends_on", sa.Integer()),
    sa.column("state", sa.String()),
    sa.column("tries", sa.Integer()),
    sa.column("last_error", sa.Text()),
    sa.column("created_at", UTC_DT()),
    sa.column("delivered_at", UTC_DT()),
)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _log_seq(key: str) -> int | None:
    tail = key.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else None


def _converted(rows: Sequence[Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    last_suspension: dict[str, int] = {}
    for row in rows:
        old = json.loads(row.payload)
        professional, claim = str(old["professional"]), str(old["claim"])
        values: dict[str, Any] = {
            "id": row.id,
            "professional": professional,
            "claim": claim,
            "log_seq": _log_seq(row.idempotency_key),
            "idempotency_key": row.idempotency_key,
            "depends_on": None,
            "state": "delivered" if row.sent_at is not None else "pending",
            "tries": row.attempts or 0,
            "last_error": row.last_error,
            "created_at": row.created_at,
            "delivered_at": row.sent_at,
        }
        if row.kind in ("refund", "refund_reversal"):
            reason = "guarantee_refund" if row.kind == "refund" else "guarantee_refund_reversal"
            body = {
                "professional": professional,
                "amount_credits": int(old["credits"]),
                "reason": reason,
                "claim": claim,
            }
            values.update(kind="credit", payload=_canonical(body))
        elif row.kind == "suspension":
            body = {"professional": professional, "reason": "platform_abuse", "claim": claim}
            values.update(kind="suspension", payload=_canonical(body))
            last_suspension[professional] = row.id
        elif row.kind == "suspension_lifted" and professional in last_suspension:
            body = {"reason": "decision_reopened", "claim": claim}
            values.update(
                kind="lift",
                payload=_canonical(body),
                depends_on=last_suspension.pop(professional),
            )
        else:
            continue
        out.append(values)
    return out


def upgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.select(_OLD).order_by(_OLD.c.id)).all()
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_sent_at"))
    op.drop_table("outbox")
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("professional", sa.String(length=64), nullable=False),
        sa.Column("claim", sa.String(length=64), nullable=True),
        sa.Column("log_seq", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("depends_on", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=16), server_default="pending", nullable=False),
        sa.Column("tries", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_try_at", UTC_DT(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("lease_holder", sa.String(length=100), nullable=True),
        sa.Column("lease_until", UTC_DT(timezone=True), nullable=True),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("response_body", sa.Text(), nullable=True),
        sa.Column("result_id", sa.String(length=255), nullable=True),
        sa.Column("balance_credits", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC_DT(timezone=True), nullable=False),
        sa.Column("delivered_at", UTC_DT(timezone=True), nullable=True),
        sa.CheckConstraint(
            "kind IN ('credit', 'suspension', 'lift', 'letter')", name=op.f("ck_outbox_kind")
        ),
        sa.CheckConstraint(
            "kind <> 'lift' OR depends_on IS NOT NULL", name=op.f("ck_outbox_lift_depends")
        ),
        sa.CheckConstraint(
            "state IN ('pending', 'sending', 'delivered', 'retrying', 'failed', 'cancelled')",
            name=op.f("ck_outbox_state"),
        ),
        sa.ForeignKeyConstraint(
            ["depends_on"], ["outbox.id"], name=op.f("fk_outbox_depends_on_outbox")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_outbox_idempotency_key")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_claim"), ["claim"], unique=False)
        batch_op.create_index("ix_outbox_professional_id", ["professional", "id"], unique=False)
        batch_op.create_index("ix_outbox_state_id", ["state", "id"], unique=False)
    op.create_table(
        "marketplace_cursor",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("cursor", sa.Text(), nullable=True),
        sa.Column("updated_at", UTC_DT(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_marketplace_cursor")),
    )
    converted = _converted(rows)
    if converted:
        bind.execute(sa.insert(_NEW), converted)
        if bind.dialect.name == "postgresql":
            # Rows kept their ids: the sequence must start after them.
            bind.execute(
                sa.text(
                    "SELECT setval(pg_get_serial_sequence('outbox', 'id'), "
                    "(SELECT max(id) FROM outbox))"
                )
            )


def downgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(_NEW).where(_NEW.c.kind.in_(("credit", "suspension"))).order_by(_NEW.c.id)
    ).all()
    op.drop_table("marketplace_cursor")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_state_id")
        batch_op.drop_index("ix_outbox_professional_id")
        batch_op.drop_index(batch_op.f("ix_outbox_claim"))
    op.drop_table("outbox")
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("idempotency_key", sa.String(length=100), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", UTC_DT(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", UTC_DT(timezone=True), nullable=True),
        sa.Column("sent_at", UTC_DT(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_outbox_idempotency_key")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_sent_at"), ["sent_at"], unique=False)
    old = []
    for row in rows:
        body = json.loads(row.payload)
        if row.kind == "credit":
            kind = "refund" if body["amount_credits"] > 0 else "refund_reversal"
            payload: dict[str, Any] = {"professional": row.professional, "claim": row.claim}
            payload["credits"] = body["amount_credits"]
        else:
            kind = "suspension"
            payload = {"professional": row.professional, "claim": row.claim}
            payload["ground"] = "platform_abuse"
        old.append(
            {
                "id": row.id,
                "kind": kind,
                "idempotency_key": row.idempotency_key[:100],
                "payload": _canonical(payload),
                "created_at": row.created_at,
                "attempts": row.tries,
                "sent_at": row.delivered_at,
                "last_error": row.last_error,
            }
        )
    if old:
        bind.execute(sa.insert(_OLD), old)
