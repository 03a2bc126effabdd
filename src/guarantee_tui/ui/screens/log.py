"""`l`: the decision log, newest first, paged so a million entries stay instant.

Agents see their own entries, supervisors everyone's (the services decide).
The marks on a claim's explanations fold under the decision they led to
("20 marks (18 truthful, 2 untruthful)"): `→` or space opens the group, `←`
closes it, so decisions do not drown among "marked truthful".

`/` filters by period, agents, markets and actions; `D` shows only decisions;
`f` shows the figures per agent for the period and markets; `R` draws a
review sample (supervisors). Times are on the clock of each entry's market,
marked ("22:36 Paris"); an entry with no market is in UTC.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, Final

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from guarantee_tui.i18n import N_, Translator, local_moment, market_zone
from guarantee_tui.presentation import log_action_label
from guarantee_tui.services import log
from guarantee_tui.services.log import DECISIONS, Around, Entry, Grouped, LogFilter
from guarantee_tui.text import visible
from guarantee_tui.ui.base import AppScreen, open_loaded
from guarantee_tui.ui.widgets.footer import AppFooter
from guarantee_tui.ui.widgets.lazy_table import Column, LazyTable, Row
from guarantee_tui.ui.widgets.top_bar import TopBar

MARKS: Final = ("mark_truthful", "mark_untruthful", "mark_cleared")
# Loaded rows kept for opening and closing groups without asking the database again.
_KEPT_ROWS: Final = 5000
# The widest time a column must hold: a long month, two-digit day and hour.
_WIDEST_AT: Final = datetime(2026, 9, 29, 22, 36, tzinfo=UTC)
OPEN_MARK: Final = "▾"
CLOSED_MARK: Final = "▸"


def describe_filter(f: LogFilter, tr: Translator, *, actions: bool = True) -> str:
    parts = []
    if f.start or f.end:
        start = tr.date(f.start.date(), short=True) if f.start else "…"
        end = tr.date((f.end - _ONE_DAY).date(), short=True) if f.end else "…"
        parts.append(tr("period: {start} – {end}", start=start, end=end))
    if f.agents:
        parts.append(tr("agent: {value}", value=visible(", ".join(sorted(f.agents)))))
    if f.markets:
        parts.append(tr("market: {value}", value=", ".join(sorted(f.markets))))
    if f.actions and actions:
        if f.actions == frozenset(DECISIONS):
            parts.append(tr("action: {value}", value=tr("all decisions")))
        else:
            parts.append(
                tr(
                    "action: {value}",
                    value=", ".join(log_action_label(a, tr) for a in sorted(f.actions)),
                )
            )
    return " · ".join(parts) if parts else tr("all entries")


def mark_summary_parts(marks: tuple[Entry, ...], tr: Translator) -> tuple[str, str]:
    """ "20 marks" and "18 truthful, 2 untruthful", in the reader's grammar."""
    counts = dict.fromkeys(MARKS, 0)
    for m in marks:
        counts[m.action] = counts.get(m.action, 0) + 1
    parts = []
    if counts["mark_truthful"]:
        parts.append(tr.plural("{n} truthful", "{n} truthful", counts["mark_truthful"]))
    if counts["mark_untruthful"]:
        parts.append(tr.plural("{n} untruthful", "{n} untruthful", counts["mark_untruthful"]))
    if counts["mark_cleared"]:
        parts.append(tr.plural("{n} cleared", "{n} cleared", counts["mark_cleared"]))
    return tr.plural("{n} mark", "{n} marks", len(marks)), ", ".join(parts)


def entry_moment(e: Entry, tr: Translator) -> str:
    """When an entry's act happened, on its market's clock, marked."""
    return local_moment(tr, e.at, market_zone(e.market))


_ONE_DAY = timedelta(days=1)


def mark_word(action: str, tr: Translator) -> str:
    """A mark under its group's row, in a word: the row above says they are marks."""
    word = _MARK_WORDS.get(action)
    return word(tr) if word is not None else log_action_label(action, tr)


_MARK_WORDS: Final[dict[str, Callable[[Translator], str]]] = {
    "mark_truthful": lambda tr: tr("truthful"),
    "mark_untruthful": lambda tr: tr("untruthful"),
    "mark_cleared": lambda tr: log_action_label("mark_cleared", tr),
}


@dataclass(frozen=True, slots=True)
class _Open:
    """A decision whose marks are shown under it."""

    top: int  # its index among the rows of the folded log
    seq: int
    marks: tuple[Entry, ...]


@dataclass(frozen=True, slots=True)
class Opening:
    """What the log's first frame shows, read before the screen is pushed: the
    agents a filter can name and the newest rows, which size the columns."""

    agents: list[str]
    rows: list[Grouped]


# A database slower than this gets the log at once, its columns growing as rows come.
SLOW_OPEN: Final = 0.15
# The rows read before the push: a screen's worth on any terminal.
OPENING_ROWS: Final = 100


def open_log(screen: AppScreen) -> None:
    """Reads the agents and the newest rows, then shows the log with them: its
    first frame is the settled one (pushing first drew the header twice, the
    columns widening as the first page came). The count comes after, in the
    screen: on a long log it takes far longer than the rows."""
    agent = screen.gapp.agent

    def load(db: Any) -> Opening:
        f = LogFilter()
        return Opening(log.known_agents(db, agent), log.page_grouped(db, f, agent, 0, OPENING_ROWS))

    def push(opening: Opening | None) -> None:
        screen.app.push_screen(LogScreen(opening=opening))

    open_loaded(screen, load, push, group="open-log", slow=SLOW_OPEN)


@dataclass(frozen=True, slots=True)
class _Counted:
    total: int
    # Decision seq -> its index in the folded log, for the groups left open.
    positions: dict[int, int]


class LogScreen(AppScreen):
    AUTO_FOCUS = "#log-table"
    DEFAULT_CSS = """
    LogScreen #log-summary { height: auto; max-height: 2; padding: 0 1; color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", N_("Filter"), id="log.filter"),
        Binding("x", "clear", N_("Clear"), id="log.clear"),
        Binding("D", "decisions_only", N_("Decisions"), id="log.decisions"),
        Binding("f", "figures", N_("Figures"), id="log.figures"),
        Binding("R", "review", N_("Review sample"), id="log.review"),
        Binding("e", "effects", N_("Effects"), id="log.effects"),
        Binding("right,space", "expand", N_("Open marks"), show=False, id="log.expand"),
        Binding("left", "collapse", N_("Close marks"), show=False, id="log.collapse"),
        Binding("enter", "open_entry", N_("Open"), show=False, id="log.open"),
    ]

    def __init__(self, f: LogFilter | None = None, *, opening: Opening | None = None) -> None:
        super().__init__()
        self.filter = f or LogFilter()
        self._opening = opening
        self._total: int | None = None
        self._opens: list[_Open] = []
        # Folded-log index -> its row, as loaded.
        self._rows: dict[int, Grouped] = {}
        # A mark shown in an open group -> its decision.
        self._mark_parent: dict[int, int] = {}
        self._agents: list[str] = []
        # The widest cell of each column so far.
        self._widest: dict[str, int] = {}
        # Rows loaded ahead of the view (a page below, the last page for G),
        # by their first index: measured once on screen, so that the header
        # never widens for rows the agent cannot see.
        self._unmeasured: dict[int, tuple[int, list[Row]]] = {}

    def compose(self) -> ComposeResult:
        if self._opening is not None:
            self._agents = self._opening.agents
            self._rows = dict(enumerate(self._opening.rows))
            self._widen([self._row(g) for g in self._opening.rows])
        yield TopBar()
        yield Static(id="log-summary")
        yield LazyTable(self._columns(), id="log-table")
        yield AppFooter()

    def _columns(self) -> list[Column]:
        tr = self.tr
        # Each column as wide as what it holds in this language (the rows
        # loaded so far, at least the widest time and the known agents).
        seen = self._widest

        def width(key: str, title: str, least: int = 0) -> int:
            return max(cell_len(title), seen.get(key, 0), least)

        at_least = max(
            cell_len(local_moment(tr, _WIDEST_AT, market_zone(m))) for m in ("FR", "PT", None)
        )
        agents = min(max((cell_len(a) for a in self._agents), default=6), 24)
        return [
            Column("seq", "#", width=width("seq", "#", 4), align="right", priority=100),
            Column("at", tr("Time"), width=width("at", tr("Time"), at_least), priority=90),
            Column(
                "agent",
                tr("Agent"),
                width=min(width("agent", tr("Agent"), agents), 24),
                priority=80,
            ),
            Column(
                "action", tr("Action"), width=min(width("action", tr("Action")), 30), priority=95
            ),
            Column("claim", tr("Claim"), width=width("claim", tr("Claim")), priority=85),
            Column("market", tr("Mkt"), width=width("market", tr("Mkt")), priority=40),
            Column(
                "refund",
                tr("Refund"),
                width=width("refund", tr("Refund")),
                align="right",
                priority=30,
            ),
            Column("reason", tr("Reason"), width=None, min_width=12, priority=50),
        ]

    def _measure(self, rows: list[Row]) -> None:
        """Widens the columns to what these rows hold (never narrows them)."""
        if self._widen(rows):
            self.table.set_columns(self._columns())

    def _widen(self, rows: list[Row]) -> bool:
        """Whether a cell of these rows is wider than its column's widest so far."""
        keys = ("seq", "at", "agent", "action", "claim", "market", "refund")
        grew = False
        for row in rows:
            for key, cell in zip(keys, row.cells, strict=False):
                size = cell_len(cell.plain if isinstance(cell, Text) else cell)
                if size > self._widest.get(key, 0):
                    self._widest[key] = size
                    grew = True
        return grew

    @property
    def table(self) -> LazyTable:
        return self.query_one("#log-table", LazyTable)

    def on_mount(self) -> None:
        # The count comes with ScreenResume, which follows every push.
        self.watch(self.table, "scroll_y", self._measure_shown, init=False)
        self._summary()
        if self._opening is not None:
            # The newest rows at once; until the count, the table ends with them.
            rows = self._opening.rows
            generation = self.table.reset(len(rows))
            self.table.set_rows(generation, 0, self._rows_for(0, len(rows)))
            self._opening = None
            return
        agent = self.gapp.agent
        self.run_db(lambda db: log.known_agents(db, agent), self._known, group="log-agents")

    def _known(self, agents: list[str]) -> None:
        self._agents = agents
        self.table.set_columns(self._columns())

    def on_screen_resume(self) -> None:
        self.reload(keep_cursor=True)

    def others_acted(self, changes: list[object]) -> None:
        """Another agent's act (ui/app.py follows them) shows without a key press."""
        if self.is_current and changes:
            self.reload(keep_cursor=True)

    def retranslate(self) -> None:
        super().retranslate()
        # Measured again in this language, from the rows already read.
        self._widest.clear()
        self._widen([self._row(g) for g in self._rows.values()])
        self.table.set_columns(self._columns())
        if self._total is not None:
            self._reset()
        self._summary()

    # --- the folded log and its open groups -----------------------------------

    def _count(self) -> int:
        return (self._total or 0) + sum(len(o.marks) for o in self._opens)

    def _locate(self, index: int) -> tuple[int, _Open | None, int]:
        """A row of the table: (folded index, None, 0) for an entry, or
        (its decision's folded index, the open group, k) for its k-th mark."""
        shift = 0
        for o in self._opens:
            at = o.top + shift
            if index <= at:
                break
            if index <= at + len(o.marks):
                return o.top, o, index - at - 1
            shift += len(o.marks)
        return index - shift, None, 0

    def _index_of_top(self, top: int) -> int:
        return top + sum(len(o.marks) for o in self._opens if o.top < top)

    def _reset(self) -> None:
        """The table starts over at the same place, its rows drawn from what is loaded."""
        table = self.table
        cursor, scroll = table.cursor_row, table.scroll_y
        table.reset(self._count())
        table.scroll_to(y=scroll, animate=False)
        if self._count():
            table.cursor_row = min(cursor, self._count() - 1)

    def reload(self, *, keep_cursor: bool = False) -> None:
        f, agent = self.filter, self.gapp.agent
        open_seqs = [o.seq for o in self._opens]

        def count(db: Any) -> _Counted:
            return _Counted(log.count_grouped(db, f, agent), log.positions(db, f, agent, open_seqs))

        def counted(result: _Counted) -> None:
            if f != self.filter:
                return
            self._total = result.total
            self._rows.clear()
            self._opens = sorted(
                (
                    replace(o, top=result.positions[o.seq])
                    for o in self._opens
                    if o.seq in result.positions
                ),
                key=lambda o: o.top,
            )
            cursor = self.table.cursor_row
            self.table.reset(self._count(), keep_rows=keep_cursor)
            if keep_cursor and self._count():
                self.table.cursor_row = min(cursor, self._count() - 1)
            self._summary()

        self.run_db(count, counted, group="log-count")

    def _summary(self) -> None:
        tr = self.tr
        head = (
            tr("Loading…")
            if self._total is None
            else tr.plural("{n} entry", "{n} entries", self._total)
        )
        scope = (
            tr("everyone's entries") if self.gapp.actor_role == "supervisor" else tr("your entries")
        )
        parts = [head, scope, describe_filter(self.filter, tr)]
        if self._total:
            parts.append(tr("▸ Enter or → opens a decision's marks"))
        self.query_one("#log-summary", Static).update(Text(" · ".join(parts)))

    @on(LazyTable.RowsNeeded)
    def _load(self, event: LazyTable.RowsNeeded) -> None:
        f, agent = self.filter, self.gapp.agent
        generation, start = event.generation, event.start
        end = min(event.end, self._count())
        tops = [top for top, o, _ in map(self._locate, range(start, end)) if o is None]
        missing = [t for t in tops if t not in self._rows]
        if not missing:
            self._show(generation, start, self._rows_for(start, end))
            return
        first, last = min(missing), max(missing)

        def done(rows: list[Grouped]) -> None:
            if f != self.filter:
                return
            if len(self._rows) > _KEPT_ROWS:
                self._rows.clear()
            for i, row in enumerate(rows):
                self._rows[first + i] = row
            self._show(generation, start, self._rows_for(start, end))

        def failed(error: BaseException) -> bool:
            self.table.forget_request(generation, start)
            return False

        total = self._total
        # A neighbour already read: the page is read from its key, at any depth.
        before, after = self._rows.get(first - 1), self._rows.get(last + 1)
        around = (
            Around(older_than=before.entry.seq)
            if before is not None
            else Around(newer_than=after.entry.seq)
            if after is not None
            else Around()
        )
        self.run_db(
            lambda db: log.page_grouped(db, f, agent, first, last - first + 1, total, around),
            done,
            group=f"log-page-{start}",
            on_error=failed,
        )

    def _show(self, generation: int, start: int, rows: list[Row]) -> None:
        self.table.set_rows(generation, start, rows)
        self._unmeasured[start] = (generation, rows)
        self._measure_shown()

    def on_resize(self) -> None:
        # A taller terminal shows rows read ahead without a scroll.
        self.call_after_refresh(self._measure_shown)

    def _measure_shown(self) -> None:
        """Widens the columns for the loaded rows now on screen."""
        table = self.table
        view = table.rows_in_view
        shown: list[Row] = []
        for start, (generation, rows) in list(self._unmeasured.items()):
            if generation != table.generation:
                del self._unmeasured[start]
            elif start < view.stop and start + len(rows) > view.start:
                del self._unmeasured[start]
                shown += rows
        self._measure(shown)

    def _rows_for(self, start: int, end: int) -> list[Row]:
        rows = []
        for index in range(start, end):
            top, group, k = self._locate(index)
            if group is not None:
                mark = group.marks[k]
                self._mark_parent[mark.seq] = group.seq
                rows.append(self._mark_row(mark, last=k == len(group.marks) - 1))
                continue
            loaded = self._rows.get(top)
            if loaded is None:
                break
            rows.append(self._row(loaded))
        return rows

    def _row(self, g: Grouped) -> Row:
        tr = self.tr
        e = g.entry
        if g.is_group:
            return self._group_row(g)
        return Row(
            key=str(e.seq),
            cells=(
                tr.number(e.seq),
                entry_moment(e, tr),
                e.agent,
                log_action_label(e.action, tr, e.details),
                e.claim_ref or "",
                e.market or "",
                tr.number(e.refund_credits) if e.refund_credits is not None else "",
                " ".join((e.reason or "").split()),
            ),
        )

    def _group_row(self, g: Grouped) -> Row:
        """The marks that led to a decision, as one row ("▸ 20 marks", then
        "(18 truthful, 2 untruthful)"), under the decision they led to."""
        tr = self.tr
        e = g.entry
        is_open = any(o.seq == e.seq for o in self._opens)
        agents = sorted({m.agent for m in g.marks})
        head, detail = mark_summary_parts(g.marks, tr)
        return Row(
            key=f"g{e.seq}",
            cells=(
                "",
                Text(entry_moment(e, tr), style="dim"),
                ", ".join(agents),
                Text(f"{OPEN_MARK if is_open else CLOSED_MARK} {head}", style="bold"),
                e.claim_ref or "",
                e.market or "",
                "",
                tr("({detail})", detail=detail),
            ),
        )

    def _mark_row(self, e: Entry, *, last: bool) -> Row:
        tr = self.tr
        contact = ""
        if e.details:
            contact = str(json.loads(e.details).get("contact_ref") or "")
        note = " ".join((e.reason or "").split())
        return Row(
            key=str(e.seq),
            cells=(
                Text(tr.number(e.seq), style="dim"),
                Text(entry_moment(e, tr), style="dim"),
                Text(e.agent, style="dim"),
                Text(("└ " if last else "├ ") + mark_word(e.action, tr)),
                Text(e.claim_ref or "", style="dim"),
                Text(e.market or "", style="dim"),
                "",
                " · ".join(part for part in (contact, note) if part),
            ),
        )

    # --- actions ----------------------------------------------------------

    def _cursor_group(self) -> tuple[int, Grouped | None, _Open | None]:
        """The group row at or above the cursor: its folded index, its row, and
        its open group when it is open."""
        top, group, _k = self._locate(self.table.cursor_row)
        loaded = self._rows.get(top)
        if group is not None:
            return top, loaded, group
        if loaded is None or not loaded.is_group:
            return top, None, None
        return top, loaded, next((o for o in self._opens if o.seq == loaded.entry.seq), None)

    def action_expand(self) -> None:
        top, loaded, is_open = self._cursor_group()
        if is_open is not None:
            return
        if loaded is None:
            self.notify(self.tr("Only a group of marks opens (▸)."), markup=False)
            return
        self._opens = sorted(
            [*self._opens, _Open(top, loaded.entry.seq, loaded.marks)], key=lambda o: o.top
        )
        self._reset()

    def action_collapse(self) -> None:
        top, _loaded, is_open = self._cursor_group()
        if is_open is None:
            return
        self._opens = [o for o in self._opens if o is not is_open]
        self._reset()
        self.table.cursor_row = self._index_of_top(top)

    def _toggle(self) -> None:
        _top, _loaded, is_open = self._cursor_group()
        if is_open is None:
            self.action_expand()
        else:
            self.action_collapse()

    def action_clear(self) -> None:
        self._apply(LogFilter())

    def action_decisions_only(self) -> None:
        everything = replace(self.filter, actions=frozenset())
        decisions = replace(self.filter, actions=frozenset(DECISIONS))
        self._apply(everything if self.filter.actions == frozenset(DECISIONS) else decisions)

    def _apply(self, f: LogFilter) -> None:
        self.filter = f
        self._total = None
        self._opens = []
        self._rows.clear()
        self._summary()
        self.reload()

    def action_filter(self) -> None:
        from guarantee_tui.ui.screens.log_filter import LogFilterScreen

        def chosen(f: LogFilter | None) -> None:
            if f is not None:
                self._apply(f)

        self.app.push_screen(LogFilterScreen(self.filter, self._agents), chosen)

    def action_effects(self) -> None:
        from guarantee_tui.ui.screens.effects import open_effects

        open_effects(self)

    def action_figures(self) -> None:
        from guarantee_tui.ui.screens.figures import FiguresScreen

        self.app.push_screen(FiguresScreen(self.filter))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "review":
            return self.gapp.actor_role == "supervisor"
        return super().check_action(action, parameters)

    def action_review(self) -> None:
        from guarantee_tui.ui.screens.prompt import PromptScreen
        from guarantee_tui.ui.screens.review import ReviewScreen

        def chosen(value: str | None) -> None:
            if value is None:
                return
            try:
                percent = float(value.replace(",", ".").rstrip("% "))
            except ValueError:
                self.notify(
                    self.tr("Give a percentage, such as 10."), severity="error", markup=False
                )
                return
            self.app.push_screen(ReviewScreen(replace(self.filter), percent))

        self.app.push_screen(
            PromptScreen(
                self.tr("What share of the period's decisions should be reviewed (percent)?"),
                value="10",
            ),
            chosen,
        )

    @on(LazyTable.Selected)
    def _selected(self, event: LazyTable.Selected) -> None:
        self._open(event.row.key)

    def action_open_entry(self) -> None:
        row = self.table.cursor
        if row is not None:
            self._open(row.key)

    def _open(self, key: str) -> None:
        """Enter: a group of marks opens or closes; an entry opens."""
        from guarantee_tui.ui.screens.log_entry import LogEntryScreen

        if key.startswith("g"):
            self._toggle()
            return
        self.app.push_screen(LogEntryScreen(int(key)))
