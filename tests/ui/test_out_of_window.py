"""A date outside the tool's window, written into the database past the import
(which refuses it), does not stop the app: the queue lists the claim, and
opening it says which date is wrong (issue 12)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import update

from guarantee_tui.store.engine import make_engine
from guarantee_tui.store.models import Claim
from guarantee_tui.ui.app import GuaranteeApp
from guarantee_tui.ui.base import AppScreen
from guarantee_tui.ui.screens.claim import open_claim
from guarantee_tui.ui.screens.error import ErrorScreen
from guarantee_tui.ui.screens.queue import QueueScreen
from guarantee_tui.ui.widgets.lazy_table import LazyTable
from tests.ui.conftest import settle

MakeApp = Callable[..., GuaranteeApp]


def far_claim(db: str) -> None:
    engine = make_engine(db)
    with engine.begin() as conn:
        conn.execute(
            update(Claim)
            .where(Claim.ref == "CL-ELIG-FR")
            .values(
                submitted_at=datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC),
                # As a row inserted by hand: no verdict computed yet.
                verdict=None,
                recommended_action=None,
                refund_credits=None,
                stable_until=None,
            )
        )
    engine.dispose()


async def test_the_app_starts_lists_the_claim_and_says_what_is_wrong_with_it(
    make_app: MakeApp, ui_db: str
) -> None:
    far_claim(ui_db)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        table = screen.query_one(LazyTable)
        rows = {r.key: r for i in range(table.row_count) if (r := table.row_at(i)) is not None}
        # Shown as stored, in UTC; no age in days.
        cells = rows["CL-ELIG-FR"].cells
        assert "9999" in str(cells[4])
        assert str(cells[5]) == "—"
        # The verdicts that time made stale are computed again, this one too.
        screen._refresh_stale_step()
        await settle(pilot)
        assert isinstance(screen, AppScreen)
        open_claim(screen, "CL-ELIG-FR")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert [n.message for n in app._notifications] == [
            "Claim CL-ELIG-FR: submitted_at is 9999-12-31 23:59:59 UTC, outside the accepted "
            "range, 2000-01-01 to 2100-12-31. The database holds a date no import accepts: "
            "correct it there."
        ]
        assert not any(isinstance(s, ErrorScreen) for s in app.screen_stack)
    assert app.return_code in (None, 0)
