"""A day of marks and a decision in the log, as the supervisor reads it afterwards."""

from __future__ import annotations

from datetime import timedelta

from guarantee_tui.services import decisions, verification
from guarantee_tui.store.engine import make_engine
from tests.builders import AT

CLAIM = "CL-PEND-PT"
MARKS = 20
UNTRUTHFUL = (7, 15)


def marks_then_decision(db: str, *, action: str = "suspend") -> None:
    """Ana marks the 20 explanations of CL-PEND-PT (18 truthful, 2 untruthful),
    then decides it: 21 entries, of which the log shows one row."""
    engine = make_engine(db)
    start = AT - timedelta(hours=3)
    for n in range(1, MARKS + 1):
        untruthful = n in UNTRUTHFUL
        verification.mark(
            engine,
            CLAIM,
            f"P-L-{n:02d}",
            "untruthful" if untruthful else "truthful",
            agent="Ana",
            at=start + timedelta(minutes=n),
            note="O cliente nunca foi contactado" if untruthful else "",
        )
    decisions.decide(
        engine,
        CLAIM,
        action,
        reason="Two explanations do not hold",
        agent="Ana",
        at=AT - timedelta(hours=1),
        opened_at=start,
        language="pt",
    )
    engine.dispose()
