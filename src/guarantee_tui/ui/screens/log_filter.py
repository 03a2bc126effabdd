"""Choosing which log entries to see: period, agents, markets, actions.

Every choice is a list to tick (space or Enter), never a name to type: the
agents are those the log knows. Days are typed as the language writes them
(29/11/2026; 2026-11-29 is understood too). `ctrl+s` applies, as in every
dialog; Enter in a day's field applies as well.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import ClassVar, Final

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, SelectionList, Static
from textual.widgets.selection_list import Selection

from guarantee_tui.i18n import N_, Translator
from guarantee_tui.policy.markets import MARKETS
from guarantee_tui.presentation import log_action_label
from guarantee_tui.services.log import ACTIONS, DECISIONS, LogFilter
from guarantee_tui.text import visible
from guarantee_tui.ui.base import AppModal

# The choice that stands for the three decisions at once.
ALL_DECISIONS: Final = "@decisions"
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


class BadDay(ValueError):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def day_example(tr: Translator) -> str:
    """A day as the UI's languages write it in figures (French, Portuguese and
    British English alike): 29/11/2026."""
    # Translators: a day written in figures, as people type it (day/month/year).
    return tr("{day}/{month}/{year}", day="29", month="11", year="2026")


def parse_day(value: str) -> date | None:
    """A day as French, Portuguese and British English write it (29/11/2026,
    29.11.2026, 29-11-2026), or 2026-11-29; empty means no bound. Raises BadDay."""
    text = value.strip()
    if not text:
        return None
    found = _DAY_FIRST.match(text)
    try:
        if found:
            return date(int(found[3]), int(found[2]), int(found[1]))
        found = _ISO.match(text)
        if found:
            return date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        pass
    raise BadDay(text)


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _typed(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _prompt(label: str, ticked: bool) -> Text:
    """A choice's text, ticked or not in words as well as in colour."""
    return Text(("✔ " if ticked else "· ") + label, style="bold" if ticked else "")


class LogFilterScreen(AppModal[LogFilter | None]):
    AUTO_FOCUS = "#filter-action"
    DEFAULT_CSS = """
    LogFilterScreen { align: center middle; }
    LogFilterScreen > Vertical {
        width: 100; max-width: 98%; height: auto; max-height: 100%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    LogFilterScreen #filter-days { height: 3; }
    LogFilterScreen #filter-days Label { height: 3; content-align: left middle; padding-right: 1; }
    LogFilterScreen #filter-days Input { width: 1fr; }
    LogFilterScreen #filter-lists { height: auto; max-height: 14; }
    LogFilterScreen #filter-lists Vertical { height: auto; }
    LogFilterScreen #filter-lists SelectionList { height: auto; max-height: 12; }
    LogFilterScreen #box-action { width: 2fr; }
    LogFilterScreen #box-agent { width: 1fr; }
    LogFilterScreen #box-market { width: 12; }
    LogFilterScreen .list-title { text-style: bold; }
    LogFilterScreen #filter-error { color: $error; height: auto; }
    LogFilterScreen #filter-buttons { height: auto; align-horizontal: right; }
    LogFilterScreen Button { margin-left: 2; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "apply", N_("Apply"), id="filter.apply"),
    ]

    def __init__(self, current: LogFilter, agents: Sequence[str] = ()) -> None:
        super().__init__()
        self.current = current
        self.agents = sorted({*agents, *current.agents})
        # Each choice's words, by value (agents and markets name themselves).
        self._labels: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(id="filter-title")
            with Horizontal(id="filter-days"):
                yield Label(id="label-from")
                yield Input(id="filter-from")
                yield Label(id="label-to")
                yield Input(id="filter-to")
            with Horizontal(id="filter-lists"):
                with Vertical(id="box-action"):
                    yield Label(id="label-action", classes="list-title")
                    yield SelectionList[str](id="filter-action")
                with Vertical(id="box-agent"):
                    yield Label(id="label-agent", classes="list-title")
                    yield SelectionList[str](
                        *(
                            Selection(
                                _prompt(visible(a), a in self.current.agents),
                                a,
                                a in self.current.agents,
                            )
                            for a in self.agents
                        ),
                        id="filter-agent",
                    )
                with Vertical(id="box-market"):
                    yield Label(id="label-market", classes="list-title")
                    yield SelectionList[str](
                        *(
                            Selection(
                                _prompt(str(m), str(m) in self.current.markets),
                                str(m),
                                str(m) in self.current.markets,
                            )
                            for m in MARKETS
                        ),
                        id="filter-market",
                    )
            yield Static(id="filter-error")
            with Horizontal(id="filter-buttons"):
                yield Button(id="filter-cancel")
                yield Button(variant="primary", id="filter-apply")

    def on_mount(self) -> None:
        c = self.current
        if c.start:
            self.query_one("#filter-from", Input).value = _typed(c.start.date())
        if c.end:
            self.query_one("#filter-to", Input).value = _typed((c.end - timedelta(days=1)).date())
        for choices in self.query(SelectionList):
            if choices.option_count:
                choices.highlighted = 0

    def _action_choices(self) -> list[Selection[str]]:
        tr = self.tr
        chosen = self._chosen_actions()
        every = frozenset(DECISIONS) <= chosen
        self._labels = {ALL_DECISIONS: tr("all decisions")}
        self._labels.update({a: log_action_label(a, tr) for a in ACTIONS})
        choices = [Selection(_prompt(self._labels[ALL_DECISIONS], every), ALL_DECISIONS, every)]
        for a in ACTIONS:
            ticked = a in chosen and not (every and a in DECISIONS)
            choices.append(Selection(_prompt(self._labels[a], ticked), a, ticked))
        return choices

    @on(SelectionList.SelectedChanged)
    def _ticked(self, event: SelectionList.SelectedChanged[str]) -> None:
        choices = event.selection_list
        chosen = set(choices.selected)
        for i in range(choices.option_count):
            value = choices.get_option_at_index(i).value
            label = self._labels.get(value, visible(value))
            choices.replace_option_prompt_at_index(i, _prompt(label, value in chosen))

    def _chosen_actions(self) -> frozenset[str]:
        try:
            actions = self.query_one("#filter-action", SelectionList)
        except Exception:
            return self.current.actions
        if not actions.option_count:
            return self.current.actions
        chosen = set(actions.selected)
        if ALL_DECISIONS in chosen:
            chosen.discard(ALL_DECISIONS)
            chosen |= set(DECISIONS)
        return frozenset(chosen)

    def retranslate(self) -> None:
        super().retranslate()
        tr = self.tr
        example = day_example(tr)
        self.query_one("#filter-title", Static).update(
            Text(
                tr(
                    "Which entries? Days as {example} (UTC days, both included); "
                    "tick with space, nothing ticked means all.",
                    example=example,
                ),
                style="bold",
            )
        )
        for name, label in (
            ("from", tr("From")),
            ("to", tr("To")),
            ("agent", tr("Agents")),
            ("market", tr("Markets")),
            ("action", tr("Actions")),
        ):
            self.query_one(f"#label-{name}", Label).update(Text(label))
        for day in ("#filter-from", "#filter-to"):
            self.query_one(day, Input).placeholder = example
        actions = self.query_one("#filter-action", SelectionList)
        highlighted = actions.highlighted
        actions.clear_options()
        actions.add_options(self._action_choices())
        actions.highlighted = highlighted if highlighted is not None else 0
        self.query_one("#filter-apply", Button).label = self.with_key(
            tr("Apply"), self.bound_key("apply")
        )
        self.query_one("#filter-cancel", Button).label = self.with_key(
            tr("Cancel"), self.bound_key("cancel")
        )

    def _error(self, text: str) -> None:
        self.query_one("#filter-error", Static).update(Text(text))

    def _day(self, field: str, name: str) -> date | None:
        tr = self.tr
        try:
            return parse_day(self.query_one(field, Input).value)
        except BadDay as bad:
            self._error(
                tr(
                    "{field}: “{value}” is not a day. Write days as {example}.",
                    field=name,
                    value=visible(bad.text),
                    example=day_example(tr),
                )
            )
            self.query_one(field, Input).focus()
            raise

    @on(Input.Submitted)
    @on(Button.Pressed, "#filter-apply")
    def action_apply(self) -> None:
        tr = self.tr
        try:
            start = self._day("#filter-from", tr("From"))
            end = self._day("#filter-to", tr("To"))
        except BadDay:
            return
        if start and end and end < start:
            self._error(tr("The last day is before the first."))
            return
        agents = frozenset(self.query_one("#filter-agent", SelectionList).selected)
        markets = frozenset(self.query_one("#filter-market", SelectionList).selected)
        self.dismiss(
            LogFilter(
                start=_at(start) if start else None,
                end=_at(end) + timedelta(days=1) if end else None,
                agents=frozenset(str(a) for a in agents),
                markets=frozenset(str(m) for m in markets),
                actions=self._chosen_actions(),
                claim_ref=self.current.claim_ref,
            )
        )

    @on(Button.Pressed, "#filter-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()
