"""Random histories of acts written to the outbox, with the marketplace's end state they imply."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Engine

from guarantee_tui.services.effects import enqueue_decision_effects, enqueue_reopening_effects
from guarantee_tui.store.transactions import write_transaction

AT = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
LETTER = "Subject: your guarantee claim {claim}\n\nHello {company},\n\nBody of the {action} letter."


@dataclass(slots=True)
class Expected:
    balances: Counter[str] = field(default_factory=Counter)
    # Per claim, one entry per suspension decision: whether it is still active.
    suspensions: dict[str, list[bool]] = field(default_factory=dict)
    letters: Counter[str] = field(default_factory=Counter)
    effects: int = 0


def act(
    engine: Engine,
    expected: Expected,
    seq: int,
    action: str,
    professional: str,
    claim: str,
    refund: int = 0,
) -> None:
    """One decision or reopening, in its own transaction, as the decision services make them."""
    with write_transaction(engine) as conn:
        if action in ("approve", "reject", "suspend"):
            ids = enqueue_decision_effects(
                conn,
                action=action,
                professional=professional,
                claim=claim,
                log_seq=seq,
                at=AT,
                letter_language="fr" if professional.endswith(("0", "2", "4")) else "pt",
                letter_text=LETTER.format(claim=claim, company=professional, action=action),
                refund_credits=refund if action == "approve" else None,
                note="untruthful explanations" if action == "suspend" else None,
            )
            expected.letters[claim] += 1
            if action == "approve":
                expected.balances[professional] += refund
            if action == "suspend":
                expected.suspensions.setdefault(claim, []).append(True)
        else:
            previous = action.removeprefix("reopen_")
            ids = enqueue_reopening_effects(
                conn,
                previous_status=previous,
                professional=professional,
                claim=claim,
                log_seq=seq,
                at=AT,
                reversed_credits=refund if previous == "approved" else None,
            )
            if previous == "approved":
                expected.balances[professional] -= refund
            else:
                expected.suspensions[claim][-1] = False
        expected.effects += len(ids)


def random_history(engine: Engine, rng: random.Random, professionals: int) -> Expected:
    """Each professional's claims decided, some reopened and decided again."""
    expected = Expected()
    seq = 0
    for p in range(professionals):
        professional = f"PRO-{p:04d}"
        for c in range(rng.randint(1, 2)):
            claim = f"CLM-{p:04d}-{c}"
            for _round in range(rng.randint(1, 2)):
                action = rng.choice(("approve", "reject", "suspend"))
                refund = rng.randint(10, 400)
                seq += 1
                act(engine, expected, seq, action, professional, claim, refund)
                if action == "reject" or rng.random() < 0.4:
                    break
                seq += 1
                status = "approved" if action == "approve" else "suspended"
                act(engine, expected, seq, f"reopen_{status}", professional, claim, refund)
    return expected
