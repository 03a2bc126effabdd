"""The lazy table's memory: a long scroll keeps a bounded number of pages,
never the ones on screen or loaded ahead of it."""

from __future__ import annotations

from guarantee_tui.ui.widgets.lazy_table import MAX_PAGES
from tests.ui.test_lazy_table import Owner, rows


async def test_a_long_scroll_keeps_at_most_max_pages_and_those_around_the_view() -> None:
    app = Owner()
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.table
        generation = table.reset(10_000)
        await pilot.pause()

        def load_asked() -> None:
            for g, start, _end in app.needed:
                if g == generation:
                    table.set_rows(generation, start, rows(start, start + 10))
            app.needed.clear()

        # Down through 80 screens of 10 rows (a page each), pages handed in as asked for.
        for _ in range(80):
            load_asked()
            await pilot.press("pagedown")
            await pilot.pause()
            assert table.pages_kept <= MAX_PAGES
        load_asked()
        await pilot.pause()
        assert table.pages_kept <= MAX_PAGES
        assert table.cursor_row > 700
        # What shows, what was loaded ahead both ways, and the first and last
        # pages, for g and G.
        top = round(table.scroll_offset.y)
        for index in (top, top + 9, top - 20, top + 30, 0, 9_999):
            assert table.row_at(index) is not None, index
        # Pages far behind are forgotten.
        assert table.row_at(100) is None
