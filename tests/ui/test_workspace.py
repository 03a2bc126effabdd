"""The agent workspace, driven with the keyboard as an agent would."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from typing import Any

import pytest
from rich.console import Console
from sqlalchemy import select, text
from textual.app import ComposeResult
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from guarantee_tui.services import claim_view, verification
from guarantee_tui.store.engine import make_engine
from guarantee_tui.store.models import Claim, Decision, Explanation, LogEntry
from guarantee_tui.ui.app import GuaranteeApp
from guarantee_tui.ui.screens import claim as claim_screen
from guarantee_tui.ui.screens import decision as decision_screen
from guarantee_tui.ui.screens.claim import ClaimScreen
from guarantee_tui.ui.screens.contacts import ContactsScreen
from guarantee_tui.ui.screens.decision import DecisionScreen
from guarantee_tui.ui.screens.error import ErrorScreen
from guarantee_tui.ui.screens.help import HelpScreen
from guarantee_tui.ui.screens.prompt import PromptScreen
from guarantee_tui.ui.screens.queue import QueueScreen
from guarantee_tui.ui.screens.too_small import TooSmallScreen
from guarantee_tui.ui.widgets.lazy_table import LazyTable
from tests.builders import AT
from tests.ui.conftest import BUSY, MARKUP_COMPANY, Intervals, settle, until

MakeApp = Callable[..., GuaranteeApp]
# What is found is checked here, not when the filter runs after the typing.
pytestmark = pytest.mark.usefixtures("no_debounce")


def visible_text(app: GuaranteeApp) -> str:
    """What the screen shows, as plain text, dialogs over their screens (as a person sees it)."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    update = app.screen._compositor.render_update(
        full=True,
        screen_stack=app._background_screens,
    )
    console.print(update)
    return console.export_text()


async def typed(pilot: Pilot[None]) -> None:
    """Lets the filter run on what was typed (at once: see `no_debounce`)."""
    await settle(pilot)


def showing(app: GuaranteeApp, kind: type) -> bool:
    # A function, so that mypy does not narrow app.screen from one check to the next.
    return isinstance(app.screen, kind)


def queue_refs(app: GuaranteeApp) -> list[str]:
    table = app.screen.query_one(LazyTable)
    return [row.key for i in range(table.row_count) if (row := table.row_at(i)) is not None]


async def test_queue_lists_open_claims_oldest_first(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert queue_refs(app) == ["CL-ELIG-FR", "CL-PEND-PT", "CL-MARKUP", "CL-REJ-FR"]
        shown = visible_text(app)
        assert "4 claims" in shown
        assert "Rénovation Dupont" in shown
        # Decided claims come in with the status filter.
        await pilot.press("t")
        await settle(pilot)
        assert queue_refs(app) == ["CL-DONE-PT"]
        await pilot.press("t")
        await settle(pilot)
        assert len(queue_refs(app)) == 5


async def test_filtering_by_text_is_accent_and_case_insensitive(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("/")
        await pilot.press(*"renovation")
        await typed(pilot)
        assert queue_refs(app) == ["CL-ELIG-FR"]
        # What is found, whatever the keys: the box set as typing would set it.
        box = app.screen.query_one("#queue-filter", Input)
        for query, found in [
            ("0612345678", "CL-REJ-FR"),  # the phone as typed, no spaces
            ("GERAL@SILVA", "CL-PEND-PT"),
            ("[b]", "CL-MARKUP"),  # markup characters are just text
        ]:
            box.value = query
            await typed(pilot)
            assert queue_refs(app) == [found], query
        await pilot.press("escape", "x")
        await settle(pilot)
        # Back to the default view: every open claim, whatever was typed.
        assert queue_refs(app) == ["CL-ELIG-FR", "CL-PEND-PT", "CL-MARKUP", "CL-REJ-FR"]
        assert box.value == ""


async def test_quick_filters_and_sort(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("m")  # FR only
        await settle(pilot)
        assert queue_refs(app) == ["CL-ELIG-FR", "CL-MARKUP", "CL-REJ-FR"]
        await pilot.press("v")  # eligible only
        await settle(pilot)
        assert queue_refs(app) == ["CL-ELIG-FR"]
        await pilot.press("x", "o")  # clear, then sort by claim ref
        await settle(pilot)
        assert queue_refs(app) == sorted(queue_refs(app))
        await pilot.press("O")  # reversed
        await settle(pilot)
        assert queue_refs(app) == sorted(queue_refs(app), reverse=True)


async def test_open_a_claim_and_read_its_checklist(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "j", "enter")  # the fourth: CL-REJ-FR
        await settle(pilot)
        assert isinstance(app.screen, ClaimScreen)
        assert app.screen.claim_ref == "CL-REJ-FR"
        shown = visible_text(app)
        assert "not eligible" in shown
        assert "Recommended: reject" in shown
        assert "R-L-04" in shown  # the offending contact, in the evidence
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)


def claim_screens(app: GuaranteeApp) -> int:
    return sum(isinstance(screen, ClaimScreen) for screen in app.screen_stack)


async def test_a_claim_arrives_with_its_data_in_one_step(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    composed_with: list[bool] = []
    compose = ClaimScreen.compose

    def spy(self: ClaimScreen) -> ComposeResult:
        composed_with.append(self.view is not None)
        return compose(self)

    monkeypatch.setattr(ClaimScreen, "compose", spy)
    # However busy the machine running the tests, the load is not "slow" here.
    monkeypatch.setattr(claim_screen, "SLOW_OPEN", 30.0)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        # Enter twice in a hurry still opens one claim.
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert composed_with == [True]
        assert claim_screens(app) == 1
        assert "Loading" not in visible_text(app)


async def test_a_slow_database_shows_the_claim_loading_then_fills_it(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    load = claim_view.load
    released = threading.Event()

    def slow_load(*args: Any) -> claim_view.ClaimView:
        released.wait(timeout=30)
        return load(*args)

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(claim_view, "load", slow_load)
        await pilot.press("enter")
        # Shown once the load has taken SLOW_OPEN seconds.
        await until(pilot, lambda: isinstance(app.screen, ClaimScreen), "the claim shown")
        await pilot.pause()
        assert isinstance(app.screen, ClaimScreen)
        assert "Loading…" in visible_text(app)
        released.set()
        await settle(pilot)
        shown = visible_text(app)
        assert "Recommended" in shown and "Loading…" not in shown
        assert claim_screens(app) == 1


async def test_mark_contacts_and_watch_the_checklist_follow(make_app: MakeApp, ui_db: str) -> None:
    # Another agent has marked 18 of the 20 (the service the key calls).
    engine = make_engine(ui_db)
    for n in range(1, 19):
        verification.mark(engine, "CL-PEND-PT", f"P-L-{n:02d}", "truthful", agent="Bob", at=AT)
    engine.dispose()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")  # CL-PEND-PT
        await settle(pilot)
        assert "pending" in visible_text(app)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ContactsScreen)
        assert "18 truthful, 0 untruthful, 2 to verify" in visible_text(app)
        # Opened on the first one to verify, the 19th; the cursor moves on to the 20th.
        await pilot.press("t")
        await settle(pilot)
        assert "19 truthful, 0 untruthful, 1 to verify" in visible_text(app)
        await pilot.press("t")
        await settle(pilot)
        assert "20 truthful, 0 untruthful, 0 to verify" in visible_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert "Verdict: eligible" in visible_text(app)
    engine = make_engine(ui_db)
    with engine.connect() as conn:
        verified = dict(
            conn.execute(
                select(Explanation.contact_ref, Explanation.verified_by).where(
                    Explanation.contact_ref.in_(["P-L-18", "P-L-19", "P-L-20"])
                )
            ).all()
        )
        marks = conn.execute(
            select(LogEntry.agent).where(LogEntry.action == "mark_truthful")
        ).scalars()
        by_agent = sorted(marks)
    engine.dispose()
    assert verified == {"P-L-18": "Bob", "P-L-19": "Ana", "P-L-20": "Ana"}
    assert by_agent == ["Ana"] * 2 + ["Bob"] * 18


async def test_untruthful_asks_for_a_note_then_suspend(make_app: MakeApp, ui_db: str) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter", "c")
        await settle(pilot)
        await pilot.press("j", "j", "u")
        await settle(pilot)
        assert showing(app, PromptScreen)
        await pilot.press("enter")  # an empty note is refused
        assert showing(app, PromptScreen)
        # Typing into a prompt is tested with the log's reopening; here, the note.
        app.screen.query_one(Input).value = "Client says nobody called"
        await pilot.press("enter")
        await settle(pilot)
        assert showing(app, ContactsScreen)
        assert "1 untruthful" in visible_text(app)
        await pilot.press("escape", "s")
        await settle(pilot)
        assert showing(app, DecisionScreen)
        shown = visible_text(app)
        assert "P-L-03 (comprado em" in shown and "suspenso por uso indevido" in shown
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert showing(app, ClaimScreen)
        assert "suspended" in visible_text(app)
    engine = make_engine(ui_db)
    with engine.connect() as conn:
        assert (
            conn.execute(select(Claim.status).where(Claim.ref == "CL-PEND-PT")).scalar_one()
            == "suspended"
        )


async def test_approve_an_eligible_claim(make_app: MakeApp, ui_db: str) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "a")  # CL-ELIG-FR
        await settle(pilot)
        assert isinstance(app.screen, DecisionScreen)
        shown = visible_text(app)
        assert "240\xa0crédits" in shown  # the letter, in French for a French professional
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ClaimScreen)
        assert "approved" in visible_text(app)
        # Decided: read only. The verbs are gone and `d` shows the letter.
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, ClaimScreen)
        await pilot.press("d")
        await settle(pilot)
        assert "240\xa0crédits" in visible_text(app)
    engine = make_engine(ui_db)
    with engine.connect() as conn:
        row = conn.execute(
            select(Decision.action, Decision.agent, Decision.refund_credits).where(
                Decision.agent == "Ana"
            )
        ).one()
    assert tuple(row) == ("approve", "Ana", 240)


async def test_reject_with_grounds_from_the_failed_conditions(
    make_app: MakeApp, ui_db: str
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "j", "enter", "r")
        await settle(pilot)
        assert isinstance(app.screen, DecisionScreen)
        shown = visible_text(app)
        assert "Not met: Bought through the priority service with discount" in shown
        assert "Acheter chaque contact via le Service Prioritaire avec Remise" in shown
        await pilot.press("ctrl+s")
        await settle(pilot)
    engine = make_engine(ui_db)
    with engine.connect() as conn:
        codes = conn.execute(
            select(Decision.reason_codes).where(Decision.agent == "Ana")
        ).scalar_one()
    assert codes == '["priority_discount_channel"]'


async def test_dialog_buttons_name_their_keys_as_the_keymap_sets_them(make_app: MakeApp) -> None:
    app = make_app()
    app.set_keymap({"decision.confirm": "f5"})
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "j", "enter")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, DecisionScreen)
        shown = visible_text(app)
        assert "Reject (f5)" in shown and "Cancel (esc)" in shown
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, ClaimScreen) and app.screen.view is not None
        assert app.screen.view.status == "rejected"


async def test_refused_actions_say_why(
    make_app: MakeApp, ui_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Bob's decision must not reach this desk before the confirm (as it would,
    # closing the dialog: tests/ui/test_team.py): the refusal is the subject.
    monkeypatch.setattr(GuaranteeApp, "_follow", lambda _app: None)
    # The dialog drafts again as soon as the texts change.
    monkeypatch.setattr(decision_screen, "REDRAFT_DELAY", 0)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter", "a")  # approve a pending claim
        await settle(pilot)
        shown = visible_text(app)
        assert "Approve needs every condition met" in shown
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DecisionScreen)  # nothing happened, but it says why
        assert any("Approve needs every condition met" in n.message for n in app._notifications)
        await pilot.press("escape", "s")  # suspend with no untruthful mark
        await settle(pilot)
        assert "Suspend needs an explanation marked untruthful" in visible_text(app)
        # Someone else decides meanwhile: the dialog refuses with a notice.
        screen = app.screen
        assert isinstance(screen, DecisionScreen)
        message = "Avaliações compradas."
        screen.query_one("#decision-reason", TextArea).text = "Fake reviews"
        screen.query_one("#decision-message", TextArea).text = message

        def drafted() -> bool:
            return screen.draft is not None and message in screen.draft.letter

        def drafting() -> bool:
            return any(w.group == "draft-CL-PEND-PT" and w.state in BUSY for w in app.workers)

        await until(pilot, lambda: drafted() or drafting(), "a draft with the message")
        await settle(pilot)
        # Allowed now, so only the other decision can refuse it.
        assert drafted() and "Suspend needs" not in visible_text(app)
        engine = make_engine(ui_db)
        from guarantee_tui.services import decisions, leases

        # Opening the dialog took the claim; Ana's lease ended (as if expired).
        assert leases.release(engine, "CL-PEND-PT", "Ana")
        decisions.decide(
            engine,
            "CL-PEND-PT",
            "reject",
            reason="other agent",
            message_for_professional="Faltam explicações.",
            agent="Bob",
            at=app.now(),
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "already decided" in visible_text(app)
    with engine.connect() as conn:
        assert sorted(conn.execute(select(Decision.agent)).scalars()) == ["Bob", "Rui"]


async def test_the_checklist_follows_another_connection_within_a_second(
    make_app: MakeApp, ui_db: str, intervals: Intervals
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")  # CL-PEND-PT, explanations to verify
        await settle(pilot)
        assert "Verdict: pending" in visible_text(app)
        engine = make_engine(ui_db)
        with engine.begin() as conn:
            conn.execute(text("UPDATE explanations SET verification = 'truthful'"))
        engine.dispose()
        # What the claim screen does every second, now rather than waited for.
        intervals.run(app, ClaimScreen, within=1.0)
        await settle(pilot)
        assert "Verdict: eligible" in visible_text(app)


async def test_the_follower_ends_with_the_app_not_a_poll_later(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Quitting waits for the thread that follows the other agents' acts: it
    must end when the app does, not when its poll or LISTEN times out (half a
    second at each quit before; a minute here, were it still so)."""
    from guarantee_tui.ui import app as app_module

    monkeypatch.setattr(app_module, "FOLLOW_WAIT", 60.0)
    monkeypatch.setattr(app_module, "FOLLOW_POLL", 60.0)
    following = threading.Event()
    ended = threading.Event()
    follow = GuaranteeApp._follow

    def watched(app: GuaranteeApp) -> None:
        following.set()
        try:
            follow(app)
        finally:
            ended.set()

    monkeypatch.setattr(GuaranteeApp, "_follow", watched)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await until(pilot, following.is_set, "the follower under way")
        assert not ended.is_set()
    # The bound only keeps a broken stop from hanging the suite.
    assert ended.wait(30.0), "the follower outlived the app"


async def test_data_text_is_never_markup(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "enter")  # CL-MARKUP
        await settle(pilot)
        assert MARKUP_COMPANY in visible_text(app)
        await pilot.press("c")
        await settle(pilot)
        shown = visible_text(app)
        assert "[b]x[/b] [link=x]y[/link] [red]rouge[/]" in shown
        assert ":fire: 🚧 Café Crème — naïve ñ" in shown
        assert "Says the client was never reached" in shown
        assert "positive review" in shown


async def test_language_switch_from_the_palette(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"Português")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        shown = visible_text(app)
        assert "Veredicto: elegível" in shown
        assert "Contactos" in shown  # the footer too
        await pilot.press("escape")
        await settle(pilot)
        assert "pedidos" in visible_text(app)


async def test_help_lists_the_live_keys(make_app: MakeApp) -> None:
    app = make_app(lang="fr")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        shown = visible_text(app)
        assert "Approuver" in shown and "Contacts" in shown
        await pilot.press("escape")
        assert isinstance(app.screen, ClaimScreen)


async def test_a_small_terminal_asks_for_room(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(70, 20)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TooSmallScreen)
        assert "70×20" in visible_text(app)
        await pilot.resize_terminal(100, 30)
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)


async def test_an_unusable_database_shows_what_to_do(make_app: MakeApp, tmp_path: object) -> None:
    app = make_app(db="/nonexistent/dir/missing.db")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ErrorScreen)
        shown = visible_text(app)
        assert "No database at" in shown and "guarantee-tui seed" in shown


def database_open(app: GuaranteeApp) -> bool:
    return app.database is not None


@pytest.fixture
def held_database(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Opening the database waits until the test lets it go."""
    from guarantee_tui.services import database

    open_ = database.open_
    released = threading.Event()

    def held(url: str | None) -> Any:
        released.wait(timeout=30)
        return open_(url)

    monkeypatch.setattr(database, "open_", held)
    yield released
    released.set()


async def test_the_queue_shows_before_the_database_has_opened(
    make_app: MakeApp, held_database: threading.Event
) -> None:
    app = make_app(agent="Sofia")
    # Released in the test: the event loop's teardown waits for the held thread.
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: bool(queue_refs(app)), "the first page")
        assert app.database is None, "the database was not held"
        # The opening view, read from the file, with the header complete.
        assert queue_refs(app) == ["CL-ELIG-FR", "CL-PEND-PT", "CL-MARKUP", "CL-REJ-FR"]
        shown = visible_text(app)
        assert "4 claims" in shown and "Rénovation Dupont" in shown
        assert "Sofia (supervisor)" in shown and "test.db" in shown
        # Keys pressed meanwhile are honoured once the database is open.
        await pilot.press("down", "enter")
        await pilot.pause()
        held_database.set()
        await settle(pilot)
        assert isinstance(app.screen, ClaimScreen)
        shown = visible_text(app)
        assert "CL-PEND-PT" in shown and "Recommended" in shown
        assert claim_screens(app) == 1


async def test_quitting_before_the_database_opened_leaves_nothing_waiting(
    make_app: MakeApp, held_database: threading.Event
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: bool(queue_refs(app)), "the first page")
        # Jobs queued for the database, as scrolling and Enter queue them.
        app.run_db(lambda db: None, lambda _: None, group="waiting", node=app)
        await pilot.press("q")
    # Their threads are joined when the process ends: none may still wait.
    assert app._db_ready.is_set()
    waiting = [w for w in app.workers if w.group == "waiting"]
    assert all(w.is_finished for w in waiting)
    held_database.set()


async def test_without_the_head_start_the_queue_comes_from_the_database(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    from guarantee_tui.services import first_page

    monkeypatch.setattr(first_page, "read", lambda *args: None)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert queue_refs(app) == ["CL-ELIG-FR", "CL-PEND-PT", "CL-MARKUP", "CL-REJ-FR"]
        assert app.database is not None


async def test_a_slow_first_page_shows_the_queue_first_then_its_rows(
    make_app: MakeApp, held_database: threading.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    from guarantee_tui.services import first_page
    from guarantee_tui.ui import app as app_module

    read = first_page.read
    slow = threading.Event()

    def slow_read(*args: Any) -> Any:
        slow.wait(timeout=30)
        return read(*args)

    monkeypatch.setattr(first_page, "read", slow_read)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, QueueScreen), "the queue")
        # Not kept waiting for its first page beyond a moment.
        assert isinstance(app.screen, QueueScreen)
        assert app_module.FIRST_PAGE_WAIT < 1
        assert queue_refs(app) == []
        slow.set()
        await until(pilot, lambda: bool(queue_refs(app)), "the first page")
        assert not database_open(app)
        assert queue_refs(app) == ["CL-ELIG-FR", "CL-PEND-PT", "CL-MARKUP", "CL-REJ-FR"]
        held_database.set()
        await settle(pilot)
        assert database_open(app)
        assert queue_refs(app) == ["CL-ELIG-FR", "CL-PEND-PT", "CL-MARKUP", "CL-REJ-FR"]


async def test_a_reason_typed_and_confirmed_at_once_is_decided_on(
    make_app: MakeApp, ui_db: str
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter", "s")  # suspend: no untruthful mark yet
        await settle(pilot)
        assert isinstance(app.screen, DecisionScreen)
        assert "Suspend needs an explanation marked untruthful" in visible_text(app)
        # A fast typist: the reason, the message that allows the suspension, and
        # ctrl+s before the dialog has drafted again.
        await pilot.press(*"Fake reviews", "tab", *"Reviews bought", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ClaimScreen)
        assert "suspended" in visible_text(app)
    engine = make_engine(ui_db)
    with engine.connect() as conn:
        decided = conn.execute(select(Decision.action, Decision.reason, Decision.letter_text)).all()
    [letter] = [
        d.letter_text for d in decided if (d.action, d.reason) == ("suspend", "Fake reviews")
    ]
    assert "Reviews bought" in letter and "Fake reviews" not in letter


async def test_a_prefilled_reason_is_selected_however_late_its_draft_arrives(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    from guarantee_tui.services import decisions

    draft = decisions.draft
    released = threading.Event()

    def late(*args: Any, **kwargs: Any) -> decisions.Draft:
        released.wait(timeout=30)
        return draft(*args, **kwargs)

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "j", "enter")  # CL-REJ-FR
        await settle(pilot)
        monkeypatch.setattr(decisions, "draft", late)
        try:
            await pilot.press("r")
            # The box has focus before the draft arrives (the usual order).
            await until(
                pilot,
                lambda: (
                    isinstance(app.screen, DecisionScreen)
                    and app.screen.query_one("#decision-reason").has_focus
                ),
                "the reason box focused",
            )
        finally:
            released.set()
        await settle(pilot)
        box = app.screen.query_one("#decision-reason", TextArea)
        assert box.text.startswith("Not met: ")
        assert box.selected_text == box.text
        await pilot.press("x")  # typing replaces the draft, never runs on after it
        assert box.text == "x"
