"""The app's link to the marketplace: effects sent in the background, their states
on the claim screen, the supervisors' screen, the header.

Each test runs the local marketplace (a real HTTP server on 127.0.0.1, a free
port) and the app on a copy of the UI database. The dispatcher works in real
time in its own threads; a test waits for it to have recorded an answer
(`Deliveries`), then drives the screen's refresh itself.
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from textual.pilot import Pilot

from guarantee_tui.config import Settings
from guarantee_tui.marketplace_server import Faults, Marketplace, MarketplaceServer
from guarantee_tui.platform import dispatcher as dispatcher_module
from guarantee_tui.platform.settings import MarketplaceSettings
from guarantee_tui.services import effects as effect_service
from guarantee_tui.store.engine import make_engine
from guarantee_tui.store.models import LogEntry, OutboxMessage, Professional
from guarantee_tui.ui import link as link_module
from guarantee_tui.ui.app import GuaranteeApp
from guarantee_tui.ui.base import AppScreen
from guarantee_tui.ui.screens.claim import ClaimScreen, open_claim
from guarantee_tui.ui.screens.effects import EffectsScreen
from guarantee_tui.ui.screens.help import HelpScreen
from guarantee_tui.ui.screens.log import LogScreen
from guarantee_tui.ui.screens.prompt import PromptScreen
from guarantee_tui.ui.widgets.top_bar import TopBar
from tests.builders import AT
from tests.platform.test_pull import record
from tests.ui.conftest import settle, until
from tests.ui.test_workspace import visible_text

TOKEN = "ui-test-token"
# How long a test waits at most for the dispatcher's threads to record an answer;
# never reached when things work (they take milliseconds).
DISPATCH_BOUND = 60.0


class Deliveries:
    """Counts the effects the app's dispatcher has finished with (answer recorded)."""

    def __init__(self) -> None:
        self.done = 0
        self._changed = threading.Condition()

    def finished(self) -> None:
        with self._changed:
            self.done += 1
            self._changed.notify_all()

    def _wait(self, n: int) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: self.done >= n, DISPATCH_BOUND)

    async def reach(self, n: int) -> None:
        """Until `n` effects were dealt with in all (without blocking the app)."""
        assert await asyncio.to_thread(self._wait, n), f"only {self.done} of {n} effects sent"

    async def until(self, condition: Callable[[], bool], what: str) -> None:
        """Until `condition` holds, looking again after each answer recorded."""
        for _ in range(200):
            seen = self.done
            if condition():
                return
            await self.reach(seen + 1)
        raise AssertionError(f"never happened: {what}")


@pytest.fixture
def deliveries(monkeypatch: pytest.MonkeyPatch) -> Deliveries:
    seen = Deliveries()
    deliver = dispatcher_module.Dispatcher.deliver

    def counted(self: dispatcher_module.Dispatcher, effect: Any) -> Any:
        try:
            return deliver(self, effect)
        finally:
            seen.finished()

    monkeypatch.setattr(dispatcher_module.Dispatcher, "deliver", counted)
    return seen


@pytest.fixture
def marketplace() -> Marketplace:
    return Marketplace(TOKEN)


@pytest.fixture
def server(marketplace: Marketplace) -> Iterator[MarketplaceServer]:
    running = MarketplaceServer(marketplace, Faults(retry_after=0), seed=3).start()
    yield running
    running.stop()


def linked_app(
    db: str, server: MarketplaceServer | None, *, agent: str = "Ana", lang: str = "en"
) -> GuaranteeApp:
    settings = (
        MarketplaceSettings(url=server.url, token=TOKEN, token_source="test")
        if server is not None
        else None
    )
    return GuaranteeApp(
        Settings(db=db, lang=lang, agent=agent), clock=lambda: AT, marketplace=settings
    )


def header(app: GuaranteeApp) -> str:
    return str(app.screen.query_one(TopBar).render())


async def refresh_claim(pilot: Pilot[None]) -> str:
    """What the claim screen shows after one of its every-second reloads."""
    screen = pilot.app.screen
    assert isinstance(screen, ClaimScreen)
    screen.reload()
    await settle(pilot)
    # Words a line wraps apart read as one text.
    return " ".join(visible_text(pilot.app).split())  # type: ignore[arg-type]


async def claim_shows(pilot: Pilot[None], deliveries: Deliveries, text: str) -> str:
    """The claim screen's text once a refresh shows `text`, looking again after
    each answer recorded. On a loaded machine another effect may be answered
    first, or the one awaited may be in the middle of its next try (its
    backoff starts under a second) when the screen reads it: "sending"."""
    for _ in range(20):
        seen = deliveries.done
        shown = await refresh_claim(pilot)
        if text in shown:
            return shown
        await deliveries.reach(seen + 1)
    raise AssertionError(f"the claim screen never showed {text!r}")


async def refresh_effects(pilot: Pilot[None]) -> str:
    screen = pilot.app.screen
    assert isinstance(screen, EffectsScreen)
    screen.reload()
    await settle(pilot)
    return visible_text(pilot.app)  # type: ignore[arg-type]


async def open_done_claim(pilot: Pilot[None]) -> None:
    """CL-DONE-PT, rejected the day before (not in the queue of open claims)."""
    screen = pilot.app.screen
    assert isinstance(screen, AppScreen)
    open_claim(screen, "CL-DONE-PT")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ClaimScreen)


def states(db: str) -> list[tuple[str, str, str | None]]:
    engine = make_engine(db)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(OutboxMessage.kind, OutboxMessage.state, OutboxMessage.claim).order_by(
                    OutboxMessage.id
                )
            ).all()
    finally:
        engine.dispose()
    return [(r.kind, r.state, r.claim) for r in rows]


# --- the claim screen ---------------------------------------------------------


async def test_a_decisions_effects_show_their_states_as_the_marketplace_answers(
    ui_db: str,
    server: MarketplaceServer,
    marketplace: Marketplace,
    deliveries: Deliveries,
) -> None:
    # The marketplace is down at first: 503 before applying anything.
    server.faults.fail_before = 1.0
    app = linked_app(ui_db, server)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        # CL-DONE-PT's letter (decided before) is tried first, and fails once.
        await deliveries.reach(1)
        await pilot.press("enter")  # CL-ELIG-FR, eligible
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ClaimScreen)
        # The credit is tried at once (the app wakes its dispatcher), and refused.
        shown = await claim_shows(
            pilot, deliveries, "Credit adjustment +240 credits: retrying, next try at"
        )
        assert "Marketplace:" in shown
        # Tried again meanwhile, perhaps: the backoff starts under a second.
        assert re.search(r"\d+ tr(y|ies), last error 503 unavailable", shown)
        # The letter waits for the refund: one professional's effects go in order.
        assert "Letter: waiting for the credit adjustment" in shown
        assert marketplace.balances == {}

        server.faults.fail_before = 0.0
        await deliveries.until(
            lambda: all(state == "delivered" for _k, state, _c in states(ui_db)),
            "everything delivered",
        )
        shown = await refresh_claim(pilot)
        assert "Credit adjustment +240 credits: sent at" in shown
        assert "balance 240 credits" in shown
        assert "Letter: sent at" in shown
        assert "retrying" not in shown
    assert list(marketplace.balances.values()) == [240]
    assert len(marketplace.messages) == 2


async def test_the_claim_screen_follows_by_itself(
    ui_db: str, server: MarketplaceServer, deliveries: Deliveries, intervals: Any
) -> None:
    """The refresh that shows the effects is the screen's every-second one."""
    app = linked_app(ui_db, server)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_done_claim(pilot)
        assert isinstance(app.screen, ClaimScreen)
        await deliveries.reach(1)
        intervals.run(app, ClaimScreen, within=1.0)
        await settle(pilot)
        assert "Letter: sent at" in visible_text(app)


# --- the supervisors' screen --------------------------------------------------


async def test_a_supervisor_retries_a_failed_effect_from_the_screen(
    ui_db: str,
    server: MarketplaceServer,
    marketplace: Marketplace,
    deliveries: Deliveries,
) -> None:
    # The marketplace does not know the professional yet: 404, the effect fails.
    marketplace.professionals = set()
    app = linked_app(ui_db, server, agent="Sofia")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await deliveries.reach(1)
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, EffectsScreen)
        shown = visible_text(app)
        assert "1 effect needs attention" in shown
        assert "CL-DONE-PT" in shown
        assert "failed: 404 unknown professional" in shown

        marketplace.professionals.add("D-PT-0001")
        await pilot.press("r")
        await settle(pilot)
        await deliveries.reach(2)
        shown = await refresh_effects(pilot)
        assert "Nothing needs attention" in shown
    assert [m["claim"] for m in marketplace.messages] == ["CL-DONE-PT"]
    assert states(ui_db) == [("letter", "delivered", "CL-DONE-PT")]


async def test_a_supervisor_cancels_an_effect_with_a_reason_the_log_keeps(
    ui_db: str,
) -> None:
    # No marketplace: CL-DONE-PT's letter has waited a day, it is late.
    app = linked_app(ui_db, None, agent="Sofia")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        shown = visible_text(app)
        assert "CL-DONE-PT" in shown
        assert "waiting to be sent" in shown
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"Sent by post instead")
        await pilot.press("enter")
        await settle(pilot)
        assert "Nothing needs attention" in await refresh_effects(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LogScreen)
        app.screen.reload()
        await settle(pilot)
        assert "effect cancelled" in visible_text(app)
    assert states(ui_db) == [("letter", "cancelled", "CL-DONE-PT")]
    engine = make_engine(ui_db)
    with engine.connect() as conn:
        entry = conn.execute(
            select(LogEntry.agent, LogEntry.reason).where(LogEntry.action == "cancel_effect")
        ).one()
    engine.dispose()
    assert tuple(entry) == ("Sofia", "Sent by post instead")


async def test_the_claim_screen_says_why_an_effect_was_cancelled(ui_db: str) -> None:
    engine = make_engine(ui_db)
    (effect,) = effect_service.effects_of_claim(engine, "CL-DONE-PT")
    effect_service.cancel_effect(engine, effect.id, reason="Duplicate letter", agent="Sofia", at=AT)
    engine.dispose()
    app = linked_app(ui_db, None)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_done_claim(pilot)
        assert "Letter: cancelled: Duplicate letter" in visible_text(app)


async def test_agents_are_told_the_effects_are_for_supervisors(ui_db: str) -> None:
    app = linked_app(ui_db, None, agent="Ana")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, LogScreen)
        notices = [n.message for n in app._notifications]
        assert any("Only supervisors" in message for message in notices)


# --- the header ---------------------------------------------------------------


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize(
    ("lang", "link", "lines"),
    [
        ("fr", "non connectée · 1 en attente", "FR ● "),
        ("pt", "não ligado · 1 em espera", "PT ● "),
        ("en", "not connected · 1 waiting", "FR ● "),
    ],
)
async def test_the_header_says_not_connected_and_what_waits(
    ui_db: str, width: int, lang: str, link: str, lines: str
) -> None:
    app = linked_app(ui_db, None, lang=lang)
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(pilot)
        text = header(app)
        assert link in text
        assert lines in text
        assert "Ana" in text
        assert len(text) <= width


async def test_the_header_says_connected_then_counts_the_failures(
    ui_db: str, server: MarketplaceServer, marketplace: Marketplace, deliveries: Deliveries
) -> None:
    marketplace.professionals = set()
    app = linked_app(ui_db, server)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        await deliveries.reach(1)
        app.link.count()
        await settle(pilot)
        assert "marketplace: connected · 0 waiting · 1 failed" in header(app)


async def test_a_rejected_token_stops_the_sending_and_says_so(
    ui_db: str, server: MarketplaceServer, deliveries: Deliveries
) -> None:
    server.faults.refuse_token = True
    app = linked_app(ui_db, server)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        await deliveries.reach(1)
        await until(pilot, lambda: app.link.status.state == link_module.REJECTED, "the 401")
        await settle(pilot)
        text = header(app)
        assert "marketplace: token rejected (401) · 1 waiting" in text
        assert TOKEN not in text
        assert any("(401)" in n.message for n in app._notifications)
    assert states(ui_db) == [("letter", "retrying", "CL-DONE-PT")]


# --- a marketplace that hangs -------------------------------------------------


async def test_the_screen_answers_while_the_marketplace_hangs(
    ui_db: str,
    marketplace: Marketplace,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Applied, then answered only after a minute; the app gives up after a second.
    monkeypatch.setattr(link_module, "REQUEST_TIMEOUT", 1.0)
    arrived = threading.Event()
    server = MarketplaceServer(
        marketplace,
        Faults(latency=60.0, retry_after=0),
        on_request=lambda _n, phase: arrived.set() if phase == "after" else None,
    ).start()
    try:
        app = linked_app(ui_db, server)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert await asyncio.to_thread(arrived.wait, DISPATCH_BOUND)
            # A request is in flight and unanswered: the keys still work.
            await pilot.press("question_mark")
            await settle(pilot)
            assert isinstance(app.screen, HelpScreen)
            await pilot.press("escape")
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, ClaimScreen)
            assert "marketplace: connected" in header(app) or "● connected" in header(app)
    finally:
        server.stop()


def test_without_a_url_nothing_is_sent(ui_db: str) -> None:
    app = linked_app(ui_db, None)
    assert app.link.status.state == link_module.OFF
    assert not app.link.sending


async def test_the_app_pulls_the_changes_when_pull_every_is_set(
    ui_db: str, server: MarketplaceServer, marketplace: Marketplace
) -> None:
    marketplace.add_changes([record(1, "Carrelages Nouveaux")])
    settings = MarketplaceSettings(
        url=server.url, token=TOKEN, pull_every=timedelta(minutes=1), token_source="test"
    )
    app = GuaranteeApp(
        Settings(db=ui_db, lang="en", agent="Ana"), clock=lambda: AT, marketplace=settings
    )
    async with app.run_test(size=(120, 40)) as pilot:
        # The first pull runs as the database opens; settle waits for it.
        await settle(pilot)
        engine = make_engine(ui_db)
        with engine.connect() as conn:
            company = conn.execute(
                select(Professional.company_name).where(Professional.ref == "PRO-1")
            ).scalar_one_or_none()
        engine.dispose()
        assert company == "Carrelages Nouveaux"
        assert not app._notifications  # no failure to tell
