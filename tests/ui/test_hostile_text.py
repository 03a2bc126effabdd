"""Text from data is inert on every screen (issue 12): markup shows as written,
and no control character (C0, DEL, C1) reaches the terminal.

The database holds markup and escape sequences in every text field: the
company, the refs, the e-mail and phone, the pack, the clients' names, phones,
jobs and cities, the explanations and their notes, the agents' names, the
reason, the letter and its message, the call note, the review's note, the effects' errors.
The app is driven to each screen and dialog, and each is checked twice:

- what the screen draws for the terminal (after `ui/inert.py`'s compositor)
  holds no control character: nothing can act on the terminal;
- what each widget renders, before that last net, holds none either, and the
  data is there with its control characters shown ("␛]0;PWNED␇") and its
  markup as written ("[b red]X[/]"): the screen made the data visible where
  it became display text, rather than leaving it to the net.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.segment import Segment
from rich.text import Text
from sqlalchemy import text
from textual._compositor import Compositor, LayoutUpdate
from textual.pilot import Pilot
from textual.strip import Strip

from guarantee_tui.config import Settings
from guarantee_tui.policy import Explanation, Market, Pack
from guarantee_tui.services import decisions, leases, log, phone, verification
from guarantee_tui.services.agents import set_role
from guarantee_tui.services.verdicts import refresh_stale
from guarantee_tui.store import outbox
from guarantee_tui.store.engine import make_engine
from guarantee_tui.store.transactions import write_transaction
from guarantee_tui.text import visible
from guarantee_tui.ui.app import GuaranteeApp
from guarantee_tui.ui.base import AppScreen
from guarantee_tui.ui.inert import data_text, inert, inert_strip
from guarantee_tui.ui.screens.call_note import CallNoteScreen
from guarantee_tui.ui.screens.claim import ClaimScreen, open_claim
from guarantee_tui.ui.screens.confirm import ConfirmScreen
from guarantee_tui.ui.screens.contacts import ContactsScreen
from guarantee_tui.ui.screens.decision import DecisionScreen
from guarantee_tui.ui.screens.effects import EffectsScreen
from guarantee_tui.ui.screens.error import ErrorScreen
from guarantee_tui.ui.screens.figures import FiguresScreen
from guarantee_tui.ui.screens.help import HelpScreen
from guarantee_tui.ui.screens.letter import LetterScreen
from guarantee_tui.ui.screens.log import LogScreen
from guarantee_tui.ui.screens.log_entry import LogEntryScreen
from guarantee_tui.ui.screens.log_filter import LogFilterScreen
from guarantee_tui.ui.screens.phone import PhoneScreen
from guarantee_tui.ui.screens.prompt import PromptScreen
from guarantee_tui.ui.screens.queue import QueueScreen
from guarantee_tui.ui.screens.review import ReviewScreen
from tests.builders import AT, START, claim_for, eligible_professional, tagged
from tests.store.helpers import insert
from tests.ui.conftest import settle

MARKUP = "[b red]X[/] [/nope] [@click=app.quit]x[/]"
# A retitled window, a cleared screen, the alternate screen left, an OSC 8 link
# to another site, a C1 CSI, DEL.
ESCAPES = "\x1b]0;PWNED\x07\x1b[2J\x1b[?1049l\x1b]8;;http://evil\x1b\\x\x1b]8;;\x1b\\\x9b31m\x7f"
# How a screen shows them.
SHOWN_ESCAPE = "␛]0;PWNED␇"
CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")


def hostile(label: str) -> str:
    return f"{label} {MARKUP} {ESCAPES}"


# Refs and names have short columns (64 and 100 characters).
TAG = "[b red]X[/]\x1b]0;PWNED\x07"
OPEN_REF = "CL-[b red]X[/][/nope]\x1b]0;PWNED\x07\x9b31m"
DONE_REF = "CL-[/nope][b red]X[/]\x1b]0;PWNED\x07\x1b[2J"
AGENT = "Rui [b red]X[/] [/nope] \x1b]0;PWNED\x07\x9b31m"
SUPERVISOR = "Sofia [b red]X[/] [@click=app.quit]x[/] \x1b]0;PWNED\x07\x7f"
COMPANY = hostile("Dupont")
EXPLANATION = hostile("Called the client") + "\nSecond line\ttabbed\r\n" + ESCAPES
SIZE = (200, 60)


def build(path: Path) -> None:
    engine = make_engine(str(path))
    before = START - timedelta(days=10)
    first = tagged(eligible_professional(Market.FR), TAG)
    first = replace(first, packs=(Pack(hostile("Pack"), before),))
    contact = first.purchases[0].ref
    claim = claim_for(first, verification=None)
    claim = replace(
        claim,
        ref=OPEN_REF,
        explanations=(Explanation(contact, EXPLANATION, None), *claim.explanations[1:]),
    )
    insert(engine, first, claim, company=COMPANY, email=hostile("a@x.fr"), phone="0184 \x1b[2J")
    second = tagged(eligible_professional(Market.PT), TAG + "B")
    insert(
        engine,
        second,
        replace(claim_for(second), ref=DONE_REF),
        company=hostile("Silva"),
        email="b@x.pt",
    )
    set_role(engine, AGENT, "agent", AT - timedelta(days=30))
    set_role(engine, SUPERVISOR, "supervisor", AT - timedelta(days=30))
    refresh_stale(engine, AT)
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE contact_purchases SET client_name = :v, client_phone = :p, "
                "job_title = :v, city = :v"
            ),
            {"v": hostile("Marie"), "p": "06 \x1b[2J\x9b"},
        )
    verification.mark(
        engine,
        OPEN_REF,
        first.purchases[1].ref,
        "untruthful",
        agent=AGENT,
        at=AT - timedelta(days=2),
        note=hostile("Nobody called"),
    )
    outcome = decisions.decide(
        engine,
        DONE_REF,
        "reject",
        reason=hostile("Rejected") + "\nfor good",
        message_for_professional=hostile("Not this time") + "\nsorry",
        agent=AGENT,
        at=AT - timedelta(days=1),
        opened_at=AT - timedelta(days=1, minutes=12),
        language="pt",
    )
    log.record_review(
        engine, outcome.log_seq, False, hostile("Disagree"), SUPERVISOR, AT - timedelta(hours=3)
    )
    phone.record_call_note(
        engine,
        first.ref,
        summary=hostile("Called back"),
        outcome=phone.OUTCOMES[0],
        agent=AGENT,
        at=AT - timedelta(hours=2),
    )
    with write_transaction(engine) as conn:
        for effect in outbox.claim_due(conn, "test", AT, timedelta(minutes=2), 10):
            outbox.mark_failed(conn, effect.id, "test", error=hostile("503"), status=503, body="")
    # Someone else works the open claim.
    leases.take(engine, OPEN_REF, AGENT)
    engine.dispose()


@pytest.fixture(scope="session")
def hostile_template(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "template.db"
    shutil.copyfile(sqlite_template, path)
    build(path)
    return path


@pytest.fixture
def app(hostile_template: Path, tmp_path: Path) -> GuaranteeApp:
    path = tmp_path / "hostile.db"
    shutil.copyfile(hostile_template, path)
    return GuaranteeApp(Settings(db=str(path), lang="en", agent=SUPERVISOR), clock=lambda: AT)


# --- what a screen draws ------------------------------------------------------------


def _texts(strips: Iterator[object]) -> Iterator[str]:
    for strip in strips:
        for segment in strip:  # type: ignore[attr-defined]
            yield segment.text


def drawn(app: GuaranteeApp) -> list[str]:
    """The segments' texts the screen writes to the terminal, dialogs over their screen."""
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    assert isinstance(update, LayoutUpdate)
    return list(_texts(strip for line in update.strips for strip in line))


def rendered(app: GuaranteeApp) -> list[list[str]]:
    """The segments' texts each widget of the screen renders (one list a widget),
    before the compositor's net."""
    compositor = app.screen._compositor
    return [list(_texts(iter(strips))) for _, _, strips in Compositor._get_renders(compositor)]


def _flat(value: str) -> str:
    # Lines wrap at spaces: compared without them.
    return "".join(value.split())


def check(app: GuaranteeApp, what: str, *data: str) -> None:
    """The screen now showing draws nothing a terminal acts on, its widgets render
    nothing a terminal acts on, and each of `data` is shown by one widget: control
    characters made visible, markup as written."""
    assert app.return_code is None, f"{what}: the app stopped"
    assert not isinstance(app.screen, ErrorScreen) or what == "error", f"{what}: an error"
    raw = [t for t in drawn(app) if CONTROLS.search(t)]
    assert raw == [], f"{what}: control characters reach the terminal: {raw!r}"
    widgets = rendered(app)
    unmade = [t for texts in widgets for t in texts if CONTROLS.search(t)]
    assert unmade == [], f"{what}: a widget renders control characters: {unmade!r}"
    texts = [_flat("".join(texts)) for texts in widgets]
    for value in data:
        expected = _flat(visible(value, lines=True))
        assert any(expected in text for text in texts), f"{what}: {expected!r} is not shown"


def on(app: GuaranteeApp, kind: type) -> bool:
    # A function, so that mypy does not narrow app.screen from one check to the next.
    return isinstance(app.screen, kind)


async def open_ref(pilot: Pilot[None], ref: str) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, AppScreen)
    open_claim(screen, ref)
    await settle(pilot)


# --- the screens ------------------------------------------------------------------


def test_the_values_are_hostile() -> None:
    assert visible(ESCAPES).startswith(SHOWN_ESCAPE)
    assert CONTROLS.search(TAG) and CONTROLS.search(AGENT) and CONTROLS.search(SUPERVISOR)


def test_a_text_made_inert_keeps_its_styles_on_the_same_characters() -> None:
    text = Text("a\x9bb\x1bc", style="dim")
    text.stylize("bold", 2, 3)  # "b"
    text.stylize("red", 3, 5)  # ESC, "c"
    shown = inert(text)
    assert shown.plain == "a\\x9bb␛c" and shown.style == "dim"
    assert [(s.start, s.end, s.style) for s in shown.spans] == [(5, 6, "bold"), (6, 8, "red")]
    assert inert(Text("plain")).plain == "plain"
    assert data_text("[b]x[/b]\x07\n", lines=True).plain == "[b]x[/b]␇\n"


def test_the_last_net_drops_controls_and_keeps_the_width() -> None:
    strip = Strip([Segment("a\x1b]0;x\x07b"), Segment("\ud800c")])
    shown = inert_strip(strip)
    assert shown.text == "a]0;xb\ufffdc"
    assert shown.cell_length == strip.cell_length == cell_len(shown.text)
    clean = Strip([Segment("abc")])
    assert inert_strip(clean) is clean


async def test_queue_claim_contacts_and_their_dialogs(app: GuaranteeApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert on(app, QueueScreen)
        check(app, "queue", "Dupont [b red]X[/] [/nope]", "Rui [b red]X[/]")
        await open_ref(pilot, OPEN_REF)
        assert on(app, ClaimScreen)
        check(app, "claim", COMPANY, hostile("Pack"), AGENT, TAG + "-L-")
        await pilot.press("r")  # held by another agent: a notice says who
        await settle(pilot)
        check(app, "claim, held notice", AGENT)
        await pilot.press("t")
        await settle(pilot)
        assert on(app, ConfirmScreen)
        check(app, "confirm dialog", AGENT, OPEN_REF)
        await pilot.press("enter")
        await settle(pilot)
        assert on(app, ClaimScreen)
        await pilot.press("c")
        await settle(pilot)
        assert on(app, ContactsScreen)
        check(app, "contacts", OPEN_REF, COMPANY, EXPLANATION, hostile("Marie"))
        await pilot.press("down")
        await settle(pilot)
        check(app, "contacts, an untruthful explanation", hostile("Nobody called"), AGENT)
        await pilot.press("u")
        await settle(pilot)
        assert on(app, PromptScreen)
        check(app, "prompt dialog", TAG + "-L-02")
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert on(app, ClaimScreen)
        await pilot.press("r")
        await settle(pilot)
        assert on(app, DecisionScreen)
        check(app, "decision dialog", OPEN_REF, COMPANY)
        await pilot.press("escape")
        await settle(pilot)
        assert on(app, ClaimScreen)


async def test_a_decided_claim_its_letter_the_help_and_the_other_dialogs(
    app: GuaranteeApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_ref(pilot, DONE_REF)
        assert on(app, ClaimScreen)
        check(app, "decided claim", DONE_REF, hostile("Silva"), AGENT)
        await pilot.press("d")
        await settle(pilot)
        assert on(app, LetterScreen)
        # The reason in the screen's header, the message in the letter.
        check(
            app,
            "letter",
            DONE_REF,
            AGENT,
            hostile("Rejected"),
            hostile("Not this time"),
            hostile("Silva"),
        )
        await pilot.press("question_mark")
        await settle(pilot)
        assert on(app, HelpScreen)
        check(app, "help")
        await pilot.press("escape")
        await app.push_screen(CallNoteScreen(tagged_ref("FR-0001"), COMPANY))
        await settle(pilot)
        check(app, "call note dialog", COMPANY)
        await pilot.press("escape")
        await app.push_screen(ErrorScreen(hostile("Cannot read"), retry=False))
        await settle(pilot)
        check(app, "error", hostile("Cannot read"))


def tagged_ref(ref: str) -> str:
    return f"{TAG}-{ref}"


async def test_the_log_its_filter_figures_and_review_sample(app: GuaranteeApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert on(app, LogScreen)
        check(app, "log", "Rejected [b red]X[/]", "Disagree [b red]X[/]")
        await pilot.press("slash")
        await settle(pilot)
        assert on(app, LogFilterScreen)
        check(app, "log filter")
        await pilot.press("escape", "f")
        await settle(pilot)
        assert on(app, FiguresScreen)
        check(app, "figures", "Rui [b red]X[/]")
        await pilot.press("escape", "R")
        await settle(pilot)
        assert on(app, PromptScreen)
        await pilot.press("enter")  # 10 %: one decision at least
        await settle(pilot)
        # Claim refs were read as markup here: "[/nope]" crashed the app.
        assert on(app, ReviewScreen)
        check(app, "review sample", DONE_REF, AGENT)


async def test_a_log_entry(app: GuaranteeApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l", "R")
        await settle(pilot)
        await pilot.press("enter")  # the review sample: the decision
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert on(app, LogEntryScreen)
        check(app, "log entry", DONE_REF, AGENT, hostile("Rejected"))


async def test_the_effects_screen(app: GuaranteeApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l", "e")
        await settle(pilot)
        assert on(app, EffectsScreen)
        check(app, "effects", hostile("503"))
        await pilot.press("c")
        await settle(pilot)
        assert on(app, PromptScreen)
        check(app, "effects, cancel prompt", DONE_REF)


@pytest.mark.usefixtures("no_debounce")
async def test_the_phone_desk_its_results_and_card(app: GuaranteeApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert on(app, PhoneScreen)
        await pilot.press(*"Dupont")
        await settle(pilot)
        check(app, "phone desk", "Dupont [b red]X[/]", hostile("Called back"))
        await pilot.press("down", "n")  # from the search box to the results
        await settle(pilot)
        assert on(app, CallNoteScreen)
        check(app, "phone desk, call note", COMPANY)
