"""Team mode in the workspace: taking claims, who is on what, other agents' acts live.

Two agents are two `App.run_test` instances on one database (SQLite and
PostgreSQL): what one does shows on the other's screen without a key press.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import pytest
from rich.text import Text
from sqlalchemy import Engine
from textual.pilot import Pilot
from textual.widgets import Static

from guarantee_tui.config import Settings
from guarantee_tui.services import decisions, leases
from guarantee_tui.services.agents import add
from guarantee_tui.services.copy import copy_database
from guarantee_tui.services.log import iter_all
from guarantee_tui.store.engine import make_engine
from guarantee_tui.ui.app import GuaranteeApp
from guarantee_tui.ui.bindings import listed
from guarantee_tui.ui.screens.claim import ClaimScreen
from guarantee_tui.ui.screens.confirm import ConfirmScreen
from guarantee_tui.ui.screens.contacts import ContactsScreen
from guarantee_tui.ui.screens.decision import DecisionScreen
from guarantee_tui.ui.screens.queue import QueueScreen
from tests.builders import AT
from tests.ui.conftest import Intervals, settle, until

# Claims of the test database (tests/ui/conftest.py), oldest first; CL-DONE-PT is decided.
OLDEST = ("CL-ELIG-FR", "CL-PEND-PT", "CL-MARKUP", "CL-REJ-FR")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def team_db(request: pytest.FixtureRequest, ui_db: str) -> str:
    """The UI test database, on SQLite or copied to PostgreSQL."""
    if request.param == "sqlite":
        return ui_db
    url: str = request.getfixturevalue("pg_url")
    source, target = make_engine(ui_db), make_engine(url)
    try:
        copy_database(source, target, url)
    finally:
        source.dispose()
        target.dispose()
    return url


@pytest.fixture
def engine(team_db: str) -> Iterator[Engine]:
    engine = make_engine(team_db)
    yield engine
    engine.dispose()


class Desk(GuaranteeApp):
    """The app, keeping every notice it gave (a notice fades; a loaded machine is slow)."""

    def __init__(self, db: str, agent: str) -> None:
        super().__init__(Settings(db=db, lang="en", agent=agent), clock=lambda: AT)
        self.notices: list[str] = []

    def notify(self, message: str, *args: Any, **kwargs: Any) -> None:
        self.notices.append(message)
        super().notify(message, *args, **kwargs)


def desk(db: str, agent: str) -> Desk:
    return Desk(db, agent)


@asynccontextmanager
async def running(app: Desk, size: tuple[int, int] = (120, 40)) -> AsyncIterator[Pilot[None]]:
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await until(pilot, lambda: app.actor_markets is not None, "the team loaded")
        yield pilot


def text_of(app: GuaranteeApp, selector: str) -> str:
    content = app.screen.query_one(selector, Static).render()
    return content.plain if isinstance(content, Text) else str(content)


async def open_claim(pilot: Pilot[None], ref: str) -> ClaimScreen:
    queue = pilot.app.screen
    assert isinstance(queue, QueueScreen)
    await pilot.press(*OLDEST.index(ref) * ["j"], "enter")
    await until(pilot, lambda: isinstance(pilot.app.screen, ClaimScreen), f"{ref} opened")
    screen = pilot.app.screen
    assert isinstance(screen, ClaimScreen) and screen.claim_ref == ref
    await settle(pilot)
    return screen


async def test_n_takes_the_oldest_free_claim_and_opens_it(ui_db: str) -> None:
    engine = make_engine(ui_db)
    leases.take(engine, "CL-ELIG-FR", "Camille Laurent")
    app = desk(ui_db, "Ana")
    async with running(app) as pilot:
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, ClaimScreen), "a claim opened")
        screen = app.screen
        assert isinstance(screen, ClaimScreen)
        assert screen.claim_ref == "CL-PEND-PT"
        holding = leases.holder_of(engine, "CL-PEND-PT")
        assert holding is not None and holding.holder == "Ana"
        await settle(pilot)
        assert "You are on this claim" in text_of(app, "#claim-holder")
        # Given back: the next `n` finds it again.
        await pilot.press("R")
        await settle(pilot)
        assert leases.holder_of(engine, "CL-PEND-PT") is None
        await pilot.press("escape", "n")
        await until(pilot, lambda: isinstance(app.screen, ClaimScreen), "a claim opened")
        assert app.screen.claim_ref == "CL-PEND-PT"  # type: ignore[attr-defined]
    engine.dispose()


async def test_n_says_so_when_nothing_is_free(ui_db: str) -> None:
    engine = make_engine(ui_db)
    for ref in OLDEST:
        leases.take(engine, ref, "Camille Laurent")
    app = desk(ui_db, "Ana")
    async with running(app) as pilot:
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert any("No claim to take" in n for n in app.notices)
    engine.dispose()


def holder_cell(app: GuaranteeApp, ref: str) -> str | None:
    """The holder column of `ref`'s row in the queue (None: row not loaded)."""
    screen = app.screen
    assert isinstance(screen, QueueScreen)
    table = screen.table
    keys = [c.key for c in table.columns]
    for index in range(table.row_count):
        row = table.row_at(index)
        if row is not None and row.key == ref:
            cell = row.cells[keys.index("holder")]
            return cell.plain if isinstance(cell, Text) else cell
    return None


def refs(app: GuaranteeApp) -> list[str]:
    screen = app.screen
    assert isinstance(screen, QueueScreen)
    table = screen.table
    rows = [table.row_at(i) for i in range(table.row_count)]
    return [row.key for row in rows if row is not None]


@pytest.mark.parametrize(("size", "shown"), [((120, 40), "Camille Laurent "), ((80, 24), "CL")])
async def test_the_queue_shows_who_holds_each_claim(
    ui_db: str, size: tuple[int, int], shown: str
) -> None:
    engine = make_engine(ui_db)
    leases.take(engine, "CL-REJ-FR", "Camille Laurent")
    leases.take(engine, "CL-ELIG-FR", "Ana")
    app = desk(ui_db, "Ana")
    async with running(app, size) as pilot:
        cell = holder_cell(app, "CL-REJ-FR")
        assert cell is not None and cell.startswith(shown)
        assert holder_cell(app, "CL-PEND-PT") == ""
        # Only mine, only those nobody holds, all again.
        await pilot.press("h")
        await settle(pilot)
        assert refs(app) == ["CL-ELIG-FR"]
        await pilot.press("h")
        await settle(pilot)
        assert refs(app) == ["CL-PEND-PT", "CL-MARKUP"]
        await pilot.press("h")
        await settle(pilot)
        assert refs(app) == list(OLDEST)
    engine.dispose()


async def test_the_agents_markets_are_the_queues_default(ui_db: str) -> None:
    engine = make_engine(ui_db)
    add(engine, "Julien Morel", role="agent", at=AT, markets="PT", by="Sofia")
    app = desk(ui_db, "Julien Morel")
    async with running(app) as pilot:
        await until(pilot, lambda: refs(app) == ["CL-PEND-PT"], "only the PT claims")
        # `n` takes from the agent's market, not the oldest claim of all.
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, ClaimScreen), "a claim opened")
        assert app.screen.claim_ref == "CL-PEND-PT"  # type: ignore[attr-defined]
    engine.dispose()


async def test_presence_shows_on_the_other_desk_and_its_keys_say_why(
    team_db: str, engine: Engine
) -> None:
    ana, bruno = desk(team_db, "Ana"), desk(team_db, "Bruno")
    async with running(ana) as a, running(bruno) as b:
        await open_claim(a, "CL-REJ-FR")
        await a.press("r")
        await until(a, lambda: isinstance(ana.screen, DecisionScreen), "the dialog opened")
        # Bruno's queue follows without a key press.
        await until(
            b, lambda: (holder_cell(bruno, "CL-REJ-FR") or "").startswith("Ana "), "Ana shown"
        )
        screen = await open_claim(b, "CL-REJ-FR")
        assert text_of(bruno, "#claim-holder").startswith("Ana is on this claim since ")
        entries = {e.description: e.enabled for e in listed(bruno, screen)}
        assert entries["Approve"] is False and entries["Reject"] is False
        assert entries["Contacts"] is True
        await b.press("a")
        await settle(b)
        assert isinstance(bruno.screen, ClaimScreen)
        assert any(n.startswith("Ana is on this claim since ") for n in bruno.notices)
        # Contacts: the marking keys say the same.
        await b.press("c")
        await until(b, lambda: isinstance(bruno.screen, ContactsScreen), "the contacts")
        await settle(b)
        await b.press("t")
        await settle(b)
        assert sum(n.startswith("Ana is on this claim since ") for n in bruno.notices) == 2
        assert "Ana is on this claim since" in text_of(bruno, "#contacts-title")


async def test_a_supervisor_takes_a_claim_over_and_the_agents_dialog_closes(
    team_db: str, engine: Engine
) -> None:
    ana, sofia = desk(team_db, "Ana"), desk(team_db, "Sofia")
    async with running(ana) as a, running(sofia) as s:
        await open_claim(a, "CL-REJ-FR")
        await a.press("r")
        await until(a, lambda: isinstance(ana.screen, DecisionScreen), "the dialog opened")
        await a.press("x")  # typing the reason
        await open_claim(s, "CL-REJ-FR")
        await until(s, lambda: text_of(sofia, "#claim-holder").startswith("Ana is on"), "Ana shown")
        await s.press("t")
        await until(s, lambda: isinstance(sofia.screen, ConfirmScreen), "asked to confirm")
        await s.press("enter")
        await settle(s)
        holding = leases.holder_of(engine, "CL-REJ-FR")
        assert holding is not None and holding.holder == "Sofia"
        logged = [e for e in iter_all(engine) if e.action == "take_over"]
        assert [(e.agent, e.claim_ref) for e in logged] == [("Sofia", "CL-REJ-FR")]
        # Ana's dialog closes by itself, saying why; her claim screen says who is on it.
        await until(a, lambda: not isinstance(ana.screen, DecisionScreen), "the dialog closed")
        assert any(n.startswith("Sofia has just taken claim CL-REJ-FR") for n in ana.notices), (
            ana.notices
        )
        await until(
            a, lambda: text_of(ana, "#claim-holder").startswith("Sofia is on"), "Sofia shown"
        )


async def test_the_dialog_closes_when_someone_else_decides(team_db: str, engine: Engine) -> None:
    ana = desk(team_db, "Ana")
    async with running(ana) as a:
        await open_claim(a, "CL-REJ-FR")
        await a.press("r")
        await until(a, lambda: isinstance(ana.screen, DecisionScreen), "the dialog opened")
        # Ana's lease ended (as if it had expired), and Bruno decided from his desk.
        assert leases.release(engine, "CL-REJ-FR", "Ana")
        decisions.decide(
            engine,
            "CL-REJ-FR",
            "reject",
            reason="Not met",
            agent="Bruno",
            at=AT,
            opened_at=AT - timedelta(minutes=3),
        )
        await until(a, lambda: not isinstance(ana.screen, DecisionScreen), "the dialog closed")
        assert any(n.startswith("Bruno has just decided claim CL-REJ-FR") for n in ana.notices), (
            ana.notices
        )
        assert isinstance(ana.screen, ClaimScreen)


async def test_the_lease_is_renewed_while_the_agent_works(ui_db: str, intervals: Intervals) -> None:
    engine = make_engine(ui_db)
    app = desk(ui_db, "Ana")
    async with running(app) as pilot:
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, ClaimScreen), "a claim opened")
        await settle(pilot)
        first = leases.holder_of(engine, "CL-ELIG-FR")
        assert first is not None and first.holder == "Ana"
        # No key since it was taken: nothing to renew.
        intervals.run(app, ClaimScreen, within=60)
        await settle(pilot)
        assert leases.holder_of(engine, "CL-ELIG-FR") == first
        await pilot.press("j")
        intervals.run(app, ClaimScreen, within=60)
        await settle(pilot)
        renewed = leases.holder_of(engine, "CL-ELIG-FR")
        assert renewed is not None and renewed.since == first.since
        assert renewed.until > first.until
    engine.dispose()
