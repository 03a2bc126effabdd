"""The queue as an agent reads it: exact refs, the default view, saved filters,
columns that fit their content, states told without colour, at AA contrast."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

import pytest
from rich.color import Color
from rich.style import Style
from textual.widgets import Input

from guarantee_tui.config import SavedFilter, Settings
from guarantee_tui.policy import Market
from guarantee_tui.services import decisions
from guarantee_tui.services.verdicts import refresh_stale
from guarantee_tui.store.engine import make_engine
from guarantee_tui.ui.app import GuaranteeApp
from guarantee_tui.ui.screens import queue as queue_screen
from guarantee_tui.ui.screens.claim import ClaimScreen
from guarantee_tui.ui.screens.queue import QueueScreen
from guarantee_tui.ui.widgets.lazy_table import LazyTable
from tests.builders import AT, claim_for, eligible_professional, tagged
from tests.store.helpers import insert
from tests.ui.conftest import settle
from tests.ui.test_workspace import queue_refs, visible_text

MakeApp = Callable[..., GuaranteeApp]
pytestmark = pytest.mark.usefixtures("no_debounce")
OPEN = ["CL-ELIG-FR", "CL-PEND-PT", "CL-MARKUP", "CL-REJ-FR"]


def add_look_alikes(db: str) -> None:
    """CL-000039, and CL-000009 whose e-mail holds "cl-000039": a loose match."""
    engine = make_engine(db)
    real = tagged(eligible_professional(Market.PT), "X")
    insert(
        engine,
        real,
        replace(claim_for(real), ref="CL-000039"),
        company="Pinturas Fernandes",
        email="geral@fernandes.pt",
        phone="+351 912 000 039",
    )
    other = tagged(eligible_professional(Market.PT), "Y")
    insert(
        engine,
        other,
        replace(claim_for(other), ref="CL-000009"),
        company="Pinturas Fernandes Lda.",
        email="cl-000039@pinturas.pt",
        phone="+351 912 000 009",
    )
    refresh_stale(engine, AT)
    engine.dispose()


async def type_filter(pilot: object, text: str) -> None:
    app = pilot.app  # type: ignore[attr-defined]
    box = app.screen.query_one("#queue-filter", Input)
    if box.has_focus:
        await pilot.press("escape")  # type: ignore[attr-defined]
    await pilot.press("slash")  # type: ignore[attr-defined]
    box.value = ""
    await pilot.press(*text)  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]


def showing(app: GuaranteeApp, kind: type) -> bool:
    return isinstance(app.screen, kind)


async def test_an_exact_claim_ref_wins_over_a_loose_match_even_once_decided(
    make_app: MakeApp, ui_db: str
) -> None:
    add_look_alikes(ui_db)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        # A loose text lists both look-alikes...
        await type_filter(pilot, "pinturas")
        assert sorted(queue_refs(app)) == ["CL-000009", "CL-000039"]
        # ...the exact ref, in any case, only its claim (the other's e-mail holds it).
        await type_filter(pilot, "cl-000039")
        assert queue_refs(app) == ["CL-000039"]
        await pilot.press("enter")
        await settle(pilot)
        assert showing(app, ClaimScreen)
        assert app.screen.claim_ref == "CL-000039"  # type: ignore[attr-defined]
        await pilot.press("escape")
        await settle(pilot)
        engine = make_engine(ui_db)
        decisions.decide(
            engine,
            "CL-000039",
            "approve",
            reason="All conditions are met.",
            agent="Rui",
            at=AT,
            opened_at=AT - timedelta(minutes=5),
            language="pt",
        )
        engine.dispose()
        # Back on the queue, still filtered by the ref: the status filter hides
        # it, the look-alike does not take its place, and the queue says so.
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        screen.reload()
        await settle(pilot)
        assert queue_refs(app) == []
        assert "CL-000039 is approved: press t to show it" in visible_text(app)
        # Enter on the ref still opens it, whatever the filters.
        await type_filter(pilot, "CL-000039")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.claim_ref == "CL-000039"  # type: ignore[attr-defined]
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert queue_refs(app) == ["CL-000039"]
        assert "press t to show it" not in visible_text(app)


async def test_a_professional_ref_lists_their_claims_and_a_contact_ref_opens_its_claim(
    make_app: MakeApp, ui_db: str
) -> None:
    add_look_alikes(ui_db)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await type_filter(pilot, "x-pt-0001")
        assert queue_refs(app) == ["CL-000039"]
        # A contact ref: the claim that holds its explanation, opened by Enter.
        await type_filter(pilot, "E-L-01")
        assert queue_refs(app) == ["CL-ELIG-FR"]
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.claim_ref == "CL-ELIG-FR"  # type: ignore[attr-defined]


async def test_x_goes_back_to_the_default_view_not_to_all(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert queue_refs(app) == OPEN
        await pilot.press("t", "t", "m", "o")  # all statuses, FR, sorted by claim
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert queue_refs(app) == OPEN
        shown = visible_text(app)
        assert "status: open" in shown and "market: all" in shown


async def test_the_agents_one_market_is_the_default_and_x_keeps_it(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.actor_markets = frozenset({"PT"})
        app._team_loaded(("Ana", frozenset({"PT"})))
        await settle(pilot)
        assert queue_refs(app) == ["CL-PEND-PT"]
        await pilot.press("m", "x")
        await settle(pilot)
        assert queue_refs(app) == ["CL-PEND-PT"]


async def test_saved_filters_from_the_config_file(ui_db: str) -> None:
    settings = Settings(
        db=ui_db,
        lang="en",
        agent="Ana",
        filters=(
            SavedFilter("default", ("open",), ("FR",)),
            SavedFilter("pt-decided", ("approved", "rejected", "suspended"), ("PT",), sort="claim"),
        ),
    )
    app = GuaranteeApp(settings, clock=lambda: AT)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        # The default view is the config file's.
        assert queue_refs(app) == ["CL-ELIG-FR", "CL-MARKUP", "CL-REJ-FR"]
        await pilot.press("f", "f")  # "default", then "pt-decided"
        await settle(pilot)
        assert queue_refs(app) == ["CL-DONE-PT"]
        assert "saved filter: pt-decided" in visible_text(app)
        await pilot.press("x")
        await settle(pilot)
        assert queue_refs(app) == ["CL-ELIG-FR", "CL-MARKUP", "CL-REJ-FR"]
        # The palette lists them too.
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        assert screen.saved_filters == ("default", "pt-decided")
        titles = [str(command.title) for command in app.get_system_commands(screen)]
        assert "Saved filter: pt-decided" in titles


async def test_f_without_saved_filters_says_how_to_add_them(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await pilot.pause()
        assert any("[filters.NAME]" in n.message for n in app._notifications)


@pytest.mark.parametrize("lang", ["en", "fr", "pt"])
async def test_at_80_columns_every_row_shows_its_state_in_words(
    make_app: MakeApp, lang: str
) -> None:
    app = make_app(lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("t", "t")  # every claim, open and decided
        await settle(pilot)
        table = app.screen.query_one(LazyTable)
        shown = [c.key for c, _ in table._widths]
        assert {"claim", "pro", "status", "verdict", "company"} <= set(shown)
        text = visible_text(app)
        for row in text.splitlines():
            if "CL-" in row:
                assert "○" in row or "●" in row, row
        # A decided claim: its mark and its word, not only a dimmer colour.
        done = next(row for row in text.splitlines() if "CL-DONE-PT" in row)
        assert "●" in done
        assert {"fr": "rejetée", "pt": "rejeitado", "en": "rejected"}[lang] in done


@pytest.mark.parametrize("lang", ["fr", "pt"])
async def test_columns_fit_dates_and_sorted_titles(make_app: MakeApp, lang: str) -> None:
    app = make_app(lang=lang)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for _ in range(4):  # sorted by the submission date: its title has an arrow
            await pilot.press("o")
        await settle(pilot)
        text = visible_text(app)
        rows = [line for line in text.splitlines() if "CL-" in line]
        # Dates whole (not "17 sept. 20…"), the status and verdict words whole.
        assert rows and not any("20…" in row or "é…" in row for row in rows)
        header = next(line for line in text.splitlines() if "CL-" not in line and "▲" in line)
        assert {"fr": "Envoyée ▲", "pt": "Enviado ▲"}[lang] in header
        # The professional's ref tells companies of similar names apart.
        assert "E-FR-0001" in text


def contrast(one: Color, other: Color) -> float:
    def luminance(colour: Color) -> float:
        r, g, b = colour.get_truecolor()

        def channel(value: int) -> float:
            c = value / 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)

    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


async def test_row_colours_are_at_aa_contrast_on_every_row_background(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(LazyTable)
        base = table.rich_style
        backgrounds = [
            base.bgcolor,
            (base + table.get_component_rich_style("lazy-table--odd")).bgcolor,
        ]
        colours = [*queue_screen.VERDICT_COLOUR.values(), queue_screen.DECIDED_COLOUR]
        for background in backgrounds:
            assert background is not None
            for colour in colours:
                foreground = Style.parse(colour).color
                assert foreground is not None
                assert contrast(foreground, background) >= 4.5, (colour, background)


async def test_the_filter_box_is_one_row_and_folds_after_use(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        box = app.screen.query_one("#queue-filter", Input)
        await pilot.press("slash", *"dupont")
        await settle(pilot)
        assert box.has_class("shown") and box.size.height == 1
        await pilot.press("enter")
        await settle(pilot)
        assert not box.has_class("shown")
        assert box.styles.display == "none"
        # What it filters by stays said in the summary.
        assert "text: dupont" in visible_text(app)
        assert queue_refs(app) == ["CL-ELIG-FR"]


def test_a_search_that_a_newer_key_replaced_stops(
    ui_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from guarantee_tui.filters import QueueFilter, QueueSort
    from guarantee_tui.services import queue as service
    from guarantee_tui.store import queue as store

    # SQLite asks at every step whether the search is still wanted.
    monkeypatch.setattr(store, "CANCEL_CHECK_STEPS", 1)
    engine = make_engine(ui_db)
    f, sort = QueueFilter(text="renovation"), QueueSort()
    wanted = service.search(engine, f, sort, 0, 100, cancelled=lambda: False)
    assert wanted is not None and [r.claim_ref for r in wanted.rows] == ["CL-ELIG-FR"]
    with engine.connect() as conn, pytest.raises(store.SearchCancelled):
        store.search(conn, f, sort, 0, 100, cancelled=lambda: True)
    assert service.search(engine, f, sort, 0, 100, cancelled=lambda: True) is None
    # The connection goes back to the pool unwatched: the next search runs whole.
    again = service.search(engine, f, sort, 0, 100)
    assert again is not None and again.total == 1
    engine.dispose()


SNAPSHOT_KEYS = {
    # Every claim, sorted by submission: decided rows, marks, the arrow in a title.
    "all-sorted": ["t", "t", "o", "o", "o", "o"],
    # A decided claim's exact ref under the status filter "open": said, not hidden.
    "hidden-ref": ["slash", *"cl-done-pt", "escape"],
}


@pytest.mark.parametrize("view", list(SNAPSHOT_KEYS))
@pytest.mark.parametrize("lang", ["fr", "pt"])
@pytest.mark.parametrize(
    "size", [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
)
def test_queue_snapshots(
    snap_compare: object, make_app: MakeApp, view: str, lang: str, size: tuple[int, int]
) -> None:
    from tests.ui.test_snapshots import steps

    app = make_app(lang=lang)
    assert snap_compare(app, terminal_size=size, run_before=steps(SNAPSHOT_KEYS[view]))  # type: ignore[operator]
