"""Choosing which log entries to see: period, agent, market, action."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from guarantee_tui.presentation import log_action_label
from guarantee_tui.services.log import ACTIONS, LogFilter
from guarantee_tui.ui.base import AppModal


def parse_day(value: str) -> date | None:
    """A day typed as YYYY-MM-DD; empty means no bound. Raises ValueError."""
    text = value.strip()
    return date.fromisoformat(text) if text else None


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


class LogFilterScreen(AppModal[LogFilter | None]):
    DEFAULT_CSS = """
    LogFilterScreen { align: center middle; }
    LogFilterScreen > Vertical {
        width: 76; max-width: 98%; height: auto;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    LogFilterScreen Grid { grid-size: 2; grid-columns: 16 1fr; height: auto; grid-rows: 3; }
    LogFilterScreen Label { height: 3; content-align: left middle; }
    LogFilterScreen #filter-error { color: $error; height: auto; }
    LogFilterScreen Horizontal { height: auto; align-horizontal: right; }
    LogFilterScreen Button { margin-left: 2; }
    """

    def __init__(self, current: LogFilter) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        c = self.current
        with Vertical():
            yield Static(id="filter-title")
            with Grid():
                yield Label(id="label-from")
                yield Input(
                    value=c.start.date().isoformat() if c.start else "",
                    id="filter-from",
                )
                yield Label(id="label-to")
                yield Input(
                    value=(c.end - timedelta(days=1)).date().isoformat() if c.end else "",
                    id="filter-to",
                )
                yield Label(id="label-agent")
                yield Input(value=", ".join(sorted(c.agents)), id="filter-agent")
                yield Label(id="label-market")
                yield Select[str](
                    [("FR", "FR"), ("PT", "PT")],
                    id="filter-market",
                    value=next(iter(c.markets)) if len(c.markets) == 1 else Select.NULL,
                )
                yield Label(id="label-action")
                yield Select[str]([], id="filter-action")
            yield Static(id="filter-error")
            with Horizontal():
                yield Button(id="filter-cancel")
                yield Button(variant="primary", id="filter-apply")

    def on_mount(self) -> None:
        self.query_one("#filter-from", Input).focus()

    def retranslate(self) -> None:
        super().retranslate()
        tr = self.tr
        self.query_one("#filter-title", Static).update(
            Text(tr("Which entries? Days are UTC and both included."), style="bold")
        )
        for name, label in (
            ("from", tr("From")),
            ("to", tr("To")),
            ("agent", tr("Agents")),
            ("market", tr("Market")),
            ("action", tr("Action")),
        ):
            self.query_one(f"#label-{name}", Label).update(Text(label))
        self.query_one("#filter-agent", Input).placeholder = tr("names, separated by commas")
        for day in ("#filter-from", "#filter-to"):
            # Translators: how a day is typed, year-month-day (French AAAA-MM-JJ).
            self.query_one(day, Input).placeholder = tr("YYYY-MM-DD")
        actions = self.query_one("#filter-action", Select)
        chosen = next(iter(self.current.actions)) if len(self.current.actions) == 1 else None
        actions.set_options([(log_action_label(a, tr), a) for a in ACTIONS])
        if chosen is not None:
            actions.value = chosen
        self.query_one("#filter-market", Select).prompt = tr("all")
        actions.prompt = tr("all")
        self.query_one("#filter-apply", Button).label = self.with_key(tr("Apply"), "enter")
        self.query_one("#filter-cancel", Button).label = self.with_key(
            tr("Cancel"), self.bound_key("cancel")
        )

    @on(Input.Submitted)
    @on(Button.Pressed, "#filter-apply")
    def _apply(self) -> None:
        tr = self.tr
        try:
            start = parse_day(self.query_one("#filter-from", Input).value)
            end = parse_day(self.query_one("#filter-to", Input).value)
        except ValueError:
            self.query_one("#filter-error", Static).update(
                Text(tr("Write days as YYYY-MM-DD, e.g. 2026-11-21."))
            )
            return
        if start and end and end < start:
            self.query_one("#filter-error", Static).update(
                Text(tr("The last day is before the first."))
            )
            return
        agents = frozenset(
            " ".join(a.split())
            for a in self.query_one("#filter-agent", Input).value.split(",")
            if a.strip()
        )
        market = self.query_one("#filter-market", Select).value
        action = self.query_one("#filter-action", Select).value
        self.dismiss(
            LogFilter(
                start=_at(start) if start else None,
                end=_at(end) + timedelta(days=1) if end else None,
                agents=agents,
                markets=frozenset({str(market)}) if market is not Select.NULL else frozenset(),
                actions=frozenset({str(action)}) if action is not Select.NULL else frozenset(),
            )
        )

    @on(Button.Pressed, "#filter-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()
