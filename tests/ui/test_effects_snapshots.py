"""Snapshots of the marketplace's effects: on a claim screen, and the supervisors'
screen, in French and Portuguese, small and large.

The effects' states are written as a dispatcher would have recorded them, at
fixed times, so the pictures do not depend on the clock or on a server.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from textual.pilot import Pilot

from guarantee_tui.services import decisions
from guarantee_tui.store import outbox
from guarantee_tui.store.engine import make_engine
from guarantee_tui.store.transactions import write_transaction
from guarantee_tui.ui.app import GuaranteeApp
from guarantee_tui.ui.base import AppScreen
from guarantee_tui.ui.screens.claim import open_claim
from tests.builders import AT
from tests.ui.test_snapshots import LANGS, SIZES, steps

HOLDER = "snapshot-dispatcher"
LEASE = timedelta(minutes=2)


def _claim(conn: Any, at: datetime) -> dict[str, outbox.Effect]:
    return {e.claim or "": e for e in outbox.claim_due(conn, HOLDER, at, LEASE, 10)}


def with_effects(db: str) -> None:
    """CL-ELIG-FR approved two hours ago: the refund delivered, the letter retrying
    after three 503s; CL-REJ-FR rejected an hour ago, its letter never sent;
    CL-DONE-PT's letter (from the day before) refused for good, 404."""
    engine = make_engine(db)
    approved = AT - timedelta(hours=2)
    decisions.decide(
        engine,
        "CL-ELIG-FR",
        "approve",
        reason="Toutes les conditions sont remplies.",
        agent="Ana",
        at=approved,
        opened_at=approved - timedelta(minutes=6),
        language="fr",
    )
    rejected = AT - timedelta(hours=1)
    decisions.decide(
        engine,
        "CL-REJ-FR",
        "reject",
        reason="Achats hors canal.",
        agent="Ana",
        at=rejected,
        opened_at=rejected - timedelta(minutes=4),
        language="fr",
        reason_codes=None,
    )
    first = approved + timedelta(minutes=1)
    with write_transaction(engine) as conn:
        heads = _claim(conn, first)
        outbox.mark_failed(
            conn,
            heads["CL-DONE-PT"].id,
            HOLDER,
            error="404 unknown_professional: unknown professional D-PT-0001",
            status=404,
            body='{"error":"unknown_professional"}',
        )
        outbox.mark_delivered(
            conn,
            heads["CL-ELIG-FR"].id,
            HOLDER,
            first,
            status=201,
            body="{}",
            result_id="adj_1",
            balance_credits=1234,
        )
        outbox.unclaim(conn, [heads["CL-REJ-FR"].id], HOLDER)
    tried = first
    for attempt in range(3):
        tried += timedelta(minutes=1)
        again = AT + timedelta(minutes=4) if attempt == 2 else tried + timedelta(seconds=30)
        with write_transaction(engine) as conn:
            letter = next(
                e
                for e in outbox.claim_due(conn, HOLDER, tried, LEASE, 10)
                if e.kind == "letter" and e.claim == "CL-ELIG-FR"
            )
            for other in outbox.of_claim(conn, "CL-REJ-FR"):
                outbox.unclaim(conn, [other.id], HOLDER)
            outbox.mark_retrying(
                conn,
                letter.id,
                HOLDER,
                next_try_at=again,
                error="503 unavailable: try again later",
                status=503,
            )
    engine.dispose()


async def _open_approved(pilot: Pilot[None]) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, AppScreen)
    open_claim(screen, "CL-ELIG-FR")


# (who, what first, keys after the queue has painted)
STEPS: dict[str, tuple[str, Callable[[Pilot[None]], Awaitable[None]] | None, list[str]]] = {
    "claim-effects": ("Ana", _open_approved, []),
    "effects": ("Sofia", None, ["l", "e"]),
}


@pytest.mark.parametrize("screen", list(STEPS))
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", SIZES)
def test_effects(
    snap_compare: Any,
    make_app: Callable[..., GuaranteeApp],
    ui_db: str,
    screen: str,
    lang: str,
    size: tuple[int, int],
) -> None:
    with_effects(ui_db)
    agent, before, keys = STEPS[screen]
    app = make_app(lang=lang, agent=agent)
    assert snap_compare(app, terminal_size=size, run_before=steps(keys, before))
