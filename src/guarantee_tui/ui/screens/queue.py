"""The claim queue: the first screen, where an agent picks the next claim.

Only the count and the visible pages are loaded, in workers; the table paints
placeholders until a page arrives. Filters and sorting run in SQL over the
stored verdicts.

Each claim shows who works it and since when (services/leases.py); `n`
takes the next free claim of the agent's markets and opens it, `h` shows
only the agent's own claims, then only those nobody holds. Other agents'
acts reload the list as they happen (ui/app.py).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.timer import Timer
from textual.widgets import Input, Static

from guarantee_tui.filters import SORT_COLUMNS, QueueFilter, QueueRow, QueueSort
from guarantee_tui.i18n import N_
from guarantee_tui.policy.calendar import to_local
from guarantee_tui.policy.markets import rules_for
from guarantee_tui.policy.window import in_window
from guarantee_tui.presentation import (
    action_label,
    claim_status_label,
    verdict_label,
    verdict_style,
)
from guarantee_tui.text import visible
from guarantee_tui.ui.base import AppScreen, since
from guarantee_tui.ui.widgets.footer import AppFooter
from guarantee_tui.ui.widgets.lazy_table import Column, LazyTable, Row
from guarantee_tui.ui.widgets.top_bar import TopBar

if TYPE_CHECKING:
    from guarantee_tui.services.events import Change
    from guarantee_tui.services.first_page import FirstPage
    from guarantee_tui.services.leases import Holding

STATUS_CYCLE: tuple[frozenset[str], ...] = (
    frozenset(),
    frozenset({"open"}),
    frozenset({"approved", "rejected", "suspended"}),
)
MARKET_CYCLE: tuple[frozenset[str], ...] = (frozenset(), frozenset({"FR"}), frozenset({"PT"}))
VERDICT_CYCLE: tuple[frozenset[str], ...] = (
    frozenset(),
    frozenset({"eligible"}),
    frozenset({"pending"}),
    frozenset({"not_eligible"}),
)
# Who holds the claims shown: everyone's, the agent's own, nobody's.
HELD_CYCLE: tuple[str, ...] = ("all", "mine", "unheld")
# From this width the holder's name and since when; below, their initials.
HOLDER_WIDE = 100
HOLDER_MAX = 24
# Rows the table asks for at a time.
PAGE_SIZE = 100
SORT_CYCLE: tuple[str | None, ...] = (None, *SORT_COLUMNS)
# Reload the queue this long after the last key typed in the filter.
FILTER_DELAY = 0.15
# Refreshing stale verdicts: claims per step, pauses (s), reloads of the list.
STALE_STEP = 100
STALE_FIRST = 2.0
STALE_PAUSE = 0.3
STALE_IDLE = 60.0
STALE_RELOAD_EVERY = 20


def _queue() -> Any:
    # Imported in the worker thread that needs it: the database layer is not
    # loaded on the event loop, so the screen paints before it is ready.
    from guarantee_tui.services import queue

    return queue


class QueueScreen(AppScreen):
    DEFAULT_CSS = """
    QueueScreen #queue-filter { display: none; height: 3; margin: 0 1; }
    QueueScreen #queue-filter.shown { display: block; }
    QueueScreen #queue-summary { height: auto; max-height: 2; padding: 0 1; color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        # First in the footer: what an agent working the queue does most.
        Binding("n", "take_next", N_("Take next"), id="queue.next"),
        Binding("slash", "filter", N_("Filter"), id="queue.filter"),
        Binding("t", "cycle_status", N_("Status"), id="queue.status"),
        Binding("m", "cycle_market", N_("Market"), id="queue.market"),
        Binding("v", "cycle_verdict", N_("Verdict"), id="queue.verdict"),
        Binding("o", "cycle_sort", N_("Sort"), id="queue.sort"),
        Binding("O", "reverse_sort", N_("Reverse"), id="queue.reverse", show=False),
        Binding("h", "cycle_held", N_("Held by"), id="queue.held", show=False),
        Binding("x", "clear_filters", N_("Clear"), id="queue.clear"),
        Binding("enter", "open_claim", N_("Open"), id="queue.open", show=False),
        Binding("i", "intake", N_("Intake"), id="queue.intake", show=False),
        # The shared "back": on the first screen, back from the filter box to the list.
        Binding("escape", "back", N_("Back to list"), id="back", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filter = QueueFilter(statuses=STATUS_CYCLE[1])
        self.sort = QueueSort()
        self._filter_timer: Timer | None = None
        self._total: int | None = None
        self._opening_page: FirstPage | None = None
        # The language the table's rows were written in.
        self._rows_language: str | None = None
        # The holder column's width: as wide as the longest holder seen.
        self._holder_width = 0
        # The market filter is the agent's own until they choose one.
        self._markets_chosen = False
        self._wide_columns: bool | None = None

    # --- layout -----------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TopBar()
        yield Input(id="queue-filter")
        yield Static(id="queue-summary")
        yield LazyTable(self._columns(), page_size=PAGE_SIZE, id="queue-table")
        yield AppFooter()

    def _columns(self) -> list[Column]:
        tr = self.tr
        return [
            Column("claim", tr("Claim"), width=11, priority=100),
            # 11 wide at least: at 80 columns the holder's initials fit beside it.
            Column("company", tr("Company"), width=None, min_width=11, priority=90),
            Column("market", tr("Mkt"), width=4, priority=70),
            Column("submitted", tr("Submitted"), width=12, priority=60),
            Column("age", tr("Days"), width=5, align="right", priority=35),
            Column("status", tr("Status"), width=9, priority=20),
            Column("verdict", tr("Verdict"), width=12, priority=80),
            Column("action", tr("Action"), width=9, priority=50),
            Column("refund", tr("Refund"), width=9, align="right", priority=40),
            self._holder_column(),
        ]

    def _names_fit(self) -> bool:
        return self.app.size.width >= HOLDER_WIDE

    def _holder_column(self) -> Column:
        if not self._names_fit():
            # Initials, under an at sign: the column 80 columns have room for.
            return Column("holder", "@", width=2, priority=85)
        title = self.tr("Held by")
        width = min(max(cell_len(title), self._holder_width), HOLDER_MAX)
        return Column("holder", title, width=width, priority=85)

    @property
    def table(self) -> LazyTable:
        return self.query_one("#queue-table", LazyTable)

    def preload(self, page: FirstPage) -> None:
        """The opening page, read before the screen was pushed: shown from the
        first paint (the database's own load follows, as on every resume)."""
        self._opening_page = page

    def on_mount(self) -> None:
        # The first load comes with ScreenResume, which follows every push.
        if self._opening_page is not None:
            self._first_page(self.filter, self.sort, self._opening_page)
            self._opening_page = None
        self._wide_columns = self._names_fit()
        self.table.focus()
        self._stale_changed = 0
        self._stale_steps = 0
        # After the first page has had its chance to paint.
        self.set_timer(STALE_FIRST, self._refresh_stale_step)

    def retranslate(self) -> None:
        super().retranslate()
        self.query_one("#queue-filter", Input).placeholder = self.tr(
            "Filter: claim or professional ref, company, e-mail, phone"
        )
        table = self.table
        table.set_columns(self._columns())
        table.set_sort(self.sort.column, self.sort.descending)
        # Rows hold translated words: load them again if in another language.
        if self._total is not None and self._rows_language != self.tr.language:
            self._reset(self._total)
        self._show_summary()

    def on_screen_resume(self) -> None:
        self.reload(keep_cursor=True)

    def on_resize(self) -> None:
        # The holder column holds names or initials, after the width.
        if self._names_fit() != self._wide_columns:
            self._wide_columns = self._names_fit()
            self.table.set_columns(self._columns())
            if self._total is not None:
                self._reset(self._total, keep_cursor=True)

    def team_known(self) -> None:
        """The agent's markets are known (ui/app.py): one market is the default filter."""
        markets = self.gapp.actor_markets
        if self._markets_chosen or markets is None or len(markets) != 1:
            return
        if self.filter.markets != markets:
            self._set_filter(replace(self.filter, markets=frozenset(markets)))

    def others_acted(self, changes: list[Change]) -> None:
        """Another agent took, gave back, decided or reopened a claim: shown now."""
        if self.is_current and any(c.claim_ref is not None for c in changes):
            self.reload(keep_cursor=True)

    # --- loading ----------------------------------------------------------

    def reload(self, *, keep_cursor: bool = False) -> None:
        f, sort = self.filter, self.sort
        if self._total is None:
            # While the database opens, the opening page comes straight from the file.
            self.gapp.first_page(
                f, sort, self.table.page_size, lambda page: self._first_page_read(f, sort, page)
            )
        self.run_db(
            lambda db: _queue().count(db, f),
            lambda n: self._counted(f, n, keep_cursor),
            group="queue-count",
        )

    def _first_page(self, f: QueueFilter, sort: QueueSort, page: FirstPage) -> None:
        if self._total is not None or f != self.filter or sort != self.sort:
            return
        self._total = page.total
        self._rows_language = self.tr.language
        table = self.table
        table.set_rows(table.reset(page.total), 0, [self._row(r) for r in page.rows])
        self._fit_holders()
        self._show_summary()

    def _first_page_read(self, f: QueueFilter, sort: QueueSort, page: FirstPage) -> None:
        self._first_page(f, sort, page)
        self.app.call_after_refresh(self.gapp.start_background)

    def _counted(self, f: QueueFilter, total: int, keep_cursor: bool) -> None:
        if f != self.filter:
            return
        self._total = total
        self._reset(total, keep_cursor=keep_cursor)
        self._show_summary()

    def _reset(self, total: int, *, keep_cursor: bool = False) -> None:
        table = self.table
        cursor = table.cursor_row
        table.reset(total, keep_rows=keep_cursor)
        if keep_cursor and total:
            table.cursor_row = min(cursor, total - 1)

    # Stored verdicts that time has made stale (a waiting month ended, ...) are
    # refreshed a little at a time, so that a large backlog never starves the
    # screen: a step, a pause, and the list reloaded now and then.
    def _refresh_stale_step(self) -> None:
        from guarantee_tui.services.verdicts import refresh_stale

        at = self.gapp.now()
        self.run_db(
            lambda db: refresh_stale(db, at, limit=STALE_STEP, batch=STALE_STEP),
            self._stale_refreshed,
            group="queue-stale",
        )

    def _stale_refreshed(self, changed: int) -> None:
        self._stale_changed += changed
        self._stale_steps += 1
        backlog = changed >= STALE_STEP
        if self._stale_changed and (not backlog or self._stale_steps % STALE_RELOAD_EVERY == 0):
            self._stale_changed = 0
            self.reload(keep_cursor=True)
        self.set_timer(STALE_PAUSE if backlog else STALE_IDLE, self._refresh_stale_step)

    @on(LazyTable.RowsNeeded)
    def _load_rows(self, event: LazyTable.RowsNeeded) -> None:
        f, sort = self.filter, self.sort
        generation, start, end = event.generation, event.start, event.end

        def done(rows: list[QueueRow]) -> None:
            self._rows_language = self.tr.language
            self.table.set_rows(generation, start, [self._row(r) for r in rows])
            self._fit_holders()

        def failed(error: BaseException) -> bool:
            self.table.forget_request(generation, start)
            return False

        self.run_db(
            lambda db: _queue().page(db, f, sort, start, end - start),
            done,
            group=f"queue-page-{start}",
            on_error=failed,
        )

    def _row(self, r: QueueRow) -> Row:
        tr = self.tr
        now: datetime = self.gapp.now()
        zone = rules_for(r.market).zone
        # A moment outside the window was written into the database by hand
        # (imports refuse it): shown in UTC, as no time zone can convert it.
        known = in_window(r.submitted_at)
        submitted = to_local(r.submitted_at, zone).date() if known else r.submitted_at.date()
        age = (to_local(now, zone).date() - submitted).days
        verdict = (
            Text(verdict_label(r.verdict, tr), style=verdict_style(r.verdict))
            if r.verdict
            else Text("…")
        )
        return Row(
            key=r.claim_ref,
            cells=(
                r.claim_ref,
                r.company,
                r.market,
                tr.date(submitted, short=True),
                tr.number(age) if known else "—",
                claim_status_label(r.status, tr),
                verdict,
                action_label(r.action, tr) if r.action else "",
                tr.number(r.refund_credits) if r.refund_credits is not None else "—",
                self._holder_cell(r),
            ),
        )

    def _holder_cell(self, r: QueueRow) -> Text:
        # Leases run on the database's clock, which the desk's own follows.
        if r.holder is None or r.held_until is None or r.held_until <= datetime.now(UTC):
            return Text("")
        style = "bold" if self.gapp.is_me(r.holder) else ""
        if not self._names_fit():
            return Text(visible(initials(r.holder)), style=style)
        at = since(r.held_since or r.held_until, self.tr, in_text=False)
        cell = Text(self.tr("{agent} {since}", agent=visible(r.holder), since=at), style=style)
        self._holder_width = max(self._holder_width, cell.cell_len)
        return cell

    def _fit_holders(self) -> None:
        """Widens the holder column to the longest holder now loaded."""
        table = self.table
        column = next(c for c in table.columns if c.key == "holder")
        if self._names_fit() and column.width != self._holder_column().width:
            table.set_columns(self._columns())

    # --- the summary line -------------------------------------------------

    def _show_summary(self) -> None:
        tr = self.tr
        f = self.filter
        parts = []
        if self._total is None:
            parts.append(tr("Loading…"))
        else:
            parts.append(tr.plural("{n} claim", "{n} claims", self._total))
        parts.append(tr("status: {value}", value=self._describe(f.statuses, "status")))
        parts.append(tr("market: {value}", value=", ".join(sorted(f.markets)) or tr("all")))
        parts.append(tr("verdict: {value}", value=self._describe(f.verdicts, "verdict")))
        if f.held_by is not None:
            parts.append(tr("held: {value}", value=tr("mine")))
        elif f.unheld:
            parts.append(tr("held: {value}", value=tr("by nobody")))
        if f.text:
            parts.append(tr("text: {value}", value=visible(f.text)))
        sort = self.sort
        parts.append(
            tr("sort: {value}", value=tr("open first, oldest first"))
            if sort.column is None
            else tr(
                "sort: {value}",
                value=self._column_title(sort.column) + (" ▼" if sort.descending else " ▲"),
            )
        )
        self.query_one("#queue-summary", Static).update(Text(" · ".join(parts)))

    def _describe(self, values: frozenset[str], kind: str) -> str:
        tr = self.tr
        if not values:
            return tr("all")
        if kind == "status":
            if values == STATUS_CYCLE[2]:
                return tr("decided")
            return ", ".join(claim_status_label(v, tr) for v in sorted(values))
        return ", ".join(verdict_label(v, tr) for v in sorted(values))

    def _column_title(self, key: str) -> str:
        return next(c.title for c in self._columns() if c.key == key)

    # --- actions ----------------------------------------------------------

    def _set_filter(self, f: QueueFilter) -> None:
        self.filter = f
        self._total = None
        self._show_summary()
        self.reload()

    @staticmethod
    def _next(cycle: tuple[frozenset[str], ...], current: frozenset[str]) -> frozenset[str]:
        index = cycle.index(current) if current in cycle else -1
        return cycle[(index + 1) % len(cycle)]

    def action_cycle_status(self) -> None:
        self._set_filter(
            replace(self.filter, statuses=self._next(STATUS_CYCLE, self.filter.statuses))
        )

    def action_cycle_held(self) -> None:
        f = self.filter
        current = "mine" if f.held_by is not None else "unheld" if f.unheld else "all"
        held = HELD_CYCLE[(HELD_CYCLE.index(current) + 1) % len(HELD_CYCLE)]
        self._set_filter(
            replace(
                f,
                held_by=self.gapp.actor_name if held == "mine" else None,
                unheld=held == "unheld",
            )
        )

    def action_take_next(self) -> None:
        # The market shown, when one is; else the agent's own markets.
        market = next(iter(self.filter.markets)) if len(self.filter.markets) == 1 else None
        agent, minutes = self.gapp.agent, self.gapp.lease_minutes

        def taken(holding: Holding | None) -> None:
            if holding is None:
                self.notify(
                    self.tr("No claim to take: every open claim is decided or held by someone."),
                    markup=False,
                )
                return
            self._open(holding.claim_ref)

        def job(db: Any) -> Holding | None:
            from guarantee_tui.services import leases

            return leases.take_next(db, agent, market, minutes=minutes)

        self.run_db(job, taken, group="take-next")

    def action_cycle_market(self) -> None:
        self._markets_chosen = True
        self._set_filter(
            replace(self.filter, markets=self._next(MARKET_CYCLE, self.filter.markets))
        )

    def action_cycle_verdict(self) -> None:
        self._set_filter(
            replace(self.filter, verdicts=self._next(VERDICT_CYCLE, self.filter.verdicts))
        )

    def action_clear_filters(self) -> None:
        self._markets_chosen = True
        self.query_one("#queue-filter", Input).value = ""
        self.sort = QueueSort()
        self.table.set_sort(None)
        self._set_filter(QueueFilter())

    def action_cycle_sort(self) -> None:
        index = SORT_CYCLE.index(self.sort.column)
        column = SORT_CYCLE[(index + 1) % len(SORT_CYCLE)]
        self._apply_sort(QueueSort(column, False))

    def action_reverse_sort(self) -> None:
        if self.sort.column is not None:
            self._apply_sort(QueueSort(self.sort.column, not self.sort.descending))

    def _apply_sort(self, sort: QueueSort) -> None:
        self.sort = sort
        self.table.set_sort(sort.column, sort.descending)
        self._show_summary()
        if self._total is not None:
            self._reset(self._total)

    def action_filter(self) -> None:
        box = self.query_one("#queue-filter", Input)
        box.add_class("shown")
        box.focus()

    def action_back(self) -> None:
        box = self.query_one("#queue-filter", Input)
        if not box.value:
            box.remove_class("shown")
        self.table.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return self.query_one("#queue-filter", Input).has_focus
        return super().check_action(action, parameters)

    @on(Input.Changed, "#queue-filter")
    def _filter_typed(self, event: Input.Changed) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
        value = event.value
        self._filter_timer = self.set_timer(
            FILTER_DELAY, lambda: self._set_filter(replace(self.filter, text=value))
        )

    @on(Input.Submitted, "#queue-filter")
    def _filter_done(self) -> None:
        self.table.focus()

    @on(LazyTable.Selected)
    def _selected(self, event: LazyTable.Selected) -> None:
        self._open(event.row.key)

    def action_open_claim(self) -> None:
        row = self.table.cursor
        if row is not None:
            self._open(row.key)

    def _open(self, claim_ref: str) -> None:
        from guarantee_tui.ui.screens.claim import open_claim

        open_claim(self, claim_ref)

    def action_intake(self) -> None:
        from guarantee_tui.ui.screens.intake import open_intake

        open_intake(self)


def initials(name: str) -> str:
    """Two letters for a name ("Camille Laurent": "CL"; "Ana": "AN")."""
    words = name.split()
    if len(words) >= 2:
        return (words[0][:1] + words[-1][:1]).upper()
    return name[:2].upper()
