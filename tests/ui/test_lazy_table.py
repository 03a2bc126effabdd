"""The lazy table on its own: rows arrive when its owner loads them, keys are never lost."""

from __future__ import annotations

from textual import on
from textual.app import App, ComposeResult
from textual.screen import Screen

from guarantee_tui.ui.widgets.lazy_table import Column, LazyTable, Row


def rows(start: int, end: int, tag: str = "") -> list[Row]:
    return [Row(key=f"R{i}{tag}", cells=(f"row {i}{tag}",)) for i in range(start, end)]


class OwnerScreen(Screen[None]):
    """Loads nothing by itself: the test decides when pages arrive. (A screen, as
    in the app: messages posted while painting stop there.)"""

    def __init__(self) -> None:
        super().__init__()
        self.needed: list[tuple[int, int, int]] = []
        self.selected: list[str] = []

    def compose(self) -> ComposeResult:
        yield LazyTable([Column("name", "Name", min_width=10)], page_size=10)

    @on(LazyTable.RowsNeeded)
    def _needed(self, event: LazyTable.RowsNeeded) -> None:
        self.needed.append((event.generation, event.start, event.end))

    @on(LazyTable.Selected)
    def _selected(self, event: LazyTable.Selected) -> None:
        self.selected.append(event.row.key)


class Owner(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.owner = OwnerScreen()

    def on_mount(self) -> None:
        self.push_screen(self.owner)

    @property
    def table(self) -> LazyTable:
        return self.owner.query_one(LazyTable)

    @property
    def needed(self) -> list[tuple[int, int, int]]:
        return self.owner.needed

    @property
    def selected(self) -> list[str]:
        return self.owner.selected


async def test_enter_before_the_row_has_loaded_opens_it_when_it_arrives() -> None:
    app = Owner()
    async with app.run_test(size=(40, 12)) as pilot:
        generation = app.table.reset(30)
        await pilot.pause()
        await pilot.press("j", "j", "enter")
        await pilot.pause()
        assert app.selected == []  # nothing to open yet
        app.table.set_rows(generation, 0, rows(0, 10))
        await pilot.pause()
        assert app.selected == ["R2"]
        # Honoured once, not again when another page arrives.
        app.table.set_rows(generation, 0, rows(0, 10))
        await pilot.pause()
        assert app.selected == ["R2"]


async def test_moving_away_cancels_a_pending_enter() -> None:
    app = Owner()
    async with app.run_test(size=(40, 12)) as pilot:
        generation = app.table.reset(30)
        await pilot.pause()
        await pilot.press("enter", "j")
        app.table.set_rows(generation, 0, rows(0, 10))
        await pilot.pause()
        assert app.selected == []


async def test_a_refresh_keeps_the_old_rows_on_screen_until_fresh_ones_arrive() -> None:
    app = Owner()
    async with app.run_test(size=(40, 12)) as pilot:
        first = app.table.reset(30)
        app.table.set_rows(first, 0, rows(0, 10))
        await pilot.press("j", "j", "j")
        await pilot.pause()
        app.needed.clear()

        second = app.table.reset(30, keep_rows=True)
        await pilot.pause()
        assert app.table.cursor_row == 3
        assert app.table.row_at(3) == rows(3, 4)[0]  # still shown, not "…"
        assert (second, 0, 10) in app.needed  # and asked for afresh
        await pilot.press("enter")
        await pilot.pause()
        assert app.selected == ["R3"]  # the row the user saw

        app.table.set_rows(second, 0, rows(0, 10, "'"))
        await pilot.pause()
        assert app.table.row_at(3) == rows(3, 4, "'")[0]


async def test_a_new_list_drops_the_old_rows() -> None:
    app = Owner()
    async with app.run_test(size=(40, 12)) as pilot:
        first = app.table.reset(30)
        app.table.set_rows(first, 0, rows(0, 10))
        app.table.reset(5)
        await pilot.pause()
        assert app.table.row_at(0) is None


def line_text(table: LazyTable, y: int) -> str:
    return "".join(segment.text for segment in table.render_line(y)).rstrip()


async def test_lines_are_drawn_again_only_when_what_they_show_changes() -> None:
    app = Owner()
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.table
        generation = table.reset(30)
        table.set_rows(generation, 0, rows(0, 10))
        await pilot.pause()
        built: list[int] = []
        build = table._build_line

        def counting(y: int, *args: object) -> object:
            built.append(y)
            return build(y, *args)  # type: ignore[arg-type]

        table._build_line = counting  # type: ignore[method-assign,assignment]
        drawn = [table.render_line(y) for y in range(6)]
        assert [table.render_line(y) for y in range(6)] == drawn
        assert built == [], "unchanged lines are not built again"
        # The cursor moves: the repaint builds its old and new lines, no others.
        await pilot.press("j")
        await pilot.pause()
        assert set(built) == {1, 2}
        # New rows: every line shows them.
        table.set_rows(generation, 0, rows(0, 10, "*"))
        assert line_text(table, 1).startswith("row 0*")
        # New column titles, and another theme: drawn again too.
        table.set_columns([Column("name", "Nom", min_width=10)])
        assert line_text(table, 0).startswith("Nom")
        before = table.render_line(1)
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await pilot.pause()
        assert table.render_line(1) is not before


async def test_the_pages_around_the_view_and_the_last_are_asked_for_ahead() -> None:
    app = Owner()
    async with app.run_test(size=(40, 12)) as pilot:
        generation = app.table.reset(1000)
        await pilot.pause()
        asked = {start for g, start, _ in app.needed if g == generation}
        # The first page, the next ones two screens down, and the last (for G).
        assert {0, 10, 990} <= asked
        for start in sorted(asked):
            app.table.set_rows(generation, start, rows(start, start + 10))
        await pilot.pause()
        before = len(app.needed)
        await pilot.press("end")
        await pilot.pause()
        # Already there: G shows rows at once, nothing asked for the end.
        assert app.table.row_at(999) is not None
        assert all(start != 990 for _, start, _ in app.needed[before:])
