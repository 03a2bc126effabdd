"""Every state readable at WCAG AA contrast (4.5:1 for text) and never told by
colour alone: measured on what the app paints (tests/ui/contrast.py), state by
state, in French and Portuguese, small and large."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Button, DataTable, RadioSet, SelectionList

from guarantee_tui.config import Settings
from guarantee_tui.ui.app import GuaranteeApp
from guarantee_tui.ui.base import AppScreen
from guarantee_tui.ui.screens.call_note import CallNoteScreen
from guarantee_tui.ui.screens.claim import ClaimScreen, open_claim
from guarantee_tui.ui.screens.contacts import ContactsScreen
from guarantee_tui.ui.screens.decision import DecisionScreen
from guarantee_tui.ui.screens.help import HelpScreen
from guarantee_tui.ui.screens.log import LogScreen
from guarantee_tui.ui.screens.phone import PhoneScreen
from guarantee_tui.ui.theme import ANSI_DARK, THEME
from guarantee_tui.ui.widgets.lazy_table import LazyTable
from tests.builders import AT
from tests.ui.conftest import settle, until
from tests.ui.contrast import AA, Cell, is_text, painted, ratio, within
from tests.ui.log_data import marks_then_decision

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


def marks(cells: list[Cell], widget: Widget) -> list[Cell]:
    """The marks inside `widget`'s boxes ("▐X▌", "▐●▌"): the cell between the halves."""
    at = {(c.x, c.y): c for c in within(cells, widget.region)}
    return [
        c
        for (x, y), c in sorted(at.items(), key=lambda kv: (kv[0][1], kv[0][0]))
        if (left := at.get((x - 1, y))) is not None
        and left.char == "▐"
        and (right := at.get((x + 1, y))) is not None
        and right.char == "▌"
    ]


def in_dialog(app: GuaranteeApp, cells: list[Cell]) -> list[Cell]:
    """The cells a dialog paints itself: the screen it is about stays in view
    behind it, dimmed and inactive (WCAG exempts inactive content), and is
    measured on its own screen."""
    shown = [w.region for w in app.screen.children if w.display]
    inside = [c for c in cells if any(r.contains(c.x, c.y) for r in shown)]
    assert 0 < len(inside) < len(cells), "a dialog over its screen"
    return inside


def unreadable(cells: list[Cell], empty: list[Cell]) -> list[str]:
    """Text under AA, less the marks drawn empty on purpose."""
    hidden = {(c.x, c.y) for c in empty}
    return [
        f"{c.char!r} at {c.x},{c.y}: {c.contrast:.2f}:1 ({c.fg} on {c.bg})"
        for c in cells
        if is_text(c.char) and (c.x, c.y) not in hidden and c.contrast < AA
    ]


def boxes(app: GuaranteeApp, widget: Widget, ticked: int) -> list[Cell]:
    """Checks `widget`'s boxes: `ticked` show their mark at AA, the rest are
    empty (the mark drawn in the box's own colour); returns the empty ones."""
    cells = painted(app)
    found = marks(cells, widget)
    assert found, "the boxes are found"
    shown = [c for c in found if c.contrast >= AA]
    empty = [c for c in found if c.contrast < AA]
    assert len(shown) == ticked, "a ticked box shows its mark"
    assert all(ratio(c.fg, c.bg) == 1 for c in empty), "an unticked box is empty"
    return empty


async def open_at(pilot: Pilot[None], ref: str) -> ClaimScreen:
    app = pilot.app
    screen = app.screen
    assert isinstance(screen, AppScreen)
    open_claim(screen, ref)
    await until(pilot, lambda: isinstance(app.screen, ClaimScreen), ref)
    await settle(pilot)
    opened = app.screen
    assert isinstance(opened, ClaimScreen)
    return opened


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", ["fr", "pt"])
@pytest.mark.usefixtures("no_debounce")  # the desk searches at once
async def test_every_state_is_readable_and_not_by_colour_alone(
    make_app: Callable[..., GuaranteeApp], lang: str, size: tuple[int, int]
) -> None:
    app = make_app(lang)
    seen: dict[str, list[str]] = {}
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        # The queue, its cursor on a row (selected against not): bold as well
        # as coloured, whether the table has the focus or not.
        cells = painted(app)
        seen["queue"] = unreadable(cells, [])
        table = app.screen.query_one(LazyTable)
        for focused in (True, False):
            if not focused:
                app.screen.set_focus(None)
                await settle(pilot)
                cells = painted(app)
            rows = within(cells, table.region)
            cursor_y = table.region.y + 1 + table.cursor_row - int(table.scroll_offset.y)
            text = [c for c in rows if is_text(c.char) and c.y > table.region.y]
            assert all(c.bold for c in text if c.y == cursor_y)
            # Other rows may make a word bold (an open claim's status), never the row.
            others = {c.y for c in text if c.y != cursor_y}
            assert others
            assert not any(all(c.bold for c in text if c.y == y) for y in others)
        await open_at(pilot, "CL-REJ-FR")
        seen["claim"] = unreadable(painted(app), [])

        # Approving a claim that fails a condition: the warning, the disabled button.
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, DecisionScreen), "approve")
        await settle(pilot)
        confirm = app.screen.query_one("#decision-confirm", Button)
        cancel = app.screen.query_one("#decision-cancel", Button)
        assert confirm.disabled and not cancel.disabled
        cells = painted(app)
        seen["approve"] = unreadable(in_dialog(app, cells), [])
        # Disabled by its border's shape too, not by its colour only.
        top = {c.char for c in within(cells, confirm.region) if c.y == confirm.region.y}
        enabled_top = {c.char for c in within(cells, cancel.region) if c.y == cancel.region.y}
        assert top.isdisjoint(enabled_top - {" "})
        await pilot.press("escape")
        await settle(pilot)

        # Rejecting: the failed condition's box ticked, the others empty.
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, DecisionScreen), "reject")
        await settle(pilot)
        codes = app.screen.query_one("#decision-codes", SelectionList)
        assert len(codes.selected) == 1
        seen["reject"] = unreadable(in_dialog(app, painted(app)), boxes(app, codes, 1))
        codes.deselect_all()  # as space on the box would
        await settle(pilot)
        seen["reject, unticked"] = unreadable(in_dialog(app, painted(app)), boxes(app, codes, 0))
        await pilot.press("escape")
        await settle(pilot)

        # The phone desk and its call note: one outcome chosen, the others empty.
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, PhoneScreen), "the desk")
        await pilot.press(*"01 84 88 82 46")
        await until(pilot, lambda: app.screen.card is not None, "a card")  # type: ignore[attr-defined]
        await settle(pilot)
        seen["phone"] = unreadable(painted(app), [])
        await pilot.press("down", "n")
        await until(pilot, lambda: isinstance(app.screen, CallNoteScreen), "the note")
        await settle(pilot)
        outcome = app.screen.query_one(RadioSet)
        empty = boxes(app, outcome, 1)
        seen["call note"] = unreadable(in_dialog(app, painted(app)), empty)
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help")
        await settle(pilot)
        seen["help"] = unreadable(painted(app), [])
    assert seen == {k: [] for k in seen}


@pytest.mark.parametrize("size", SIZES)
async def test_the_header_closed_and_open_is_readable(ui_db: str, size: tuple[int, int]) -> None:
    friday = datetime(2026, 6, 5, 17, 20, tzinfo=UTC)  # FR closed, then both closed
    for when in (AT, friday):

        def clock(at: datetime = when) -> datetime:
            return at

        app = GuaranteeApp(Settings(db=ui_db, lang="fr", agent="Ana"), clock=clock)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            # The colours in effect are the app's (ui/theme.py), not Textual's.
            assert app.theme == THEME.name and app.ansi_theme_dark is ANSI_DARK
            header = [c for c in painted(app) if c.y == 0]
            assert unreadable(header, []) == []


def table_rows(app: GuaranteeApp, table: LazyTable | DataTable[object]) -> dict[int, list[Cell]]:
    """The text cells of `table`'s rows on screen, as painted, by row index."""
    top = table.region.y + 1 - int(table.scroll_offset.y)  # under the header
    rows: dict[int, list[Cell]] = {}
    for c in within(painted(app), table.region):
        if c.y > table.region.y and is_text(c.char):
            rows.setdefault(c.y - top, []).append(c)
    return rows


def coloured(row: list[Cell]) -> list[Cell]:
    """The cells of a row painted in a colour of their own: not the row's own
    text colour (its most common)."""
    if not row:
        return []
    common = Counter(c.fg for c in row).most_common(1)[0][0]
    return [c for c in row if c.fg != common]


async def walk(pilot: Pilot[None], table: LazyTable | DataTable[object]) -> tuple[list[str], int]:
    """Moves the cursor down every row, the table focused, then once more not
    focused, measuring the whole table each time: what it painted under AA,
    and how many cells of a colour of their own the cursor went over (as
    painted off the cursor, the row before it came)."""
    app = pilot.app
    assert isinstance(app, GuaranteeApp)
    table.focus()
    await settle(pilot)
    low: list[str] = []
    went_over = 0
    for i in range(table.row_count):
        if i:
            await pilot.press("down")
            await settle(pilot)
        assert table.cursor_row == i
        rows = table_rows(app, table)
        assert rows.get(i), "the cursor's row is painted"
        low += unreadable([c for row in rows.values() for c in row], [])
        went_over += len(coloured(rows.get(i + 1, [])))
    app.screen.set_focus(None)
    await settle(pilot)
    low += unreadable([c for row in table_rows(app, table).values() for c in row], [])
    return low, went_over


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", ["fr", "pt"])
async def test_coloured_text_under_each_tables_cursor_is_readable(
    make_app: Callable[..., GuaranteeApp], ui_db: str, lang: str, size: tuple[int, int]
) -> None:
    """Each table's rows coloured by state (red "no" or "never", a suspended
    profile; green, yellow, dimmed text), measured with the cursor on each row,
    focused and not: the row under the cursor at AA as well as the others.
    The cursor's blue under the theme's red measured 3.2:1, under dimmed text
    3.4:1 (ui/widgets/lazy_table.py)."""
    # CL-PEND-PT's 20 explanations marked, then the claim suspended: the log has
    # rows, the phone desk a suspended profile (red, and said in words).
    marks_then_decision(ui_db)
    app = make_app(lang)
    seen: dict[str, list[str]] = {}
    colours: dict[str, int] = {}
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        queue = app.screen.query_one(LazyTable)
        seen["queue"], colours["queue"] = await walk(pilot, queue)
        screen = await open_at(pilot, "CL-PEND-PT")
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, ContactsScreen), "the contacts")
        await settle(pilot)
        contacts = app.screen.query_one(DataTable)
        seen["contacts"], colours["contacts"] = await walk(pilot, contacts)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen, "the claim")
        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, LogScreen), "the log")
        await settle(pilot)
        log = app.screen.query_one(LazyTable)
        seen["log"], colours["log"] = await walk(pilot, log)
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, PhoneScreen), "the desk")
        # Martin & Fils Plomberie SARL, then Construções Silva, suspended above.
        await pilot.press("s")
        await until(pilot, lambda: app.screen.query_one(LazyTable).row_count == 2, "two results")
        await settle(pilot)
        phone = app.screen.query_one(LazyTable)
        seen["phone"], colours["phone"] = await walk(pilot, phone)
    assert all(colours.values()), colours  # the cursor went over coloured text
    assert seen == {k: [] for k in seen}
