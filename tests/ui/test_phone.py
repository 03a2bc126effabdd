"""The phone desk and the office-hours header, driven with the keyboard."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from sqlalchemy import Engine, select, update
from textual.pilot import Pilot
from textual.widgets import Input, Static

from guarantee_tui.config import HoursSettings, Settings
from guarantee_tui.policy import CONDITION_LABELS, Market, Pack, Professional
from guarantee_tui.services import phone as phone_service
from guarantee_tui.store.engine import make_engine
from guarantee_tui.store.models import CallNote, ContactPurchase, LogEntry
from guarantee_tui.ui.app import GuaranteeApp
from guarantee_tui.ui.screens.call_note import CallNoteScreen
from guarantee_tui.ui.screens.claim import ClaimScreen
from guarantee_tui.ui.screens.error import ErrorScreen
from guarantee_tui.ui.screens.letter import LetterScreen
from guarantee_tui.ui.screens.phone import PhoneScreen
from guarantee_tui.ui.screens.queue import QueueScreen
from guarantee_tui.ui.widgets.lazy_table import LazyTable
from guarantee_tui.ui.widgets.top_bar import TopBar
from tests.builders import AT, START, claim_for, eligible_professional, purchases, tagged
from tests.store.helpers import insert
from tests.ui.conftest import Intervals, settle, until
from tests.ui.test_workspace import visible_text

HOSTILE_COMPANY = "[b]x[/b] [link=x]y[/link]"
# Who is found is checked here, not when the search runs after the typing.
pytestmark = pytest.mark.usefixtures("no_debounce")


def on_the_way() -> Professional:
    """12 of 20 bought since 22 April; one positive review tied to them."""
    start = AT - timedelta(days=40)
    bought = purchases(12, start=start)
    pro = eligible_professional(Market.FR)
    review = replace(pro.reviews[0], at=start + timedelta(days=5), contact_ref="L-02")
    return replace(pro, purchases=bought, reviews=(review, *pro.reviews[2:]))


def add_desk_people(url: str) -> str:
    """The workspace's database, and professionals who called without a claim."""
    engine = make_engine(url)
    insert(
        engine,
        tagged(on_the_way(), "W"),
        company=HOSTILE_COMPANY,
        email="chantier@exemple.fr",
        phone="+33 6 11 22 33 44",
    )
    pt = tagged(replace(on_the_way(), market=Market.PT, ref="PT-0001"), "V")
    insert(engine, pt, company="Obras Vieira", email="obras@vieira.pt", phone="+351 910 000 000")
    add_lefevre(engine)
    # Two companies whose names differ only at their end.
    for tag, company, phone in (
        ("N1", "Remodelações Neves Unipessoal, Lda. — Lisboa", "+351 213 000 001"),
        ("N2", "Remodelações Neves Unipessoal, Lda. — Porto", "+351 223 000 002"),
    ):
        neves = tagged(replace(on_the_way(), market=Market.PT, ref="PT-0001"), tag)
        insert(engine, neves, company=company, email=None, phone=phone)
    engine.dispose()
    return url


def add_lefevre(engine: Engine) -> None:
    """An open claim sent while no pack was active (one is today), one explanation
    missing: the card and the script must tell the same story."""
    pro = eligible_professional(Market.FR)
    sent = claim_for(pro).submitted_at
    packs = (
        Pack("Pro 6 mois", START - timedelta(days=10), sent - timedelta(days=4)),
        Pack("Pro 12 mois", sent + timedelta(days=9)),
    )
    pro = tagged(replace(pro, packs=packs), "LF")
    claim = claim_for(pro, verification=None)
    gone = pro.purchases[4].ref
    claim = replace(
        claim,
        ref="CL-LEFEVRE",
        explanations=tuple(e for e in claim.explanations if e.contact_ref != gone),
    )
    insert(engine, pro, claim, company="Lefèvre Frères", email="lf@x.fr", phone="04 72 00 00 01")
    with engine.begin() as conn:
        conn.execute(
            update(ContactPurchase)
            .where(ContactPurchase.ref == gone)
            .values(job_title="Peinture d'une chambre", city="Lyon")
        )


@pytest.fixture
def desk_db(ui_db: str) -> str:
    return add_desk_people(ui_db)


@pytest.fixture
def desk_app(desk_db: str) -> Callable[..., GuaranteeApp]:
    def make(
        lang: str = "en",
        clock: Callable[[], datetime] = lambda: AT,
        hours: HoursSettings | None = None,
    ) -> GuaranteeApp:
        settings = Settings(db=desk_db, lang=lang, agent="Ana", hours=hours or HoursSettings())
        return GuaranteeApp(settings, clock=clock)

    return make


async def typed(pilot: Pilot[None]) -> None:
    """Lets the search run on what was typed, then the card load (at once: `no_debounce`)."""
    await settle(pilot)
    await settle(pilot)


async def search(pilot: Pilot[None], query: str, *, keys: bool = False) -> PhoneScreen:
    """Puts `query` in the box as typing would, or types it key by key (keys=True).

    Each key costs the Pilot two idle waits: results following the keys are
    tested once (a stale answer...), elsewhere what is found is the point.
    """
    screen = pilot.app.screen
    assert isinstance(screen, PhoneScreen)
    if keys:
        await pilot.press("ctrl+u", *query)
    else:
        screen.query_box.value = query
    await typed(pilot)
    return screen


def refs(screen: PhoneScreen) -> list[str]:
    table = screen.query_one(LazyTable)
    return [row.key for i in range(table.row_count) if (row := table.row_at(i)) is not None]


def showing(app: GuaranteeApp, kind: type[Any]) -> bool:
    """Whether the app shows a screen of this kind (no narrowing of app.screen)."""
    return isinstance(app.screen, kind)


def card_text(app: GuaranteeApp) -> str:
    """The card as it is painted (its two halves at their widths), each half's
    lines joined: a sentence reads whole whatever the wrapping."""
    screen = app.screen
    assert isinstance(screen, PhoneScreen)
    said: list[str] = []
    for half in ("#phone-card-content", "#phone-card-standing"):
        widget = screen.query_one(half, Static)
        if not widget.size.width:
            continue  # not shown
        console = Console(width=max(widget.content_size.width, 20), record=True, file=io.StringIO())
        console.print(widget.content)
        said.append(" ".join(console.export_text().split()))
    return "\n".join(said)


async def open_desk(pilot: Pilot[None]) -> PhoneScreen:
    await settle(pilot)
    await pilot.press("p")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, PhoneScreen)
    return screen


# --- finding the caller -----------------------------------------------------------


async def test_p_opens_the_desk_from_anywhere_and_escape_goes_back(
    desk_app: Callable[..., GuaranteeApp],
) -> None:
    app = desk_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_desk(pilot)
        assert screen.query_box.has_focus
        assert "Type a phone number, an e-mail, a company name or a ref." in visible_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert showing(app, QueueScreen)
        # From a claim too.
        await pilot.press("enter")
        await settle(pilot)
        assert showing(app, ClaimScreen)
        await pilot.press("p")
        await settle(pilot)
        assert showing(app, PhoneScreen)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("+33 6 11 22 33 44", ["W-FR-0001"]),
        ("0611223344", ["W-FR-0001"]),
        ("0033611223344", ["W-FR-0001"]),
        ("910 000 000", ["V-PT-0001"]),
        ("+351910000000", ["V-PT-0001"]),
        ("GERAL@SILVA.PT", ["P-PT-0001"]),
        ("construcoes", ["P-PT-0001"]),
        ("MARTIN fils", ["R-FR-0001"]),
        ("cl-rej-fr", ["R-FR-0001"]),
        ("d-l-05", ["D-PT-0001"]),
        ("v-pt-0001", ["V-PT-0001"]),
    ],
)
async def test_every_way_a_caller_identifies(
    desk_app: Callable[..., GuaranteeApp], query: str, expected: list[str]
) -> None:
    app = desk_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_desk(pilot)
        screen = await search(pilot, query)
        assert refs(screen) == expected
        assert screen.card is not None
        assert screen.card.professional.ref == expected[0]


async def test_the_exact_phone_comes_first_and_the_cursor_picks_the_card(
    desk_app: Callable[..., GuaranteeApp],
) -> None:
    app = desk_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_desk(pilot)
        screen = await search(pilot, "01 84 88 82 46", keys=True)
        assert refs(screen) == ["E-FR-0001", "H-FR-0001", "D-PT-0001"]
        assert "3 professionals found" in visible_text(app)
        await pilot.press("down")  # from the box to the results
        await settle(pilot)
        assert screen.table.has_focus
        await pilot.press("j")
        await typed(pilot)
        assert screen.card is not None and screen.card.professional.ref == "H-FR-0001"
        await pilot.press("enter")  # into the card
        await settle(pilot)
        assert screen.query_one("#phone-card").has_focus
        await pilot.press("slash")
        await settle(pilot)
        assert screen.query_box.has_focus


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "!!!???",
        "01 84 88 8x 46",
        "'; DROP TABLE professionals; --",
        "[b]bold[/b] [link=http://x]y[/link]",
        "%_%",
        "é" * 150,
        "@@",
    ],
)
async def test_odd_input_gives_a_hint_never_an_error(
    desk_app: Callable[..., GuaranteeApp], query: str
) -> None:
    app = desk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        screen = await search(pilot, query)
        assert showing(app, PhoneScreen)
        assert not any(isinstance(s, ErrorScreen) for s in app.screen_stack)
        assert refs(screen) == []
        assert screen.lookup is not None and screen.lookup.hint is not None
        assert "Choose a professional to see where they stand." in visible_text(app)
        # The desk still works afterwards.
        await search(pilot, "dupont")
        assert refs(screen) == ["E-FR-0001"]


async def test_a_company_name_with_markup_is_shown_as_written(
    desk_app: Callable[..., GuaranteeApp],
) -> None:
    app = desk_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_desk(pilot)
        screen = await search(pilot, "[b]x[/b] [link=x]y[/link]")
        # Both companies have these words; the other is "[b]Bold[/b] & Co [link=x]y[/link]".
        assert refs(screen) == ["H-FR-0001", "W-FR-0001"]
        await pilot.press("down", "j")
        await typed(pilot)
        assert screen.card is not None and screen.card.professional.company == HOSTILE_COMPANY
        assert HOSTILE_COMPANY in card_text(app)
        # In the results, whole: the column is as wide as the names it shows.
        row = f"W-FR-0001 {HOSTILE_COMPANY} FR"
        assert row in " ".join(visible_text(app).split())


async def test_a_stale_answer_never_replaces_a_newer_one(
    desk_app: Callable[..., GuaranteeApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    started = threading.Event()
    real = phone_service.lookup

    def slow_for_renov(engine: Any, query: str, limit: int = 50) -> phone_service.Lookup:
        if query == "renov":
            started.set()
            release.wait(30)
        return real(engine, query, limit)

    monkeypatch.setattr(phone_service, "lookup", slow_for_renov)
    app = desk_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_desk(pilot)
        await pilot.press(*"renov")
        await until(pilot, started.is_set, '"renov" being looked up, slowly')
        await pilot.press("ctrl+u", *"martin")
        await typed(pilot)
        assert refs(screen) == ["R-FR-0001"]
        release.set()  # the old answer arrives now...
        await typed(pilot)
        assert refs(screen) == ["R-FR-0001"]  # ...and is dropped
        assert screen.lookup is not None and screen.lookup.query == "martin"
        # An answer numbered before the latest request is ignored too.
        screen._found(0, phone_service.Lookup("renov", ()))
        assert refs(screen) == ["R-FR-0001"]


# --- the caller's card --------------------------------------------------------------


async def test_the_card_says_where_someone_without_a_claim_stands(
    desk_app: Callable[..., GuaranteeApp],
) -> None:
    app = desk_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_desk(pilot)
        screen = await search(pilot, "0611223344")
        card = screen.card
        assert card is not None and card.claims == ()
        shown = card_text(app)
        assert "W-FR-0001 · FR · +33 6 11 22 33 44 · chantier@exemple.fr" in shown
        # In the caller's language (French): dates are French whatever the catalog.
        assert "What to tell the caller, in French" in shown
        assert "t: English" in shown
        assert "22 juil. 2026" in shown  # the 20th purchase is due by then
        assert "contacts bought: 12 of 20 · 20th purchase by 22 Jul 2026" in shown
        assert "Profile 80% complete at each purchase" in shown
        assert "2 positive reviews tied to the contacts" in shown
        await pilot.press("down", "t")  # to the results, then the agent's language
        await settle(pilot)
        shown = card_text(app)
        assert "What to tell the caller, in English" in shown
        assert "You have bought 12 contacts out of 20" in shown
        assert "1 positive review tied to one of your contacts is still missing." in shown
        assert "t: French" in shown


async def test_a_decided_claim_with_its_letter(desk_app: Callable[..., GuaranteeApp]) -> None:
    app = desk_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_desk(pilot)
        screen = await search(pilot, "ferreira")
        shown = card_text(app)
        assert "What to tell the caller, in Portuguese" in shown
        assert "31 de maio de 2026" in shown
        assert "CL-DONE-PT rejected on 31 May 2026 at 13:00 (Lisbon time) by Rui" in shown
        await pilot.press("down", "d")
        await settle(pilot)
        assert showing(app, LetterScreen)
        assert getattr(app.screen, "claim_ref", None) == "CL-DONE-PT"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("c")
        await settle(pilot)
        assert showing(app, ClaimScreen)
        assert getattr(app.screen, "claim_ref", None) == "CL-DONE-PT"


async def test_an_open_claim_on_the_card(desk_app: Callable[..., GuaranteeApp]) -> None:
    app = desk_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_desk(pilot)
        await search(pilot, "CL-ELIG-FR")
        shown = card_text(app)
        assert "CL-ELIG-FR open, sent on 7 Apr 2026; as it stands: eligible" in shown


@pytest.mark.parametrize("lang", ["en", "fr"])
async def test_the_script_never_contradicts_the_card(
    desk_app: Callable[..., GuaranteeApp], lang: str
) -> None:
    app = desk_app(lang)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_desk(pilot)
        screen = await search(pilot, "lefevre freres")
        card = screen.card
        assert card is not None and card.open_claim is not None
        await pilot.press("down", "t")  # the script in the agent's language
        await settle(pilot)
        shown = " ".join(card_text(app).split())
        if lang == "en":
            # The condition the claim fails is failed on the card, with its moment.
            assert "✘ Professional pack active — No professional pack active when the " in shown
            assert "✔ Professional pack active" not in shown
            assert "Claim CL-LEFEVRE as it stands today" in shown
            assert "pack today: Pro 12 mois, since 16 Apr 2026" in shown
            assert "Your professional pack was not active when you sent this claim" in shown
            # What the caller can fix: the explanation, by date, job and city.
            assert (
                "Send us the explanation of what happened with the contact bought on "
                "17 Jan 2026 (Peinture d'une chambre, Lyon)." in shown
            )
            assert "LF-L-05" not in shown.split("Claim CL-LEFEVRE")[0]
        else:
            assert "✘ Pack professionnel actif" in shown
            assert "✔ Pack professionnel actif" not in shown
            assert "Envoyez-nous l'explication" in shown
        # Whatever the script says the claim does not meet, the card does not tick.
        for result in card.standing.failed:
            label = app.tr.render(CONDITION_LABELS[result.id])
            assert f"✔ {label}" not in shown


async def test_n_records_a_call_note_in_the_log(
    desk_app: Callable[..., GuaranteeApp], desk_db: str
) -> None:
    app = desk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_desk(pilot)
        screen = await search(pilot, "0611223344")
        await pilot.press("n")  # typed into the search box, not a verb there
        await typed(pilot)
        assert not showing(app, CallNoteScreen)
        await pilot.press("backspace")
        await typed(pilot)
        await pilot.press("down", "n")
        await settle(pilot)
        assert showing(app, CallNoteScreen)
        await pilot.press("ctrl+s")  # nothing written yet
        await settle(pilot)
        assert showing(app, CallNoteScreen)
        assert "Write a few words about the call." in visible_text(app)
        app.screen.query_one("#note-summary", Input).value = "Asked when to claim [b]"
        await pilot.press("enter", "down")  # to the outcomes: "callback needed"
        await pilot.press("enter")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
    engine = make_engine(desk_db)
    with engine.connect() as conn:
        note = conn.execute(select(CallNote)).one()
        entry = conn.execute(select(LogEntry).where(LogEntry.action == "call_note")).one()
    engine.dispose()
    assert note.summary == "Asked when to claim [b]"
    assert note.outcome == "callback"
    assert note.agent == "Ana"
    assert note.at == AT
    assert entry.professional_ref == "W-FR-0001"
    assert json.loads(entry.details) == {"outcome": "callback"}


async def test_the_card_shows_the_last_calls(
    desk_app: Callable[..., GuaranteeApp], desk_db: str
) -> None:
    engine = make_engine(desk_db)
    phone_service.record_call_note(
        engine,
        "W-FR-0001",
        summary="[red]Angry[/red] about a lead",
        outcome="complaint",
        agent="Rui",
        at=AT - timedelta(days=1),
    )
    engine.dispose()
    app = desk_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_desk(pilot)
        await search(pilot, "w-fr-0001")
        shown = card_text(app)
        assert "Last calls" in shown
        assert (
            "31 May 2026 at 14:00 (Paris time) · Rui · complaint — [red]Angry[/red] about" in shown
        )


@pytest.mark.parametrize(
    ("lang", "decided", "called"),
    [
        (
            "fr",
            "le 31 mai 2026 à 13:00 (heure de Lisbonne) par Rui",
            "31 mai 2026 à 14:00 (heure de Paris) · Rui",
        ),
        (
            "pt",
            "em 31 de maio de 2026, às 13:00 (hora de Lisboa) por Rui",
            "31 de maio de 2026, às 14:00 (hora de Paris) · Rui",
        ),
    ],
)
async def test_every_moment_on_the_card_is_on_the_market_clock_and_says_so(
    desk_app: Callable[..., GuaranteeApp], desk_db: str, lang: str, decided: str, called: str
) -> None:
    """A decision and a call are told on the professional's market clock, with
    the zone named, as everywhere else in the app (i18n.local_moment)."""
    engine = make_engine(desk_db)
    phone_service.record_call_note(
        engine,
        "W-FR-0001",
        summary="Asked about a lead",
        outcome="complaint",
        agent="Rui",
        at=AT - timedelta(days=1),
    )
    engine.dispose()
    app = desk_app(lang=lang)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_desk(pilot)
        await search(pilot, "ferreira")
        assert decided in card_text(app)
        await search(pilot, "w-fr-0001")
        assert called in card_text(app)


async def test_the_desk_follows_the_ui_language(
    desk_app: Callable[..., GuaranteeApp], intervals: Intervals
) -> None:
    app = desk_app(lang="pt")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_desk(pilot)
        screen = await search(pilot, "0611223344")
        assert screen.card is not None
        app.set_language("fr")
        # The header follows within a second: what it does each second, now.
        intervals.run(app, TopBar, within=1.0)
        await settle(pilot)
        shown = visible_text(app)
        assert "Français" in shown
        assert screen.advice_translator.language == "fr"


# --- the header: office hours ----------------------------------------------------------


def header(app: GuaranteeApp) -> str:
    bar = app.screen.query_one(TopBar)
    return str(bar.render())


@pytest.mark.parametrize(
    ("width", "fr", "pt"),
    [
        (80, "FR ● 14:00→17:00", "PT ● 13:00→17:00"),
        (120, "FR ● open 14:00 → 17:00", "PT ● open 13:00 → 17:00"),
        (160, "FR ● open, 14:00 → closes 17:00", "PT ● open, 13:00 → closes 17:00"),
    ],
)
async def test_the_header_tells_each_line_as_fully_as_it_fits(
    desk_app: Callable[..., GuaranteeApp], width: int, fr: str, pt: str
) -> None:
    app = desk_app()
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(pilot)
        text = header(app)
        assert fr in text
        assert pt in text
        assert "Ana (agent)" in text
        assert len(text) <= width


async def test_the_header_on_a_friday_evening(desk_app: Callable[..., GuaranteeApp]) -> None:
    friday = datetime(2026, 6, 5, 17, 20, tzinfo=UTC)  # 19:20 in Paris, 18:20 in Lisbon
    app = desk_app(lang="fr", clock=lambda: friday)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = header(app)
        # Closed, in words as on a wider screen, not by the mark and colour alone.
        assert "FR ○ fermée→lun. 09:00" in text
        assert "PT ○ fermée→lun. 08:00" in text


async def test_the_header_counts_holidays_and_closures(
    desk_app: Callable[..., GuaranteeApp],
) -> None:
    closures = HoursSettings(closures={"PT": frozenset({AT.date()})})
    app = desk_app(hours=closures)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        text = header(app)
        assert "FR ● open" in text
        assert "PT ○ closed 13:00 → Tue 08:00" in text


async def test_the_header_does_not_wait_for_the_database(
    desk_app: Callable[..., GuaranteeApp], tmp_path: Path
) -> None:
    app = GuaranteeApp(
        Settings(db=str(tmp_path / "missing.db"), lang="en", agent="Ana"), clock=lambda: AT
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        bars = [bar for screen in app.screen_stack for bar in screen.query(TopBar)]
        assert bars
        assert "FR ● " in str(bars[0].render())
        assert "17:00" in str(bars[0].render())


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
@pytest.mark.parametrize("lang", ["fr", "pt"])
async def test_alike_names_never_look_the_same_and_no_row_is_left_empty(
    desk_app: Callable[..., GuaranteeApp], size: tuple[int, int], lang: str
) -> None:
    app = desk_app(lang)
    async with app.run_test(size=size) as pilot:
        await open_desk(pilot)
        screen = await search(pilot, "remodelacoes neves")
        assert refs(screen) == ["N1-PT-0001", "N2-PT-0001"]
        lines = visible_text(app).splitlines()
        lisboa = next(line for line in lines if line.startswith("N1-PT-0001"))
        porto = next(line for line in lines if line.startswith("N2-PT-0001"))
        # The whole name, and the phone, even at 80 columns.
        assert "Remodelações Neves Unipessoal, Lda. — Lisboa" in lisboa
        assert "Remodelações Neves Unipessoal, Lda. — Porto" in porto
        assert "+351 213 000 001" in lisboa and "+351 223 000 002" in porto
        assert "…" not in lisboa + porto
        # The list is as tall as what it lists; the card takes the rest.
        table = screen.query_one(LazyTable)
        assert table.size.height == 3
        card = screen.query_one("#phone-card")
        assert card.region.y == table.region.bottom
        assert card.region.bottom == app.size.height - 1  # down to the footer


async def test_a_suspended_professional_is_said_in_words(
    desk_app: Callable[..., GuaranteeApp], desk_db: str
) -> None:
    app = desk_app("fr")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_desk(pilot)
        await search(pilot, "remodelacoes neves")
        lookup = screen.lookup
        assert lookup is not None
        first = replace(lookup.results[0], status="suspended")
        screen._found(screen._lookup_seq, replace(lookup, results=(first, *lookup.results[1:])))
        await settle(pilot)
        row = next(line for line in visible_text(app).splitlines() if "N1-PT-0001" in line)
        # At 80 columns the name gives way to the state and the phone.
        assert "profil suspendu" in row and "+351 213 000 001" in row
