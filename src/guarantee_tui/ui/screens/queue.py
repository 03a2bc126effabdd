"""The claim queue: the first screen, where an agent picks the next claim.

Only the count and the visible pages are loaded, in workers; the table paints
placeholders until a page arrives. Filters and sorting run in SQL over the
stored verdicts.

Each claim shows who works it and since when (services/leases.py); `n`
takes the next free claim of the agent's markets and opens it, `h` shows
only the agent's own claims, then only those nobody holds. Other agents'
acts reload the list as they happen (ui/app.py).

The filter finds refs exactly: a claim ref typed opens that claim (Enter), a
professional ref lists that professional's claims, a contact ref the claim
holding it; when the other filters hide what was typed, the summary says
which key shows it. Each search runs in a worker that a newer key cancels.
The opening view (and what `x` goes back to) is the config file's
`[filters.default]`, else open claims of the agent's market; `f` applies the
other saved filters in turn.
"""

from __future__ import annotations

import threading
from contextlib import suppress
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input, Static

from guarantee_tui.config import (
    DEFAULT_FILTER,
    SavedFilter,
    opening_view,
    saved_named,
    view_of,
)
from guarantee_tui.filters import (
    OPEN,
    PAGE_SIZE,
    SORT_COLUMNS,
    ExactRef,
    QueueFilter,
    QueueRow,
    QueueSort,
)
from guarantee_tui.i18n import N_
from guarantee_tui.policy.calendar import to_local
from guarantee_tui.policy.markets import rules_for
from guarantee_tui.policy.window import in_window
from guarantee_tui.presentation import (
    action_label,
    claim_status_label,
    verdict_label,
)
from guarantee_tui.text import visible
from guarantee_tui.ui.base import AppScreen, since
from guarantee_tui.ui.later import Later, TypingPause
from guarantee_tui.ui.widgets.footer import AppFooter
from guarantee_tui.ui.widgets.lazy_table import Column, LazyTable, Row
from guarantee_tui.ui.widgets.top_bar import TopBar

if TYPE_CHECKING:
    from guarantee_tui.filters import QueueResult
    from guarantee_tui.services.events import Change
    from guarantee_tui.services.first_page import FirstPage
    from guarantee_tui.services.leases import Holding

STATUS_CYCLE: tuple[frozenset[str], ...] = (
    frozenset(),
    OPEN,
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
SORT_CYCLE: tuple[str | None, ...] = (None, *SORT_COLUMNS)
# Reload the queue this long after the last key typed in the filter (a key
# typed meanwhile cancels the search under way: scripts/bench.py measures both).
FILTER_DELAY = 0.05
# Refreshing stale verdicts: claims per step, pauses (s), reloads of the list.
STALE_STEP = 100
STALE_FIRST = 2.0
STALE_PAUSE = 0.3
STALE_IDLE = 60.0
STALE_RELOAD_EVERY = 20

# What a row's state and verdict look like besides their colour: a mark before
# the word (open or decided; eligible, not eligible, pending).
STATUS_MARK = {"open": "○", "approved": "●", "rejected": "●", "suspended": "●"}
VERDICT_MARK = {"eligible": "✔", "not_eligible": "✘", "pending": "?"}
# At least 4.5:1 against the rows' backgrounds (WCAG AA; tests/ui/test_queue_view.py).
VERDICT_COLOUR = {"eligible": "#5fd68a", "not_eligible": "#ff8a80", "pending": "#e8c25a"}
# Decided claims recede, still readable.
DECIDED_COLOUR = "#a6a6a6"
CLAIM_STATUSES = ("open", "approved", "rejected", "suspended")
ACTIONS = ("approve", "reject", "suspend", "wait")


def _queue() -> Any:
    # Imported in the worker thread that needs it: the database layer is not
    # loaded on the event loop, so the screen paints before it is ready.
    from guarantee_tui.services import queue

    return queue


class QueueScreen(AppScreen):
    DEFAULT_CSS = """
    QueueScreen #queue-filter {
        display: none; height: 1; border: none; padding: 0 1; margin: 0 1;
        background: $boost;
    }
    QueueScreen #queue-filter:focus { border: none; background: $surface-lighten-1; }
    QueueScreen #queue-filter.shown { display: block; }
    QueueScreen #queue-summary .warning { color: $warning; }
    QueueScreen #queue-summary { height: auto; max-height: 3; padding: 0 1; color: $text-muted; }
    """
    AUTO_FOCUS = "#queue-table"

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
        Binding("f", "saved_filter", N_("Saved filters"), id="queue.saved", show=False),
        Binding("enter", "open_claim", N_("Open"), id="queue.open", show=False),
        Binding("i", "intake", N_("Intake"), id="queue.intake", show=False),
        # The shared "back": on the first screen, back from the filter box to the list.
        Binding("escape", "back", N_("Back to list"), id="back", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        # The config file's saved views, when the app that builds this has them.
        self._saved: tuple[SavedFilter, ...] = ()
        with suppress(RuntimeError):  # built outside a running app
            self._saved = tuple(getattr(getattr(self.app, "settings", None), "filters", ()))
        self._saved_index = -1
        self.filter, self.sort = self._default_view()
        self._filter_pause = TypingPause(self)
        # The search under way: set to stop it (a newer one replaces it).
        self._search_cancel: threading.Event | None = None
        # What the text filter designates exactly, for the text it was read for.
        self._exact: ExactRef | None = None
        self._exact_text: str | None = None
        # A ref submitted with Enter in the filter: opened once the search knows it.
        self._open_exact: str | None = None
        # The widest cell seen per column, for columns sized to their content.
        self._seen: dict[str, int] = {}
        self._vocabulary: tuple[str, dict[str, int]] | None = None
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
        words = self._words()

        def fit(key: str, title: str, content: int) -> int:
            # As wide as the title, with room for the sort arrow when sorted by
            # it, and as the widest value the column can hold in this language.
            arrow = 2 if self.sort.column == key else 0
            return max(cell_len(title) + arrow, content, self._seen.get(key, 0))

        titles = {
            "claim": tr("Claim"),
            "pro": tr("Pro"),
            "market": tr("Mkt"),
            "submitted": tr("Submitted"),
            "age": tr("Days"),
            "status": tr("Status"),
            "verdict": tr("Verdict"),
            "action": tr("Action"),
            "refund": tr("Refund"),
        }
        return [
            Column("claim", titles["claim"], width=fit("claim", titles["claim"], 9), priority=100),
            # What tells two companies of similar names apart: the professional's ref.
            Column("pro", titles["pro"], width=fit("pro", titles["pro"], 8), priority=86),
            # 11 wide at least: at 80 columns the holder's initials fit beside it.
            Column("company", tr("Company"), width=None, min_width=11, priority=88),
            Column(
                "market", titles["market"], width=fit("market", titles["market"], 2), priority=70
            ),
            Column(
                "submitted",
                titles["submitted"],
                width=fit("submitted", titles["submitted"], words["date"]),
                priority=60,
            ),
            Column(
                "age", titles["age"], width=fit("age", titles["age"], 3), align="right", priority=65
            ),
            # The state is never dropped, however narrow the terminal.
            Column(
                "status",
                titles["status"],
                width=fit("status", titles["status"], words["status"]),
                priority=95,
            ),
            Column(
                "verdict",
                titles["verdict"],
                width=fit("verdict", titles["verdict"], words["verdict"]),
                priority=92,
            ),
            Column(
                "action",
                titles["action"],
                width=fit("action", titles["action"], words["action"]),
                priority=50,
            ),
            Column(
                "refund",
                titles["refund"],
                width=fit("refund", titles["refund"], 3),
                align="right",
                priority=40,
            ),
            self._holder_column(),
        ]

    def _words(self) -> dict[str, int]:
        """The widest date, status, verdict and action in the reader's language."""
        tr = self.tr
        if self._vocabulary is None or self._vocabulary[0] != tr.language:
            dates = (tr.date(date(2026, month, 28), short=True) for month in range(1, 13))
            self._vocabulary = (
                tr.language,
                {
                    "date": max(cell_len(d) for d in dates),
                    "status": max(cell_len(self._status_word(s)) for s in CLAIM_STATUSES),
                    "verdict": max(cell_len(self._verdict_word(v)) for v in VERDICT_MARK),
                    "action": max(cell_len(action_label(a, tr)) for a in ACTIONS),
                },
            )
        return self._vocabulary[1]

    def _status_word(self, status: str) -> str:
        return f"{STATUS_MARK.get(status, '·')} {claim_status_label(status, self.tr)}"

    def _verdict_word(self, verdict: str) -> str:
        return f"{VERDICT_MARK.get(verdict, '·')} {verdict_label(verdict, self.tr)}"

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
        self._stale_changed = 0
        self._stale_steps = 0
        # After the first page has had its chance to paint.
        Later(self, STALE_FIRST, self._refresh_stale_step)

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
            self.reload(keep_cursor=True)
        self._show_summary()

    def on_screen_resume(self) -> None:
        self.reload(keep_cursor=True)

    def on_resize(self) -> None:
        # The holder column holds names or initials, after the width.
        if self._names_fit() != self._wide_columns:
            self._wide_columns = self._names_fit()
            self.table.set_columns(self._columns())
            if self._total is not None:
                self.reload(keep_cursor=True)

    def team_known(self) -> None:
        """The agent's markets are known (ui/app.py): one market is the default filter."""
        markets = self.gapp.actor_markets
        if self._markets_chosen or markets is None or len(markets) != 1:
            return
        if saved_named(self._saved, DEFAULT_FILTER) is not None:
            return  # the config file's default view names its own markets
        if self.filter.markets != markets:
            self._set_filter(replace(self.filter, markets=frozenset(markets)))

    # --- the default view and the saved ones --------------------------------

    def _default_view(self) -> tuple[QueueFilter, QueueSort]:
        markets = self.gapp.actor_markets if self.is_attached else None
        return opening_view(self._saved, markets)

    def action_saved_filter(self) -> None:
        if not self._saved:
            self.notify(
                self.tr("No saved filter: add [filters.NAME] sections to the config file."),
                markup=False,
            )
            return
        self._saved_index = (self._saved_index + 1) % len(self._saved)
        self.apply_saved(self._saved[self._saved_index].name)

    def apply_saved(self, name: str) -> None:
        """Shows the saved filter `name` (the key `f`, the command palette)."""
        saved = saved_named(self._saved, name)
        if saved is None:
            return
        self._saved_index = self._saved.index(saved)
        self._markets_chosen = True
        f, sort = view_of(saved)
        self._show_text(f.text)
        self.sort = sort
        self.table.set_sort(sort.column, sort.descending)
        self._set_filter(f)

    @property
    def saved_filters(self) -> tuple[str, ...]:
        """The names of the saved filters, in the config file's order."""
        return tuple(s.name for s in self._saved)

    def _show_text(self, text: str) -> None:
        box = self.query_one("#queue-filter", Input)
        self._filter_pause.cancel()
        with box.prevent(Input.Changed):
            box.value = text

    def others_acted(self, changes: list[Change]) -> None:
        """Another agent took, gave back, decided or reopened a claim: shown now."""
        if self.is_current and any(c.claim_ref is not None for c in changes):
            self.reload(keep_cursor=True)

    # --- loading ----------------------------------------------------------

    def reload(self, *, keep_cursor: bool = False) -> None:
        f, sort = self.filter, self.sort
        table = self.table
        if self._total is None:
            # While the database opens, the opening page comes straight from the file.
            self.gapp.first_page(
                f, sort, table.page_size, lambda page: self._first_page_read(f, sort, page)
            )
        # The count and the page on screen in one job, so that the rows arrive
        # with the count in one paint; a newer search stops this one.
        self._cancel_search()
        cancel = self._search_cancel = threading.Event()
        offset = table.cursor_row if keep_cursor else 0
        limit = table.page_size
        self.run_db(
            lambda db: _queue().search(db, f, sort, offset, limit, cancel.is_set),
            lambda result: self._searched(f, sort, result, keep_cursor),
            group="queue-count",
        )

    def _cancel_search(self) -> None:
        if self._search_cancel is not None:
            self._search_cancel.set()
            self._search_cancel = None

    def _searched(
        self, f: QueueFilter, sort: QueueSort, result: QueueResult | None, keep_cursor: bool
    ) -> None:
        if result is None or f != self.filter or sort != self.sort:
            return  # replaced by a newer search
        self._total = result.total
        self._exact, self._exact_text = result.exact, f.text
        self._rows_language = self.tr.language
        table = self.table
        cursor = table.cursor_row
        generation = table.reset(result.total, keep_rows=keep_cursor)
        if result.total:
            table.cursor_row = min(cursor, result.total - 1) if keep_cursor else 0
        table.set_rows(generation, result.offset, [self._row(r) for r in result.rows])
        self._fit_columns()
        self._show_summary()
        self._open_submitted()

    def _first_page(self, f: QueueFilter, sort: QueueSort, page: FirstPage) -> None:
        if self._total is not None or f != self.filter or sort != self.sort:
            return
        self._total = page.total
        self._rows_language = self.tr.language
        table = self.table
        table.set_rows(table.reset(page.total), 0, [self._row(r) for r in page.rows])
        self._fit_columns()
        self._show_summary()

    def _first_page_read(self, f: QueueFilter, sort: QueueSort, page: FirstPage) -> None:
        self._first_page(f, sort, page)
        self.app.call_after_refresh(self.gapp.start_background)

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
        Later(self, STALE_PAUSE if backlog else STALE_IDLE, self._refresh_stale_step)

    @on(LazyTable.RowsNeeded)
    def _load_rows(self, event: LazyTable.RowsNeeded) -> None:
        f, sort = self.filter, self.sort
        generation, start, end = event.generation, event.start, event.end

        def done(rows: list[QueueRow]) -> None:
            self._rows_language = self.tr.language
            self.table.set_rows(generation, start, [self._row(r) for r in rows])
            self._fit_columns()

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
        # Decided claims recede; the status's mark and word say it without colour.
        decided = r.status != "open"
        base = DECIDED_COLOUR if decided else ""
        verdict = (
            Text(
                self._verdict_word(r.verdict),
                style="" if decided else f"bold {VERDICT_COLOUR.get(r.verdict, '')}".strip(),
            )
            if r.verdict
            else Text("…")
        )
        cells: tuple[Text, ...] = (
            Text(r.claim_ref, style=base),
            Text(r.professional_ref, style=base),
            Text(visible(r.company), style=base),
            Text(r.market, style=base),
            Text(tr.date(submitted, short=True), style=base),
            Text(tr.number(age) if known else "—", style=base),
            Text(self._status_word(r.status), style=base or "bold"),
            verdict if not decided else Text(verdict.plain, style=base),
            Text(action_label(r.action, tr) if r.action else "", style=base),
            Text(tr.number(r.refund_credits) if r.refund_credits is not None else "—", style=base),
            self._holder_cell(r),
        )
        for key, index in (("claim", 0), ("pro", 1), ("age", 5), ("refund", 9)):
            self._seen[key] = max(self._seen.get(key, 0), cells[index].cell_len)
        return Row(key=r.claim_ref, cells=cells)

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

    def _fit_columns(self) -> None:
        """Widens the columns to the widest values now loaded (the holders' names,
        the refs, the refunds)."""
        table = self.table
        columns = self._columns()
        if [c.width for c in columns] != [c.width for c in table.columns]:
            table.set_columns(columns)

    # --- the summary line -------------------------------------------------

    def _show_summary(self) -> None:
        tr = self.tr
        f = self.filter
        parts = []
        if self._total is None:
            parts.append(tr("Loading…"))
        else:
            parts.append(tr.plural("{n} claim", "{n} claims", self._total))
        if 0 <= self._saved_index < len(self._saved):
            saved = self._saved[self._saved_index]
            if view_of(saved) == (f, self.sort):
                parts.append(tr("saved filter: {name}", name=visible(saved.name)))
        parts.append(tr("status: {value}", value=self._describe(f.statuses, "status")))
        parts.append(tr("market: {value}", value=", ".join(sorted(f.markets)) or tr("all")))
        parts.append(tr("verdict: {value}", value=self._describe(f.verdicts, "verdict")))
        if f.held_by is not None:
            parts.append(tr("held: {value}", value=tr("mine")))
        elif f.unheld:
            parts.append(tr("held: {value}", value=tr("by nobody")))
        if f.text:
            parts.append(tr("text: {value}", value=visible(f.text)))
        hidden = self._hidden_message()
        sort = self.sort
        parts.append(
            tr("sort: {value}", value=tr("open first, oldest first"))
            if sort.column is None
            else tr(
                "sort: {value}",
                value=self._column_title(sort.column) + (" ▼" if sort.descending else " ▲"),
            )
        )
        line = Text(" · ".join(parts))
        if hidden:
            # What was typed exactly, hidden by a filter: said first, in the warning colour.
            line = Text.assemble((hidden, "bold #f0c674"), "\n", line)
        self.query_one("#queue-summary", Static).update(line)

    def _hidden_message(self) -> str | None:
        """Why the ref typed exactly is not listed, and the key that shows it."""
        exact, f, tr = self._exact, self.filter, self.tr
        if exact is None or self._exact_text != f.text or self._total is None:
            return None
        ref = visible(exact.ref)
        if not exact.claims:
            return tr("{ref}: no claim holds it", ref=ref)
        if self._total >= len(exact.claims):
            return None
        statuses = {status for _, status in exact.claims}
        if f.statuses and not statuses <= f.statuses:
            key = self._key_for("cycle_status")
            if exact.kind == "claim":
                status = claim_status_label(exact.claims[0][1], tr)
                return tr(
                    "{ref} is {status}: press {key} to show it", ref=ref, status=status, key=key
                )
            hidden = sum(1 for _, status in exact.claims if status not in f.statuses)
            return tr.plural(
                "{ref}: {n} claim hidden by the status filter: press {key} to show all",
                "{ref}: {n} claims hidden by the status filter: press {key} to show all",
                hidden,
                ref=ref,
                key=key,
            )
        # Enter in the filter opens an exact ref's claim whatever the filters.
        return tr(
            "{ref} is hidden by the market, verdict or holder filter: Enter opens it", ref=ref
        )

    def _key_for(self, action: str) -> str:
        """The key bound to `action` here, as the user's keymap may have set it."""
        # As Textual does for the keys it dispatches: the node's bindings, then the
        # app's keymap (both private: tests/ui/test_textual_canaries.py).
        bindings = self._bindings.copy()
        bindings.apply_keymap(self.app._keymap)
        for found in bindings.key_to_bindings.values():
            for binding in found:
                if binding.action == action:
                    return self.app.get_key_display(binding)
        return action

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
        # Back to the default view (open claims of the agent's market), not to "all".
        f, sort = self._default_view()
        self._show_text(f.text)
        self._saved_index = -1
        self.sort = sort
        self.table.set_sort(sort.column, sort.descending)
        self._set_filter(f)

    def action_cycle_sort(self) -> None:
        index = SORT_CYCLE.index(self.sort.column)
        column = SORT_CYCLE[(index + 1) % len(SORT_CYCLE)]
        self._apply_sort(QueueSort(column, False))

    def action_reverse_sort(self) -> None:
        if self.sort.column is not None:
            self._apply_sort(QueueSort(self.sort.column, not self.sort.descending))

    def _apply_sort(self, sort: QueueSort) -> None:
        self.sort = sort
        table = self.table
        table.set_sort(sort.column, sort.descending)
        # The sorted column's title gains its arrow: never cut for it.
        table.set_columns(self._columns())
        self._show_summary()
        if self._total is not None:
            self.reload()

    def action_filter(self) -> None:
        box = self.query_one("#queue-filter", Input)
        box.add_class("shown")
        box.focus()

    def action_back(self) -> None:
        # The box folds away; the summary line keeps what it filters by.
        self.query_one("#queue-filter", Input).remove_class("shown")
        self.table.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return self.query_one("#queue-filter", Input).has_focus
        return super().check_action(action, parameters)

    @on(Input.Changed, "#queue-filter")
    def _filter_typed(self, event: Input.Changed) -> None:
        self._filter_pause.cancel()
        value = event.value
        if value == self.filter.text:
            return
        # The search under way is for text no longer typed: stopped now, not
        # after it has kept the database (and the rows) busy.
        self._cancel_search()
        self._filter_pause.after(FILTER_DELAY, lambda: self._filter_now(value))

    def _filter_now(self, value: str) -> None:
        self._filter_pause.cancel()
        if value != self.filter.text:
            self._set_filter(replace(self.filter, text=value))

    @on(Input.Submitted, "#queue-filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        # A ref typed exactly opens its claim, once the search has found it.
        self._open_exact = event.value
        self._filter_now(event.value)
        self.query_one("#queue-filter", Input).remove_class("shown")
        self.table.focus()
        self._open_submitted()

    def _open_submitted(self) -> None:
        wanted = self._open_exact
        if wanted is None or self._exact_text != wanted or wanted != self.filter.text:
            return  # its search has not answered yet
        self._open_exact = None
        exact = self._exact
        # A claim ref, or a contact ref held by one claim: that claim, whatever the
        # filters hide (the summary says what they hide).
        if exact is not None and exact.kind != "professional" and len(exact.claims) == 1:
            self._open(exact.claims[0][0])

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
