"""A table that renders only the rows on screen and asks for the rest by page.

Textual's DataTable builds every row up front, which takes seconds past a
few thousand rows. This one is a Line API widget: it knows how many rows
there are, keeps the pages it was given, and when a line it must paint is
missing it posts `RowsNeeded` for that page. The screen loads the page in a
worker and hands it back with `set_rows`. Scrolling 100,000 rows costs the
same as scrolling 100.

Cells are plain strings or `rich.text.Text`: never read as markup, and every
control character in them shown as its picture (`text.visible`), whoever
built the row. A Text's own style is painted ("bold red", or a Style), not
its spans; on the cursor's row the cursor's colours win.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from guarantee_tui.i18n import N_
from guarantee_tui.text import visible

Cell = str | Text
# Drawn lines kept at most (a few screens' worth), then all forgotten.
LINES_KEPT = 512
# Screens of rows loaded ahead of the view, both ways, so that paging down
# (or up) at a reading pace never shows a placeholder; the last page too, for `G`.
PREFETCH_SCREENS = 2
# Pages kept at most; beyond, those farthest from the view are forgotten (and
# asked for again if the view comes back), never the first and the last
# (`g` and `G` show them at once). A page of the queue's rows, with their
# coloured cells, weighs about 0.3 MiB: 60 pages, the former bound, let a long
# scroll hold 18 MiB for the process's life. The view and its prefetch need
# 4 pages of 100 rows on a 40-line terminal, 7 on a 100-line one.
MAX_PAGES = 12


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    title: str  # already in the reader's language
    width: int | None = None  # None: takes the room that is left
    min_width: int = 6
    align: Literal["left", "right"] = "left"
    # Lower numbers are dropped first when the terminal is too narrow.
    priority: int = 10


@dataclass(frozen=True, slots=True)
class Row:
    key: str
    cells: tuple[Cell, ...]


class LazyTable(ScrollView, can_focus=True):
    """Rows `0..count-1`, painted from pages handed in by the owner."""

    DEFAULT_CSS = """
    LazyTable {
        height: 1fr;
        scrollbar-gutter: stable;
    }
    LazyTable > .lazy-table--header {
        text-style: bold;
        background: $panel;
        color: $text;
    }
    LazyTable > .lazy-table--cursor {
        background: $block-cursor-blurred-background;
        color: $block-cursor-blurred-foreground;
    }
    LazyTable:focus > .lazy-table--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: $block-cursor-text-style;
    }
    LazyTable > .lazy-table--placeholder {
        color: $text-muted;
    }
    LazyTable > .lazy-table--odd {
        background: $surface-lighten-1 30%;
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "lazy-table--header",
        "lazy-table--cursor",
        "lazy-table--placeholder",
        "lazy-table--odd",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        # The ids of the screens' moves (ui/base.py): one keymap entry rebinds both.
        Binding("up,k", "cursor(-1)", N_("Up"), show=False, id="up"),
        Binding("down,j", "cursor(1)", N_("Down"), show=False, id="down"),
        Binding("pageup", "page(-1)", N_("Page up"), show=False, id="table.page_up"),
        Binding("pagedown", "page(1)", N_("Page down"), show=False, id="table.page_down"),
        Binding("home,g", "first", N_("First"), show=False, id="first"),
        Binding("end,G", "last", N_("Last"), show=False, id="last"),
        Binding("enter", "select", N_("Open"), show=False, id="table.open"),
    ]

    cursor_row: reactive[int] = reactive(0, always_update=True)

    class RowsNeeded(Message):
        """Rows `start..end` are on screen but not loaded."""

        def __init__(self, table: LazyTable, generation: int, start: int, end: int) -> None:
            super().__init__()
            self.table = table
            self.generation = generation
            self.start = start
            self.end = end

    class Highlighted(Message):
        def __init__(self, table: LazyTable, index: int, row: Row | None) -> None:
            super().__init__()
            self.table = table
            self.index = index
            self.row = row

    class Selected(Message):
        def __init__(self, table: LazyTable, index: int, row: Row) -> None:
            super().__init__()
            self.table = table
            self.index = index
            self.row = row

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        page_size: int = 100,
        max_pages: int = MAX_PAGES,
        placeholder: str = "…",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._columns: tuple[Column, ...] = tuple(columns)
        self.page_size = page_size
        self._max_pages = max_pages
        self._pages: OrderedDict[int, list[Row]] = OrderedDict()
        # Pages from before a refresh, shown until their fresh copies arrive.
        self._stale: dict[int, list[Row]] = {}
        self._select_pending = False
        self._requested: set[int] = set()
        self._count = 0
        self.generation = 0
        self._placeholder = placeholder
        self._sort: tuple[str, bool] | None = None
        self._widths: list[tuple[Column, int]] = []
        self._laid_out_for = -1
        self._lines: dict[tuple[int, bool, int, int, int], Strip] = {}
        self._base_style: Style | None = None

    # --- feeding the table ------------------------------------------------

    @property
    def row_count(self) -> int:
        return self._count

    @property
    def columns(self) -> tuple[Column, ...]:
        return self._columns

    def set_columns(self, columns: Sequence[Column]) -> None:
        """New column titles (e.g. another language); keeps the rows."""
        self._columns = tuple(columns)
        self._layout()
        self._forget_lines()
        self.refresh()

    def reset(self, count: int, *, keep_rows: bool = False) -> int:
        """Starts over with `count` rows and no pages; returns the new generation.

        With `keep_rows` (a refresh of the same list) the old rows stay on
        screen until their fresh pages arrive, so the table does not blink and
        a key pressed meanwhile acts on the row the user sees."""
        self.generation += 1
        self._forget_lines()
        self._stale = dict(self._pages) if keep_rows else {}
        if not keep_rows:
            self._select_pending = False
        self._pages.clear()
        self._requested.clear()
        self._count = count
        self.virtual_size = Size(self._total_width(), count + 1)
        self.cursor_row = min(self.cursor_row, max(count - 1, 0))
        if not keep_rows:
            self.scroll_to(y=0, animate=False)
        self.refresh()
        return self.generation

    def set_rows(self, generation: int, start: int, rows: Sequence[Row]) -> None:
        """A page the owner loaded; ignored if the table was reset since it asked."""
        if generation != self.generation:
            return
        page = start // self.page_size
        self._requested.discard(page)
        self._pages[page] = list(rows)
        self._pages.move_to_end(page)
        self._stale.pop(page, None)
        self._trim_pages()
        self._forget_lines()
        self.refresh()
        if self.cursor_row // self.page_size == page:
            self._post_highlight()
            if self._select_pending:
                # Enter was pressed before the row had loaded: honour it now.
                self.action_select()

    def _trim_pages(self) -> None:
        """Forgets the pages farthest from the view beyond `max_pages` (the first
        and the last, kept for `g` and `G`, count as near): never one on screen
        or prefetched."""
        if len(self._pages) <= self._max_pages:
            return
        here = (round(self.scroll_offset.y) + self._body_height // 2) // self.page_size
        ends = (0, max(self._count - 1, 0) // self.page_size)
        by_distance = sorted(
            self._pages, key=lambda page: 0 if page in ends else abs(page - here), reverse=True
        )
        for page in by_distance[: len(self._pages) - self._max_pages]:
            del self._pages[page]

    @property
    def pages_kept(self) -> int:
        """How many pages of rows the table holds (tests, the benchmark)."""
        return len(self._pages)

    def set_sort(self, column_key: str | None, descending: bool = False) -> None:
        self._sort = None if column_key is None else (column_key, descending)
        self._forget_lines()
        self.refresh()

    def row_at(self, index: int) -> Row | None:
        page_no = index // self.page_size
        page = self._pages.get(page_no) or self._stale.get(page_no)
        if page is None:
            return None
        offset = index % self.page_size
        return page[offset] if offset < len(page) else None

    @property
    def cursor(self) -> Row | None:
        return self.row_at(self.cursor_row)

    # --- geometry ---------------------------------------------------------

    def _layout(self) -> None:
        self._laid_out_for = self.scrollable_content_region.width
        available = max(self._laid_out_for, 20)
        columns = sorted(self._columns, key=lambda c: c.priority, reverse=True)
        kept: list[Column] = []
        used = 0
        for column in columns:
            need = (column.width or column.min_width) + 1
            if used + need <= available or not kept:
                kept.append(column)
                used += need
        order = [c for c in self._columns if c in kept]
        spare = max(available - used, 0)
        flexible = [c for c in order if c.width is None]
        widths: list[tuple[Column, int]] = []
        for column in order:
            if column.width is not None:
                widths.append((column, column.width))
            else:
                share = spare // len(flexible) if flexible else 0
                widths.append((column, column.min_width + share))
        self._widths = widths
        self._forget_lines()
        self.virtual_size = Size(self._total_width(), self._count + 1)

    def _total_width(self) -> int:
        return sum(w + 1 for _, w in self._widths)

    def on_resize(self, event: events.Resize) -> None:
        self._layout()
        self._keep_cursor_visible()

    @property
    def _body_height(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)

    @property
    def rows_in_view(self) -> range:
        """The indexes of the rows on screen now (none before the first layout)."""
        if not self.scrollable_content_region.height:
            return range(0)
        top = round(self.scroll_offset.y)
        return range(top, min(top + self._body_height, self._count))

    # --- painting ---------------------------------------------------------

    def _cell_strip(
        self, cells: Sequence[Cell], style: Style, *, colours: bool = True
    ) -> list[Segment]:
        segments: list[Segment] = []
        for (column, width), cell in zip(self._widths, self._cells_for(cells), strict=False):
            text = cell if isinstance(cell, Text) else Text(cell)
            plain = visible(text.plain.replace("\n", " "))
            if cell_len(plain) > width:
                plain = set_cell_size(plain, max(width - 1, 0)) + "…"
            padded = (
                set_cell_size(plain, width)
                if column.align == "left"
                else (" " * max(width - cell_len(plain), 0) + plain)
            )
            # A cell's own style, given as a Style or as a string ("bold red").
            own = text.style if isinstance(text.style, Style) else Style.parse(text.style)
            if not colours:
                # On the cursor's row the cursor's colours win, and its text is not
                # dimmed: the cursor's blue under the app's red measured 3.2:1, under
                # dimmed text 3.4:1, where the cursor's own pair gives 5.8:1. What a
                # colour says is also said by a mark or a word (✔ ✘, "profile
                # suspended"), which stays; bold and the like stay too.
                own = own.without_color + Style(dim=False)
            cell_style = style + own
            segments.append(Segment(padded, cell_style))
            segments.append(Segment(" ", style))
        return segments

    def _cells_for(self, cells: Sequence[Cell]) -> list[Cell]:
        index = {c.key: i for i, c in enumerate(self._columns)}
        return [cells[index[c.key]] if index[c.key] < len(cells) else "" for c, _ in self._widths]

    def _header_cells(self) -> list[Cell]:
        titles: list[Cell] = []
        for column in self._columns:
            title = column.title
            if self._sort is not None and self._sort[0] == column.key:
                title = f"{title} {'▼' if self._sort[1] else '▲'}"
            titles.append(title)
        return titles

    # --- the lines drawn, kept until something they show changes ----------
    # Textual asks for every visible line at each repaint (a focus, a resize,
    # a highlight); a line is built once and drawn again from here.

    def _forget_lines(self) -> None:
        self._lines.clear()
        self._base_style = None

    def _base(self) -> Style:
        if self._base_style is None:
            self._base_style = self.rich_style
        return self._base_style

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._forget_lines()

    def on_focus(self) -> None:
        self._forget_lines()

    def on_blur(self) -> None:
        self._forget_lines()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        # Columns laid out for another width (set before the first layout, say)
        # would paint a misaligned header in the first frame.
        if not self._widths or width != self._laid_out_for:
            self._layout()
        row: Row | None = None
        index = -1  # the header
        if y == 0:
            key: tuple[int, bool, int, int, int] = (index, False, 0, scroll_x, width)
        else:
            index = scroll_y + y - 1
            if index >= self._count:
                return Strip.blank(width, self._base())
            row = self.row_at(index)
            self._want(index)
            if y == 1:
                self._prefetch(index)
            # Rows are replaced, never changed, and replacing them forgets the lines.
            key = (index, index == self.cursor_row, id(row), scroll_x, width)
        found = self._lines.get(key)
        if found is None:
            found = self._build_line(y, index, row, scroll_x, width)
            if len(self._lines) >= LINES_KEPT:
                self._lines.clear()
            self._lines[key] = found
        return found

    def _build_line(self, y: int, index: int, row: Row | None, scroll_x: int, width: int) -> Strip:
        base = self._base()
        if y == 0:
            style = base + self.get_component_rich_style("lazy-table--header")
            segments = self._cell_strip(self._header_cells(), style)
        else:
            if index == self.cursor_row:
                style = base + self.get_component_rich_style("lazy-table--cursor")
            elif index % 2:
                style = base + self.get_component_rich_style("lazy-table--odd")
            else:
                style = base
            if row is None:
                style = style + self.get_component_rich_style("lazy-table--placeholder")
                segments = self._cell_strip([self._placeholder] * len(self._columns), style)
            else:
                # Every table's cursor row in the cursor's colours, as Textual's
                # DataTable draws it (the contacts, the review sample).
                segments = self._cell_strip(row.cells, style, colours=index != self.cursor_row)
        return Strip(segments).crop_extend(scroll_x, scroll_x + width, base)

    def _prefetch(self, top: int) -> None:
        """Asks for the pages around the view before they are on screen."""
        ahead = self._body_height * PREFETCH_SCREENS
        for index in (top - ahead, top + self._body_height + ahead, self._count - 1):
            if 0 <= index < self._count:
                self._want(index)

    def _want(self, index: int) -> None:
        page = index // self.page_size
        if page in self._requested or page in self._pages:
            return
        self._requested.add(page)
        start = page * self.page_size
        end = min(start + self.page_size, self._count)
        # Posted after this paint: the owner loads it in a worker.
        self.post_message(self.RowsNeeded(self, self.generation, start, end))

    def forget_request(self, generation: int, start: int) -> None:
        """A load failed: allow the page to be asked for again."""
        if generation == self.generation:
            self._requested.discard(start // self.page_size)

    # --- cursor -----------------------------------------------------------

    def watch_cursor_row(self, old: int, new: int) -> None:
        if old != new:
            self._select_pending = False
        self._keep_cursor_visible()
        self.refresh()
        self._post_highlight()

    def _post_highlight(self) -> None:
        self.post_message(self.Highlighted(self, self.cursor_row, self.cursor))

    def _keep_cursor_visible(self) -> None:
        top = round(self.scroll_offset.y)
        height = self._body_height
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False)
        elif self.cursor_row >= top + height:
            self.scroll_to(y=self.cursor_row - height + 1, animate=False)

    def _move_to(self, index: int) -> None:
        if self._count:
            self.cursor_row = max(0, min(index, self._count - 1))

    def action_cursor(self, delta: int) -> None:
        self._move_to(self.cursor_row + delta)

    def action_page(self, direction: int) -> None:
        self._move_to(self.cursor_row + direction * self._body_height)

    def action_first(self) -> None:
        self._move_to(0)

    def action_last(self) -> None:
        self._move_to(self._count - 1)

    def action_select(self) -> None:
        row = self.cursor
        self._select_pending = row is None and self._count > 0
        if row is not None:
            self.post_message(self.Selected(self, self.cursor_row, row))

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            return
        index = round(self.scroll_offset.y) + event.y - 1
        if 0 <= index < self._count:
            self.cursor_row = index
            if event.chain == 2:
                self.action_select()
