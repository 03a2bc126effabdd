"""`i` from the queue: the e-mails intake left for an agent, newest first.

A claim e-mail whose explanations intake could not all place surely, from
a sender nobody is known by, or proposing changes to an open claim waits
here; an automatic answer or a question is set aside here, visibly. Enter
opens one (ui/screens/intake_message.py). The list is read before the
screen shows, so it paints once, whole.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from guarantee_tui.i18n import N_, Translator
from guarantee_tui.services import intake_review as review
from guarantee_tui.services.intake import REASONS, STATUS_LABELS
from guarantee_tui.services.intake_review import WaitingRow
from guarantee_tui.text import visible
from guarantee_tui.ui.base import AppScreen
from guarantee_tui.ui.widgets.footer import AppFooter
from guarantee_tui.ui.widgets.lazy_table import Column, LazyTable, Row
from guarantee_tui.ui.widgets.top_bar import TopBar

if TYPE_CHECKING:
    from guarantee_tui.ui.base import Translated


def when(moment: datetime, tr: Translator) -> str:
    """A message's date and time in this desk's zone, short (a table's cell)."""
    local = moment.astimezone()
    return f"{tr.date(local.date(), short=True)} {tr.time(local)}"


def status_text(status: str, reason: str | None, tr: Translator) -> Text:
    """What became of the message: set-aside ones are dim, waiting ones bold."""
    label = tr(STATUS_LABELS.get(status, status))
    if status == "not_a_claim" and reason in REASONS:
        label = tr("{status}: {reason}", status=label, reason=tr(REASONS[reason]))
    return Text(label, style="dim" if status == "not_a_claim" else "bold")


def _push(screen: Translated, shown: AppScreen) -> None:
    screen.gapp.push_screen(shown)


def open_intake(screen: Translated) -> None:
    """Reads the waiting messages, then shows the list (no empty screen first)."""
    screen.run_db(
        review.waiting,
        lambda rows: _push(screen, IntakeScreen(rows)),
        group="intake-open",
    )


class IntakeScreen(AppScreen):
    DEFAULT_CSS = """
    IntakeScreen #intake-summary { height: auto; max-height: 2; padding: 0 1; color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_message", N_("Open"), id="intake.open"),
    ]

    def __init__(self, rows: list[WaitingRow]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield TopBar()
        yield Static(id="intake-summary")
        yield LazyTable(self._columns(), id="intake-table")
        yield AppFooter()

    def _columns(self) -> list[Column]:
        tr = self.tr
        return [
            Column("date", tr("Date"), width=16, priority=100),
            Column("sender", tr("Sender"), width=16, priority=60),
            Column("subject", tr("Subject"), width=None, min_width=10, priority=70),
            Column("professional", tr("Professional"), width=13, priority=90),
            Column("status", tr("Status"), width=18, priority=95),
        ]

    @property
    def table(self) -> LazyTable:
        return self.query_one("#intake-table", LazyTable)

    def on_mount(self) -> None:
        self._fill(keep_cursor=False)

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Reads the list again (back from a message, the database back)."""
        self.run_db(review.waiting, self._loaded, group="intake-list")

    def others_acted(self, changes: list[object]) -> None:
        # Another agent's answer to a message takes it off this list.
        if self.is_current and changes:
            self.reload()

    def _loaded(self, rows: list[WaitingRow]) -> None:
        self.rows = rows
        self._fill(keep_cursor=True)

    def retranslate(self) -> None:
        super().retranslate()
        self.table.set_columns(self._columns())
        self._fill(keep_cursor=True)

    def _fill(self, *, keep_cursor: bool) -> None:
        table = self.table
        ids = [str(r.id) for r in self.rows]
        current = table.cursor
        generation = table.reset(len(self.rows), keep_rows=keep_cursor)
        table.set_rows(generation, 0, [self._row(r) for r in self.rows])
        if keep_cursor and current is not None and current.key in ids:
            table.cursor_row = ids.index(current.key)
        else:
            table.cursor_row = 0
        # An empty table would take Enter and do nothing; the screen says why.
        if self.rows:
            table.focus()
        else:
            self.set_focus(None)
        self._summary()

    def _summary(self) -> None:
        tr = self.tr
        waiting = sum(1 for r in self.rows if r.status != "not_a_claim")
        aside = len(self.rows) - waiting
        parts = [
            tr.plural("{n} message waits for an agent", "{n} messages wait for an agent", waiting),
            tr.plural("{n} set aside", "{n} set aside", aside),
        ]
        if not self.rows:
            parts = [tr("No message waits: intake placed every explanation surely.")]
        self.query_one("#intake-summary", Static).update(Text(" · ".join(parts)))

    def _row(self, r: WaitingRow) -> Row:
        tr = self.tr
        if r.professional is not None:
            professional = Text(visible(r.professional))
        else:
            professional = Text(tr("unknown"), style="italic")
        return Row(
            key=str(r.id),
            cells=(
                when(r.sent_at or r.received_at, tr),
                visible(r.sender),
                visible(" ".join(r.subject.split())),
                professional,
                status_text(r.status, r.reason, tr),
            ),
        )

    @on(LazyTable.RowsNeeded)
    def _rows_needed(self, event: LazyTable.RowsNeeded) -> None:
        rows = [self._row(r) for r in self.rows[event.start : event.end]]
        self.table.set_rows(event.generation, event.start, rows)

    @on(LazyTable.Selected)
    def _selected(self, event: LazyTable.Selected) -> None:
        self._open(int(event.row.key))

    def action_open_message(self) -> None:
        row = self.table.cursor
        if row is None:
            self.notify(self.tr("No message waits here."), markup=False)
            return
        self._open(int(row.key))

    def _open(self, intake_id: int) -> None:
        from guarantee_tui.ui.screens.intake_message import open_message

        open_message(self, intake_id)
