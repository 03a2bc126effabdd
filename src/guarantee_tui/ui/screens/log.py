"""`l`: the decision log, newest first, paged so a million entries stay instant.

Agents see their own entries, supervisors everyone's (the services decide).
`/` filters by period, agent, market and action; `f` shows the figures per
agent for the filtered period; `R` draws a review sample (supervisors).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from guarantee_tui.i18n import N_, Translator
from guarantee_tui.presentation import log_action_label
from guarantee_tui.services import log
from guarantee_tui.services.log import Entry, LogFilter
from guarantee_tui.text import visible
from guarantee_tui.ui.base import AppScreen
from guarantee_tui.ui.widgets.footer import AppFooter
from guarantee_tui.ui.widgets.lazy_table import Column, LazyTable, Row
from guarantee_tui.ui.widgets.top_bar import TopBar


def describe_filter(f: LogFilter, tr: Translator) -> str:
    parts = []
    if f.start or f.end:
        start = tr.date(f.start.date(), short=True) if f.start else "…"
        end = tr.date((f.end - _ONE_DAY).date(), short=True) if f.end else "…"
        parts.append(tr("period: {start} – {end}", start=start, end=end))
    if f.agents:
        parts.append(tr("agent: {value}", value=visible(", ".join(sorted(f.agents)))))
    if f.markets:
        parts.append(tr("market: {value}", value=", ".join(sorted(f.markets))))
    if f.actions:
        parts.append(
            tr(
                "action: {value}",
                value=", ".join(log_action_label(a, tr) for a in sorted(f.actions)),
            )
        )
    return " · ".join(parts) if parts else tr("all entries")


_ONE_DAY = timedelta(days=1)


class LogScreen(AppScreen):
    DEFAULT_CSS = """
    LogScreen #log-summary { height: auto; max-height: 2; padding: 0 1; color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", N_("Filter"), id="log.filter"),
        Binding("x", "clear", N_("Clear"), id="log.clear"),
        Binding("f", "figures", N_("Figures"), id="log.figures"),
        Binding("R", "review", N_("Review sample"), id="log.review"),
        Binding("e", "effects", N_("Effects"), id="log.effects"),
        Binding("enter", "open_entry", N_("Open"), show=False, id="log.open"),
    ]

    def __init__(self, f: LogFilter | None = None) -> None:
        super().__init__()
        self.filter = f or LogFilter()
        self._total: int | None = None

    def compose(self) -> ComposeResult:
        yield TopBar()
        yield Static(id="log-summary")
        yield LazyTable(self._columns(), id="log-table")
        yield AppFooter()

    def _columns(self) -> list[Column]:
        tr = self.tr
        return [
            Column("seq", "#", width=7, align="right", priority=100),
            Column("at", tr("Time (UTC)"), width=17, priority=90),
            Column("agent", tr("Agent"), width=12, priority=80),
            Column("action", tr("Action"), width=16, priority=95),
            Column("claim", tr("Claim"), width=11, priority=85),
            Column("market", tr("Mkt"), width=4, priority=40),
            Column("refund", tr("Refund"), width=8, align="right", priority=30),
            Column("reason", tr("Reason"), width=None, min_width=10, priority=50),
        ]

    @property
    def table(self) -> LazyTable:
        return self.query_one("#log-table", LazyTable)

    def on_mount(self) -> None:
        # The first load comes with ScreenResume, which follows every push.
        self.table.focus()

    def on_screen_resume(self) -> None:
        self.reload(keep_cursor=True)

    def others_acted(self, changes: list[object]) -> None:
        """Another agent's act (ui/app.py follows them) shows without a key press."""
        if self.is_current and changes:
            self.reload(keep_cursor=True)

    def retranslate(self) -> None:
        super().retranslate()
        self.table.set_columns(self._columns())
        if self._total is not None:
            self.table.reset(self._total)
        self._summary()

    def reload(self, *, keep_cursor: bool = False) -> None:
        f, agent = self.filter, self.gapp.agent

        def counted(total: int) -> None:
            if f != self.filter:
                return
            self._total = total
            cursor = self.table.cursor_row
            self.table.reset(total)
            if keep_cursor and total:
                self.table.cursor_row = min(cursor, total - 1)
            self._summary()

        self.run_db(lambda db: log.count(db, f, agent), counted, group="log-count")

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
        self.query_one("#log-summary", Static).update(
            Text(" · ".join((head, scope, describe_filter(self.filter, tr))))
        )

    @on(LazyTable.RowsNeeded)
    def _load(self, event: LazyTable.RowsNeeded) -> None:
        f, agent = self.filter, self.gapp.agent
        generation, start, end = event.generation, event.start, event.end

        def done(entries: list[Entry]) -> None:
            self.table.set_rows(generation, start, [self._row(e) for e in entries])

        def failed(error: BaseException) -> bool:
            self.table.forget_request(generation, start)
            return False

        self.run_db(
            lambda db: log.page(db, f, agent, start, end - start),
            done,
            group=f"log-page-{start}",
            on_error=failed,
        )

    def _row(self, e: Entry) -> Row:
        tr = self.tr
        return Row(
            key=str(e.seq),
            cells=(
                tr.number(e.seq),
                f"{tr.date(e.at.date(), short=True)} {tr.time(e.at)}",
                e.agent,
                log_action_label(e.action, tr),
                e.claim_ref or "",
                e.market or "",
                tr.number(e.refund_credits) if e.refund_credits is not None else "",
                " ".join((e.reason or "").split()),
            ),
        )

    # --- actions ----------------------------------------------------------

    def action_clear(self) -> None:
        self._apply(LogFilter())

    def _apply(self, f: LogFilter) -> None:
        self.filter = f
        self._total = None
        self._summary()
        self.reload()

    def action_filter(self) -> None:
        from guarantee_tui.ui.screens.log_filter import LogFilterScreen

        def chosen(f: LogFilter | None) -> None:
            if f is not None:
                self._apply(f)

        self.app.push_screen(LogFilterScreen(self.filter), chosen)

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
        self._open(int(event.row.key))

    def action_open_entry(self) -> None:
        row = self.table.cursor
        if row is not None:
            self._open(int(row.key))

    def _open(self, seq: int) -> None:
        from guarantee_tui.ui.screens.log_entry import LogEntryScreen

        self.app.push_screen(LogEntryScreen(seq))
