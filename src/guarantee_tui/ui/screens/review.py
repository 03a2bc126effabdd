"""`R` in the log: a reproducible random sample of decisions for a second review."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from guarantee_tui.i18n import N_
from guarantee_tui.presentation import log_action_label
from guarantee_tui.services import log
from guarantee_tui.services.log import Entry, LogFilter
from guarantee_tui.ui.base import AppScreen
from guarantee_tui.ui.inert import data_text
from guarantee_tui.ui.screens.log import describe_filter, entry_moment
from guarantee_tui.ui.widgets.footer import AppFooter
from guarantee_tui.ui.widgets.small_table import SmallTable
from guarantee_tui.ui.widgets.top_bar import TopBar


@dataclass(frozen=True, slots=True)
class _Sample:
    entries: list[Entry]
    reviews: dict[int, Entry]


class ReviewScreen(AppScreen):
    AUTO_FOCUS = "DataTable"
    DEFAULT_CSS = """
    ReviewScreen #review-title { height: auto; padding: 0 1; }
    ReviewScreen DataTable { height: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_entry", N_("Open"), id="review.open"),
    ]

    def __init__(self, f: LogFilter, percent: float) -> None:
        super().__init__()
        self.filter = f
        self.percent = percent
        self.sample: _Sample | None = None

    def compose(self) -> ComposeResult:
        yield TopBar()
        yield Static(id="review-title")
        yield SmallTable(id="review-table", cursor_type="row", zebra_stripes=True)
        yield AppFooter()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        f, percent, agent = self.filter, self.percent, self.gapp.agent

        def load(db: Any) -> _Sample:
            entries = log.review_sample(db, f, percent, agent)
            return _Sample(entries, log.reviews_of(db, [e.seq for e in entries]))

        self.run_db(load, self._loaded, group="review-sample")

    def _loaded(self, sample: _Sample) -> None:
        self.sample = sample
        self._paint()

    def retranslate(self) -> None:
        super().retranslate()
        self._paint()

    def _paint(self) -> None:
        tr = self.tr
        sample = self.sample
        title = self.query_one("#review-title", Static)
        if sample is None:
            title.update(Text(tr("Loading…")))
            return
        done = sum(1 for e in sample.entries if e.seq in sample.reviews)
        title.update(
            Text(
                tr(
                    "Review sample: {percent} of the decisions · {period} · "
                    "{done} of {total} reviewed",
                    percent=tr.percent(self.percent),
                    period=describe_filter(self.filter, tr),
                    done=done,
                    total=len(sample.entries),
                )
            )
        )
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear(columns=True)
        table.add_columns("#", tr("Time"), tr("Agent"), tr("Action"), tr("Claim"), tr("Review"))
        for e in sample.entries:
            review = sample.reviews.get(e.seq)
            verdict = (
                Text("—", style="dim")
                if review is None
                else Text(
                    log_action_label(review.action, tr),
                    style="green" if review.action == "review_agree" else "bold red",
                )
            )
            table.add_row(
                str(e.seq),
                entry_moment(e, tr),
                data_text(e.agent),
                log_action_label(e.action, tr, e.details),
                data_text(e.claim_ref),
                verdict,
                key=str(e.seq),
            )
        if sample.entries:
            table.move_cursor(row=min(cursor, len(sample.entries) - 1))

    @on(DataTable.RowSelected)
    def action_open_entry(self) -> None:
        from guarantee_tui.ui.screens.log_entry import LogEntryScreen

        sample = self.sample
        table = self.query_one(DataTable)
        if sample and 0 <= table.cursor_row < len(sample.entries):
            self.app.push_screen(LogEntryScreen(sample.entries[table.cursor_row].seq))
