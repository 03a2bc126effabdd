"""The header line of every screen: who works, on which database, in which
language, and for each market whether its phone line is open, the time
there, and when the line next opens or closes.

The lines are told as fully as the width allows: "FR ● open, 14:05 → closes
17:00" on a wide terminal, "FR ● open 14:05 → 17:00" on a medium one,
"FR ● 14:05→17:00" at 80 columns (the mark and its colour tell open from
closed). Computing them does no I/O (holidays are in memory).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, cast

from rich.text import Text
from textual.widgets import Static

from guarantee_tui.i18n import LANGUAGE_NAMES, N_, Translator
from guarantee_tui.policy.markets import rules_for
from guarantee_tui.presentation import role_label
from guarantee_tui.services.hours import LineStatus, when

if TYPE_CHECKING:
    from datetime import datetime

    from guarantee_tui.ui.app import GuaranteeApp

FULL: Final = {
    True: N_("open, {time} → closes {next}"),
    False: N_("closed, {time} → opens {next}"),
}
MEDIUM: Final = {True: N_("open {time} → {next}"), False: N_("closed {time} → {next}")}
WITHOUT_NEXT: Final = {True: N_("open {time}"), False: N_("closed {time}")}
# The left part keeps at least this many cells when the lines must be cut short.
LEFT_MIN: Final = 10


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
            self.size.width,
        )

    def _tick(self) -> None:
        if self._signature() != self._painted:
            self.refresh_text()

    def refresh_text(self) -> None:
        app = cast("GuaranteeApp", self.app)
        self._painted = self._signature()
        tr = app.tr
        agent = app.agent or tr("no agent")
        left = Text()
        if self.size.width >= 100:
            left.append("guarantee-tui", style="bold")
            left.append("  ")
        left.append(tr("{agent} ({role})", agent=agent, role=role_label(app.actor_role, tr)))
        left.append(" · ")
        left.append(app.database_name or "…")
        left.append(" · ")
        left.append(LANGUAGE_NAMES[tr.language])
        now = app.now()
        # Worked out in a worker by the app (holiday calendars take a while the
        # first time); until then the line shows without them.
        statuses = app.line_statuses() or []
        width = self.size.width - 2 if self.size.width else 78
        right = Text()
        for verbosity in ("full", "medium", "short"):
            right = lines_text(statuses, now, tr, verbosity)
            if left.cell_len + right.cell_len + 1 <= width:
                break
        if left.cell_len + right.cell_len + 1 > width:
            left.truncate(max(width - right.cell_len - 1, LEFT_MIN), overflow="ellipsis")
        gap = max(width - left.cell_len - right.cell_len, 1)
        self.update(Text.assemble(left, " " * gap, right))

    def on_resize(self) -> None:
        self.refresh_text()
