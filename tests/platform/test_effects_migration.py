"""0006_effects: the old outbox's messages become effects the dispatcher can send."""

from __future__ import annotations

import json

from sqlalchemy import text

from guarantee_tui.store import outbox
from guarantee_tui.store.engine import make_engine
from guarantee_tui.store.migrate import upgrade

OLD = [
    ("refund", "refund-1", {"professional": "P1", "claim": "C1", "credits": 240, "decision": 1}),
    ("suspension", "suspension-2", {"professional": "P2", "claim": "C2", "ground": "x"}),
    (
        "refund_reversal",
        "refund_reversal-3",
        {"professional": "P1", "claim": "C1", "credits": -240},
    ),
    ("suspension_lifted", "suspension_lifted-4", {"professional": "P2", "claim": "C2"}),
    ("suspension_lifted", "suspension_lifted-5", {"professional": "P3", "claim": "C3"}),
]


def test_old_messages_become_effects(fresh: str) -> None:
    engine = make_engine(fresh, create=True)
    upgrade(engine, "0005_search_keys")
    with engine.begin() as conn:
        for n, (kind, key, payload) in enumerate(OLD, start=1):
            conn.execute(
                text(
                    "INSERT INTO outbox (id, kind, idempotency_key, payload, created_at, attempts) "
                    "VALUES (:id, :kind, :key, :payload, :at, 0)"
                ),
                {
                    "id": n,
                    "kind": kind,
                    "key": key,
                    "payload": json.dumps(payload),
                    "at": "2026-11-20 12:00:00",
                },
            )
    upgrade(engine)
    with engine.connect() as conn:
        credit, reversal = outbox.of_claim(conn, "C1")
        suspension, lift = outbox.of_claim(conn, "C2")
        assert outbox.of_claim(conn, "C3") == []  # nothing was ever suspended to lift
    assert json.loads(credit.payload) == {
        "professional": "P1",
        "amount_credits": 240,
        "reason": "guarantee_refund",
        "claim": "C1",
    }
    assert (credit.idempotency_key, credit.log_seq, credit.state) == ("refund-1", 1, "pending")
    assert json.loads(reversal.payload)["reason"] == "guarantee_refund_reversal"
    assert json.loads(reversal.payload)["amount_credits"] == -240
    assert json.loads(suspension.payload)["reason"] == "platform_abuse"
    assert (lift.kind, lift.depends_on) == ("lift", suspension.id)
    # New effects get ids after the kept ones.
    with engine.begin() as conn:
        new_id, _ = outbox.add_effect(
            conn,
            kind="letter",
            professional="P1",
            claim="C1",
            payload={"x": 1},
            at=credit.created_at,
        )
    assert new_id > 4
    engine.dispose()
