"""Team mode in the workspace: taking claims, who is on what, other agents' acts live,
claims given back at quit, lease times in the desk's time zone.

Two agents are two `App.run_test` instances on one database (SQLite and
PostgreSQL): what one does shows on the other's screen without a key press.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import pytest
from rich.text import Text
from sqlalchemy import Engine, select
from textual.pilot import Pilot
from textual.widgets import Input, Static

from guarantee_tui.config import Settings
from guarantee_tui.i18n import translator
from guarantee_tui.services import decisions, leases
from guarantee_tui.services.agents import add, set_role
from guarantee_tui.services.copy import copy_database
from guarantee_tui.services.log import iter_all
from guarantee_tui.store.engine import make_engine
from guarantee_tui.store.events import Change
from guarantee_tui.store.models import ClaimEvent
from guarantee_tui.ui import app as app_module
from guarantee_tui.ui.app import GuaranteeApp
from guarantee_tui.ui.bindings import listed
from guarantee_tui.ui.screens import effects
from guarantee_tui.ui.screens.call_note import CallNoteScreen
from guarantee_tui.ui.screens.claim import ClaimScreen
from guarantee_tui.ui.screens.confirm import ConfirmScreen
from guarantee_tui.ui.screens.contacts import ContactsScreen
from guarantee_tui.ui.screens.decision import DecisionScreen
from guarantee_tui.ui.screens.effects import EffectsScreen
from guarantee_tui.ui.screens.log import LogScreen
from guarantee_tui.ui.screens.log_entry import LogEntryScreen
from guarantee_tui.ui.screens.phone import PhoneScreen
from guarantee_tui.ui.screens.prompt import PromptScreen
from guarantee_tui.ui.screens.queue import QueueScreen
from guarantee_tui.ui.widgets.lazy_table import LazyTable
from tests.builders import AT
from tests.team.zones import local_zone
from tests.ui.conftest import Intervals, settle, until
from tests.ui.test_phone import card_text
from tests.ui.test_workspace import visible_text

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


# --- every screen follows: the log entry, the effects, the phone desk ----------------------


def showing(app: GuaranteeApp, kind: type[Any]) -> bool:
    """Whether the app shows a screen of this kind (no narrowing of app.screen)."""
    return isinstance(app.screen, kind)


async def press_to(pilot: Pilot[None], key: str, kind: type[Any]) -> None:
    """Presses `key`, then lets the app run until it shows a screen of `kind`."""
    await pilot.press(key)
    await until(pilot, lambda: isinstance(pilot.app.screen, kind), f"{kind.__name__} shown")
    await settle(pilot)


def decision_seq(engine: Engine, claim_ref: str) -> int:
    return next(
        e.seq for e in iter_all(engine) if e.claim_ref == claim_ref and e.action == "reject"
    )


async def test_the_log_entry_follows_a_reopening_and_its_reason_prompt_closes(
    team_db: str, engine: Engine
) -> None:
    set_role(engine, "Marta", "supervisor", AT - timedelta(days=1))
    seq = decision_seq(engine, "CL-DONE-PT")
    sofia, marta = desk(team_db, "Sofia"), desk(team_db, "Marta")
    async with running(sofia) as s, running(marta) as m:
        for pilot in (s, m):
            await press_to(pilot, "l", LogScreen)
            await press_to(pilot, "enter", LogEntryScreen)
        entry = sofia.screen
        assert isinstance(entry, LogEntryScreen) and entry.seq == seq
        assert "Decided: rejected" in visible_text(sofia)
        # Sofia starts writing why she would reopen it...
        await s.press("o")
        await until(s, lambda: showing(sofia, PromptScreen), "the reason asked")
        await s.press(*"Job won")
        # ...while Marta reopens it from her own desk.
        await m.press("o")
        await until(m, lambda: showing(marta, PromptScreen), "Marta's reason asked")
        await m.press(*"Job was won after the claim", "enter")
        await settle(m)
        assert [e.action for e in iter_all(engine)][-1] == "reopen"
        # Sofia's question goes away before she types more, saying why...
        await until(s, lambda: not showing(sofia, PromptScreen), "Sofia's prompt closed")
        assert sofia.screen is entry
        assert any(
            n == "Marta has just reopened claim CL-DONE-PT: your reason was not recorded."
            for n in sofia.notices
        ), sofia.notices
        # ...and "the claim now" shows it open, no key pressed.
        await until(
            s,
            lambda: "Decided:" not in visible_text(sofia),
            "the claim shown open",
        )
        assert entry.check_action("reopen", ()) is False
    assert [e.action for e in iter_all(engine)][-2:] == ["reject", "reopen"]


def effect_keys(app: GuaranteeApp) -> list[str]:
    table = app.screen.query_one("#effects-table", LazyTable)
    return [row.key for i in range(table.row_count) if (row := table.row_at(i)) is not None]


async def test_the_effects_follow_another_supervisors_cancel_and_keep_the_cursor(
    team_db: str, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only following can show the change: the every-two-seconds reading is off.
    monkeypatch.setattr(effects, "LIVE_INTERVAL", 3600.0)
    set_role(engine, "Marta", "supervisor", AT - timedelta(days=1))
    # Two late letters (no marketplace here): CL-DONE-PT's and CL-REJ-FR's.
    decisions.decide(
        engine,
        "CL-REJ-FR",
        "reject",
        reason="Not met",
        agent="Bruno",
        at=AT - timedelta(hours=1),
        opened_at=AT - timedelta(hours=1, minutes=5),
    )
    sofia, marta = desk(team_db, "Sofia"), desk(team_db, "Marta")
    async with running(sofia) as s, running(marta) as m:
        for pilot in (s, m):
            await press_to(pilot, "l", LogScreen)
            await press_to(pilot, "e", EffectsScreen)
        both = effect_keys(sofia)
        assert len(both) == 2 and effect_keys(marta) == both
        # Sofia on the second effect; Marta gives up the first.
        await s.press("j")
        await settle(s)
        kept = both[1]
        assert sofia.screen.query_one("#effects-table", LazyTable).cursor.key == kept  # type: ignore[union-attr]
        await m.press("c")
        await until(m, lambda: showing(marta, PromptScreen), "the reason asked")
        await m.press(*"Sent by post instead", "enter")
        await settle(m)
        await until(s, lambda: effect_keys(sofia) == [kept], "the cancelled effect gone")
        cursor = sofia.screen.query_one("#effects-table", LazyTable).cursor
        assert cursor is not None and cursor.key == kept
        assert "1 effect needs attention" in text_of(sofia, "#effects-summary")


def lookup_refs(screen: PhoneScreen) -> list[str]:
    return [r.professional_ref for r in screen.lookup.results] if screen.lookup else []


@pytest.mark.usefixtures("no_debounce")
async def test_the_phone_desk_follows_a_call_note_and_a_suspension(
    team_db: str, engine: Engine
) -> None:
    query = "01 84 88 82 46"  # Rénovation Dupont's phone: three professionals found
    ana, bruno = desk(team_db, "Ana"), desk(team_db, "Bruno")
    async with running(ana) as a, running(bruno) as b:
        for pilot in (a, b):
            await press_to(pilot, "p", PhoneScreen)
            await pilot.press(*query)
            await settle(pilot)
            await settle(pilot)
            await pilot.press("down", "j")  # to the results, then the second found
            await settle(pilot)
            await settle(pilot)
        screen = ana.screen
        assert isinstance(screen, PhoneScreen)
        assert lookup_refs(screen) == ["E-FR-0001", "H-FR-0001", "D-PT-0001"]
        assert screen.card is not None and screen.card.professional.ref == "H-FR-0001"
        assert "Last calls" not in visible_text(ana)

        # Bruno records a call with the same professional, from his desk.
        await b.press("n")
        await until(b, lambda: showing(bruno, CallNoteScreen), "the call note")
        bruno.screen.query_one("#note-summary", Input).value = "Asked about CL-MARKUP [b]"
        await b.press("ctrl+s")
        await until(b, lambda: showing(bruno, PhoneScreen), "the note saved")
        await until(
            a,
            lambda: (
                screen.card is not None
                and [(n.agent, n.summary) for n in screen.card.notes]
                == [("Bruno", "Asked about CL-MARKUP [b]")]
            ),
            "Bruno's call on Ana's card",
        )
        await settle(a)
        assert "Bruno · caller informed — Asked about CL-MARKUP" in card_text(ana)

        # Then suspends the professional's claim: Ana's results and card say so.
        decisions.decide(
            engine,
            "CL-MARKUP",
            "suspend",
            reason="Reviews bought",
            message_for_professional="Les avis de votre profil ont été achetés.",
            agent="Bruno",
            at=AT,
            opened_at=AT - timedelta(minutes=3),
        )
        await until(
            a,
            lambda: (
                screen.lookup is not None
                and screen.lookup.results[1].status == "suspended"
                and screen.card is not None
                and screen.card.professional.status == "suspended"
            ),
            "the suspension on Ana's desk",
        )
        await settle(a)
        assert "01 84 88 82 46 · markup@x.fr · profile suspended" in card_text(ana)
        # What Ana typed and where she was are as she left them.
        assert screen.query_box.value == query
        assert lookup_refs(screen) == ["E-FR-0001", "H-FR-0001", "D-PT-0001"]
        cursor = screen.table.cursor
        assert cursor is not None and cursor.key == "H-FR-0001"
        assert screen.card is not None and screen.card.professional.ref == "H-FR-0001"


# --- leaving: the claims held are given back -------------------------------------------


async def test_quitting_gives_back_the_claims_held_and_the_team_sees_it(
    team_db: str, engine: Engine
) -> None:
    leases.take(engine, "CL-REJ-FR", "Ana")  # taken from the shell
    leases.take(engine, "CL-PEND-PT", "Bruno")
    ana, bruno = desk(team_db, "Ana"), desk(team_db, "Bruno")
    async with running(bruno) as b:
        async with running(ana) as a:
            await a.press("n")
            await until(a, lambda: showing(ana, ClaimScreen), "a claim taken")
            await settle(a)
            assert ana.screen.claim_ref == "CL-ELIG-FR"  # type: ignore[attr-defined]
            await until(
                b,
                lambda: (holder_cell(bruno, "CL-ELIG-FR") or "").startswith("Ana "),
                "Ana's claims on Bruno's queue",
            )
            await a.press("q")
        assert ana.return_code == 0
        assert leases.holder_of(engine, "CL-ELIG-FR") is None
        assert leases.holder_of(engine, "CL-REJ-FR") is None
        held = leases.holder_of(engine, "CL-PEND-PT")
        assert held is not None and held.holder == "Bruno"
        # Logged as `release` logs them, one each.
        with engine.connect() as conn:
            released = conn.execute(
                select(ClaimEvent.claim_ref)
                .where(ClaimEvent.action == "release", ClaimEvent.agent == "Ana")
                .order_by(ClaimEvent.claim_ref)
            ).all()
        assert [r.claim_ref for r in released] == ["CL-ELIG-FR", "CL-REJ-FR"]
        # Bruno's queue shows them free, no key pressed.
        await until(
            b,
            lambda: (
                holder_cell(bruno, "CL-ELIG-FR") == "" and holder_cell(bruno, "CL-REJ-FR") == ""
            ),
            "the claims free on Bruno's queue",
        )


async def test_quitting_waits_for_a_database_that_does_not_answer_only_so_long(
    ui_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_module, "RELEASE_AT_QUIT", 0.01)
    app = desk(ui_db, "Ana")
    answer = threading.Event()

    def stuck(_database: Any, _job: Any) -> None:
        answer.wait()

    async with running(app) as pilot:
        monkeypatch.setattr("guarantee_tui.services.database.guarded", stuck)
        await pilot.press("q")
    # The app has quit while the database still has not answered.
    assert app.return_code == 0 and not answer.is_set()
    answer.set()


# --- lease times, in the desk's own time zone -------------------------------------------


async def test_lease_times_show_in_the_desks_time_zone(ui_db: str) -> None:
    engine = make_engine(ui_db)
    holding = leases.take(engine, "CL-REJ-FR", "Camille Laurent")
    engine.dispose()
    tr = translator("en")
    with local_zone("Asia/Kathmandu") as zone:  # UTC+05:45: no whole-hour slip hides
        local, utc = tr.time(holding.since.astimezone(zone)), tr.time(holding.since)
        assert local != utc
        app = desk(ui_db, "Ana")
        async with running(app) as pilot:
            cell = holder_cell(app, "CL-REJ-FR")
            assert cell == f"Camille Laurent {local}"
            await open_claim(pilot, "CL-REJ-FR")
            banner = text_of(app, "#claim-holder")
            assert banner == f"Camille Laurent is on this claim since {local}"
            await pilot.press("r")
            await settle(pilot)
            said = [n for n in app.notices if n.startswith("Camille Laurent is on this claim")]
            assert said and all(local in n and utc not in n for n in said), said


async def test_another_agents_act_reaches_a_screen_once_it_is_composed(
    ui_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    told: list[bool] = []
    monkeypatch.setattr(
        QueueScreen, "others_acted", lambda screen, changes: told.append(screen.is_mounted)
    )
    app = desk(ui_db, "Ana")
    change = Change(claim_ref="CL-REJ-FR", action="reject", agent="Bob", seq=99)
    async with running(app) as pilot:
        await open_claim(pilot, "CL-REJ-FR")
        app.push_screen(QueueScreen())
        app.post_message(app_module.OthersActed([change]))
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
    # The queue under the claim, and the one just pushed: both composed when told.
    assert told == [True, True]


async def test_another_agents_act_arriving_as_the_desk_closes_is_no_crash(ui_db: str) -> None:
    """As the app closes, its screens are taken down while messages still come:
    the queue is current again, without its table, when the act is told."""
    app = desk(ui_db, "Ana")
    change = Change(claim_ref="CL-REJ-FR", action="reject", agent="Bob", seq=99)
    async with running(app) as pilot:
        await open_claim(pilot, "CL-REJ-FR")
        prune = app._prune

        def pruning(*nodes: Any, parent: Any = None) -> Any:
            # The last screen taken down: the queue above it is gone.
            if any(node is app.screen_stack[0] for node in nodes):
                app.post_message(app_module.OthersActed([change]))
            return prune(*nodes, parent=parent)

        app._prune = pruning  # type: ignore[method-assign]
