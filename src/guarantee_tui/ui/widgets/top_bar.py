"""The header line of every screen: who works, on which database, in which
language, the link to the marketplace, and for each market whether its
phone line is open, the time there, and when the line next opens or closes.

Everything is told as fully as the width allows, and the least useful words
go first when it does not: "FR ● open, 14:05 → closes 17:00" on a wide
terminal, "FR ● open 14:05 → 17:00" on a medium one, "FR ● 14:05→17:00" at
80 columns, "FR ○ closed→Mon 09:00" when closed (in words, as wider); "marketplace:
connected · 3 waiting · 1 failed", then "● connected · 3 waiting · 1 failed",
then without the zero counts, then the mark and the count that matters
most; the language's name, then the database's, then the agent's role,
before any of the agent's name is cut. Computing it does no I/O (holidays are in memory; the app
counts the effects in a worker, ui/link.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, cast

from rich.text import Text
from textual.widgets import Static

from guarantee_tui.i18n import LANGUAGE_NAMES, N_, Translator
from guarantee_tui.policy.markets import rules_for
from guarantee_tui.presentation import role_label
from guarantee_tui.services.hours import LineStatus, when
from guarantee_tui.text import visible
from guarantee_tui.ui.link import NO_TOKEN, OFF, ON, REJECTED, LinkStatus

if TYPE_CHECKING:
    from datetime import datetime

    from guarantee_tui.ui.app import GuaranteeApp

FULL: Final = {
    True: N_("open, {time} → closes {next}"),
    False: N_("closed, {time} → opens {next}"),
}
MEDIUM: Final = {True: N_("open {time} → {next}"), False: N_("closed {time} → {next}")}
WITHOUT_NEXT: Final = {True: N_("open {time}"), False: N_("closed {time}")}
# At 80 columns a closed line says so in words, in place of its time.
SHORT_CLOSED: Final = (N_("closed"), N_("closed→{next}"))
# The left part keeps at least this many cells when the lines must be cut short.
LEFT_MIN: Final = 10
LINK_STATES: Final = {
    OFF: N_("not connected"),
    NO_TOKEN: N_("no token"),
    ON: N_("connected"),
    REJECTED: N_("token rejected (401)"),
}
LINK_MARKS: Final = {
    OFF: ("○", "dim"),
    NO_TOKEN: ("✘", "red"),
    ON: ("●", "green"),
    REJECTED: ("✘", "red"),
}
# (left part, link, lines), the most useful first: the first that fits is shown.
LAYOUTS: Final = (
    ("brand", "full", "full"),
    ("full", "full", "full"),
    ("full", "medium", "full"),
    ("full", "full", "medium"),
    ("full", "medium", "medium"),
    ("full", "compact", "medium"),
    ("full", "medium", "short"),
    ("full", "compact", "short"),
    ("database", "medium", "short"),
    ("database", "compact", "short"),
    ("agent", "compact", "short"),
    ("name", "compact", "short"),
    ("agent", "minimal", "short"),
    ("name", "minimal", "short"),
)


def link_text(status: LinkStatus, tr: Translator, verbosity: str) -> Text:
    """The marketplace link: "marketplace: connected · 3 waiting · 1 failed"
    (verbosity "full"), "● connected · 3 waiting · 1 failed" ("medium"), the
    same without zero counts ("compact"), "● 1 failed" ("minimal")."""
    mark, style = LINK_MARKS[status.state]
    word = tr(LINK_STATES[status.state])
    counts: list[Text] = []
    if status.waiting is not None and (status.waiting or verbosity in ("full", "medium")):
        counts.append(Text(tr("{n} waiting", n=tr.number(status.waiting))))
    # Failures matter only where something is sent.
    shows_failed = status.state != OFF or bool(status.failed)
    if (
        status.failed is not None
        and shows_failed
        and (status.failed or verbosity in ("full", "medium"))
    ):
        counts.append(
            Text(
                tr("{n} failed", n=tr.number(status.failed)),
                style="bold red" if status.failed else "",
            )
        )
    text = Text()
    if verbosity == "full":
        text.append(tr("marketplace: {state}", state=word), style=style)
    else:
        text.append(mark, style=style)
        text.append(" ")
        if verbosity == "minimal" and counts:
            # The count that matters most: the failures, else what waits.
            text.append_text(counts[-1])
            return text
        text.append(word, style=style)
    for count in counts:
        text.append(" · ")
        text.append_text(count)
    return text


def line_text(status: LineStatus, now: datetime, tr: Translator, verbosity: str) -> Text:
    """One market's line: "FR ● open 14:05 → 17:00" (verbosity "full", "medium", "short")."""
    is_open = status.open
    style = "green" if is_open else "red"
    text = Text()
    text.append(status.market, style="bold")
    text.append(" ")
    text.append("●" if is_open else "○", style=style)
    text.append(" ")
    time = tr.time(status.local_time)
    change = status.next_change
    following = when(change, now, rules_for(status.market).zone, tr) if change else None
    if verbosity == "short" and not is_open:
        said = tr(SHORT_CLOSED[0]) if following is None else tr(SHORT_CLOSED[1], next=following)
        text.append(said, style=style)
        return text
    if verbosity == "short":
        text.append(time if following is None else f"{time}→{following}")
        return text
    if following is None:
        text.append(tr(WITHOUT_NEXT[is_open], time=time), style=style)
    else:
        template = FULL[is_open] if verbosity == "full" else MEDIUM[is_open]
        text.append(tr(template, time=time, next=following), style=style)
    return text


def lines_text(statuses: list[LineStatus], now: datetime, tr: Translator, verbosity: str) -> Text:
    out = Text()
    for status in statuses:
        out.append("  ")
        out.append_text(line_text(status, now, tr, verbosity))
    return out


class TopBar(Static):
    DEFAULT_CSS = """
    TopBar {
        height: 1;
        background: $primary-background;
        color: $text;
        padding: 0 1;
    }
    """

    def on_mount(self) -> None:
        self._painted: tuple[object, ...] | None = None
        self.refresh_text()
        # Cheap: repaints only when the minute, the language or the agent changed.
        self.set_interval(1, self._tick)

    def _signature(self) -> tuple[object, ...]:
        app = cast("GuaranteeApp", self.app)
        now = app.now()
        return (
            now.replace(second=0, microsecond=0),
            app.tr.language,
            app.agent,
            app.actor_role,
            app.database_name,
            app.link.status,
            self.size.width,
        )

    def _tick(self) -> None:
        if self._signature() != self._painted:
            self.refresh_text()

    def on_compose(self) -> None:
        # Written before the first frame: a pushed screen never shows an
        # untitled bar (its size is not known yet; the app's width is).
        self.refresh_text()

    def refresh_text(self) -> None:
        app = cast("GuaranteeApp", self.app)
        self._painted = self._signature()
        tr = app.tr
        # Typed by people (the agent's name, the database's): shown, never acted on.
        name = visible(app.agent) if app.agent else tr("no agent")
        agent = tr("{agent} ({role})", agent=name, role=role_label(app.actor_role, tr))
        database = visible(app.database_name) if app.database_name else "…"
        parts = (agent, database, LANGUAGE_NAMES[tr.language])
        lefts = {
            "brand": Text.assemble(("guarantee-tui", "bold"), "  ", " · ".join(parts)),
            "full": Text(" · ".join(parts)),
            "database": Text(" · ".join(parts[:2])),
            "agent": Text(parts[0]),
            # Without the role, which the person knows.
            "name": Text(name),
        }
        now = app.now()
        # Worked out in a worker by the app (holiday calendars take a while the
        # first time); until then the line shows without them.
        statuses = app.line_statuses() or []
        # Before its first layout (on_compose) the bar spans the app, less its padding.
        inner = self.size.width or app.size.width - 2
        width = inner - 2 if inner > 0 else 78
        for left_form, link_form, lines_form in LAYOUTS:
            left = lefts[left_form]
            right = Text.assemble(
                link_text(app.link.status, tr, link_form), lines_text(statuses, now, tr, lines_form)
            )
            if left.cell_len + right.cell_len + 1 <= width:
                break
        if left.cell_len + right.cell_len + 1 > width:
            left = left.copy()
            left.truncate(max(width - right.cell_len - 1, LEFT_MIN), overflow="ellipsis")
        gap = max(width - left.cell_len - right.cell_len, 1)
        text = Text.assemble(left, " " * gap, right)
        # An update lays the screen out again: none for the same text (its
        # first layout, a minute's tick that changed nothing shown).
        if text != self.content:
            self.update(text)

    def on_resize(self) -> None:
        self.refresh_text()
