"""`f` in the log: decisions per agent over the filtered period."""

from __future__ import annotations

from typing import Final

from rich import box
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from guarantee_tui.i18n import Translator
from guarantee_tui.services import log
from guarantee_tui.services.log import AgentFigures, LogFilter
from guarantee_tui.ui.base import AppScreen
from guarantee_tui.ui.inert import data_text
from guarantee_tui.ui.screens.log import describe_filter
from guarantee_tui.ui.widgets.footer import AppFooter
from guarantee_tui.ui.widgets.top_bar import TopBar

# Past this, the column reads in hours: "1,5 h" rather than "90 min".
_HOURS_FROM: Final = 10 * 3600


def median_time(seconds: float, tr: Translator, *, in_hours: bool) -> str:
    """A time to decide in the column's one unit: minutes ("< 1 min", "12 min"),
    or hours with a decimal when one agent takes hours ("0,2 h", "26,5 h")."""
    if in_hours:
        return tr("{hours} h", hours=tr.number(round(seconds / 3600, 1)))
    if seconds < 60:
        return tr("< 1 min")
    return tr("{minutes} min", minutes=tr.number(round(seconds / 60)))


class FiguresScreen(AppScreen):
    AUTO_FOCUS = "#figures-body"
    DEFAULT_CSS = """
    FiguresScreen #figures-body { height: 1fr; padding: 0 1; }
    """

    def __init__(self, f: LogFilter) -> None:
        super().__init__()
        self.filter = f
        self.figures: list[AgentFigures] | None = None

    def compose(self) -> ComposeResult:
        yield TopBar()
        with VerticalScroll(id="figures-body", can_focus=True):
            yield Static(id="figures-table")
        yield AppFooter()

    def on_mount(self) -> None:
        f, agent = self.filter, self.gapp.agent
        self.run_db(lambda db: log.figures(db, f, agent), self._loaded, group="figures")

    def _loaded(self, figures: list[AgentFigures]) -> None:
        self.figures = figures
        self._paint()

    def retranslate(self) -> None:
        super().retranslate()
        self._paint()

    def _paint(self) -> None:
        tr = self.tr
        if self.figures is None:
            self.query_one("#figures-table", Static).update(Text(tr("Loading…")))
            return
        table = Table(
            title=tr(
                "Decisions per agent · {period} · every decision, whatever the log's action filter",
                period=describe_filter(self.filter, tr, actions=False),
            ),
            expand=True,
            show_lines=False,
            box=box.SIMPLE_HEAD,
        )
        table.add_column(tr("Agent"))
        table.add_column(tr("Decisions"), justify="right")
        table.add_column(tr("Approved"), justify="right")
        table.add_column(tr("Rejected"), justify="right")
        table.add_column(tr("Suspended"), justify="right")
        table.add_column(tr("Approval rate"), justify="right")
        table.add_column(tr("Median time to decide"), justify="right")
        medians = [f.median_seconds for f in self.figures if f.median_seconds is not None]
        in_hours = bool(medians) and max(medians) >= _HOURS_FROM
        for f in self.figures:
            rate = f.approval_rate
            table.add_row(
                data_text(f.agent),
                tr.number(f.decisions),
                tr.number(f.approve),
                tr.number(f.reject),
                tr.number(f.suspend),
                tr.percent(rate * 100) if rate is not None else "—",
                median_time(f.median_seconds, tr, in_hours=in_hours)
                if f.median_seconds is not None
                else "—",
            )
        if not self.figures:
            table.add_row(Text(tr("No decision in this period.")), "", "", "", "", "", "")
        self.query_one("#figures-table", Static).update(table)
