"""Stored verdicts kept in step with the policy, whatever a row holds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select, update

from guarantee_tui.services.verdicts import refresh_stale
from guarantee_tui.store.models import Claim
from tests.builders import AT
from tests.services.test_decisions import add


def test_a_claim_outside_the_window_is_left_alone_and_the_others_refreshed(
    engine: Engine,
) -> None:
    far, near = add(engine, "FAR"), add(engine, "NEAR")
    with engine.begin() as conn:
        # Written by hand (no import accepts it): a purchase in year 2.
        conn.execute(
            update(Claim)
            .where(Claim.ref == far)
            .values(submitted_at=datetime(2, 1, 1, tzinfo=UTC), verdict=None)
        )
        conn.execute(update(Claim).where(Claim.ref == near).values(verdict=None))
    # Terminates although the far claim stays stale, and refreshes the near one.
    assert refresh_stale(engine, AT + timedelta(days=1), batch=1) == 1
    with engine.connect() as conn:
        verdicts: dict[str, str | None] = dict(conn.execute(select(Claim.ref, Claim.verdict)).all())
    assert verdicts[far] is None
    assert verdicts[near] == "eligible"
