"""The supervisor's log, its entries, figures and review sample; masked client data."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from textual.widgets import Input

from guarantee_tui.services.log import iter_all
from guarantee_tui.store.engine import make_engine
from guarantee_tui.store.models import Claim
from guarantee_tui.ui.app import GuaranteeApp
from guarantee_tui.ui.screens.contacts import ContactsScreen
from guarantee_tui.ui.screens.figures import FiguresScreen
from guarantee_tui.ui.screens.log import LogScreen
from guarantee_tui.ui.screens.log_entry import LogEntryScreen
from guarantee_tui.ui.screens.log_filter import LogFilterScreen
from guarantee_tui.ui.screens.prompt import PromptScreen
from guarantee_tui.ui.screens.review import ReviewScreen
from guarantee_tui.ui.widgets.lazy_table import LazyTable
from tests.ui.conftest import settle
from tests.ui.test_workspace import visible_text

MakeApp = Callable[..., GuaranteeApp]


def showing(app: GuaranteeApp, screen: type) -> bool:
    # A function, so that mypy does not narrow app.screen from one check to the next.
    return isinstance(app.screen, screen)


def log_rows(app: GuaranteeApp) -> list[str]:
    table = app.screen.query_one(LazyTable)
    return [row.key for i in range(table.row_count) if (row := table.row_at(i)) is not None]


async def test_an_agent_sees_only_their_own_entries(make_app: MakeApp) -> None:
    app = make_app(agent="Ana")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert showing(app, LogScreen)
        assert log_rows(app) == []  # Rui's decision is not Ana's
        assert "your entries" in visible_text(app)
        await pilot.press("escape", "enter", "c", "t")  # a mark by Ana
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert len(log_rows(app)) == 1
        assert "marked truthful" in visible_text(app)
        assert app.screen.check_action("review", ()) is False


async def test_a_supervisor_reads_an_entry_beside_the_claim_now_and_reopens_it(
    make_app: MakeApp, ui_db: str
) -> None:
    app = make_app(agent="Sofia")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert log_rows(app) == ["1"]
        shown = visible_text(app)
        assert "everyone's entries" in shown and "Rui" in shown
        await pilot.press("enter")
        await settle(pilot)
        assert showing(app, LogEntryScreen)
        shown = visible_text(app)
        assert "Carta, em português" not in shown  # the UI is English
        assert "Letter, in Portuguese" in shown
        assert "Assunto: o seu pedido de garantia de 7 de abril de 2026" in shown
        assert "The claim now" in shown
        # The letter is longer than the pane: the checklist follows it.
        recorded = app.screen.query_one("#entry-recorded")
        for _ in range(5):
            if "Checklist as recorded" in visible_text(app):
                break
            recorded.scroll_page_down(animate=False)
            await settle(pilot)
        assert "Checklist as recorded" in visible_text(app)
        await pilot.press("o")
        await settle(pilot)
        assert showing(app, PromptScreen)
        await pilot.press(*"Job was won after the claim", "enter")
        await settle(pilot)
        assert showing(app, LogEntryScreen)
        assert app.screen.check_action("reopen", ()) is False  # now open
    engine = make_engine(ui_db)
    with engine.connect() as conn:
        status = conn.execute(select(Claim.status).where(Claim.ref == "CL-DONE-PT")).scalar_one()
    assert status == "open"
    assert [e.action for e in iter_all(engine)] == ["reject", "reopen"]


async def test_filter_figures_and_review_sample(make_app: MakeApp, ui_db: str) -> None:
    app = make_app(agent="Sofia", lang="fr")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("l", "slash")
        await settle(pilot)
        assert showing(app, LogFilterScreen)
        # The dates as typing leaves them (typing is tested on the reopening's prompt).
        since = app.screen.query_one("#filter-from", Input)
        since.focus()
        since.value = "2026-99-01"
        await pilot.press("enter")
        await settle(pilot)
        shown = " ".join(visible_text(app).split())
        assert "« 2026-99-01 » n'est pas un jour" in shown.replace("\xa0", " ")
        assert "29/11/2026" in shown
        since.value = "01/05/2026"
        await pilot.press("enter")
        await settle(pilot)
        assert showing(app, LogScreen)
        assert log_rows(app) == ["1"]
        await pilot.press("f")
        await settle(pilot)
        assert showing(app, FiguresScreen)
        shown = visible_text(app)
        shown = shown.replace("\xa0", " ").replace("\u202f", " ")
        assert "Rui" in shown and "0 %" in shown and "12 min" in shown
        await pilot.press("escape", "R")
        await settle(pilot)
        assert showing(app, PromptScreen)
        await pilot.press("enter")  # 10 %: at least one decision
        await settle(pilot)
        assert showing(app, ReviewScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert showing(app, LogEntryScreen)
        await pilot.press("d")
        await settle(pilot)
        assert showing(app, PromptScreen)
        app.screen.query_one(Input).value = "Le client avait bien été contacté"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert "1 sur 1" in visible_text(app)
    engine = make_engine(ui_db)
    assert [e.action for e in iter_all(engine)] == ["reject", "review_disagree"]


async def test_client_data_is_masked_for_agents_until_revealed_and_logged(
    make_app: MakeApp, ui_db: str
) -> None:
    app = make_app(agent="Ana")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "c")  # CL-ELIG-FR, whose first contact has client data
        await settle(pilot)
        assert showing(app, ContactsScreen)
        shown = visible_text(app)
        assert "Marie Moreau" not in shown
        assert "M. M." in shown and "78" in shown
        await pilot.press("v")
        await settle(pilot)
        shown = visible_text(app)
        assert "Marie Moreau" in shown and "06 12 34 56 78" in shown
    engine = make_engine(ui_db)
    reveal = [e for e in iter_all(engine) if e.action == "reveal_client_data"]
    assert len(reveal) == 1
    assert reveal[0].agent == "Ana" and reveal[0].claim_ref == "CL-ELIG-FR"


async def test_supervisors_see_client_data(make_app: MakeApp) -> None:
    app = make_app(agent="Sofia")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "c")
        await settle(pilot)
        assert "Marie Moreau" in visible_text(app)
