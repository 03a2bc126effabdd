"""`p` on an intake message: who sent it, found as the phone desk finds a caller.

Typing looks professionals up by phone number, e-mail, company name or ref
(services/phone.py, in a worker, a moment after the last key); ↓ or Enter
goes to the results, Enter on one picks it.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Static

from guarantee_tui.i18n import N_
from guarantee_tui.services import phone
from guarantee_tui.services.phone import Lookup, LookupResult
from guarantee_tui.text import visible
from guarantee_tui.ui.base import AppModal
from guarantee_tui.ui.later import TypingPause
from guarantee_tui.ui.screens import phone as phone_screen
from guarantee_tui.ui.widgets.lazy_table import Column, LazyTable, Row


class PickBox(Input):
    """The search box: ↓ goes to the results."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "screen.results", N_("Results"), key_display="↓", id="pick.results"),
    ]


class PickProfessionalScreen(AppModal[str | None]):
    AUTO_FOCUS = "PickBox"
    DEFAULT_CSS = """
    PickProfessionalScreen { align: center middle; }
    PickProfessionalScreen > Vertical {
        width: 90; max-width: 98%; height: 20; max-height: 100%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    PickProfessionalScreen #pick-title { text-style: bold; height: auto; }
    PickProfessionalScreen #pick-status { height: 1; color: $text-muted; }
    PickProfessionalScreen #pick-results { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.lookup: Lookup | None = None
        self._pause = TypingPause(self)
        self._seq = 0

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(id="pick-title")
            yield PickBox(id="pick-query", max_length=200)
            yield Static(id="pick-status")
            yield LazyTable(self._columns(), id="pick-results")

    def _columns(self) -> list[Column]:
        tr = self.tr
        return [
            Column("ref", tr("Ref"), width=10, priority=90),
            Column("company", tr("Company"), width=None, min_width=14, priority=100),
            Column("market", tr("Mkt"), width=4, priority=70),
            Column("matched", tr("Found by"), width=9, priority=60),
        ]

    @property
    def table(self) -> LazyTable:
        return self.query_one("#pick-results", LazyTable)

    def retranslate(self) -> None:
        super().retranslate()
        self.query_one("#pick-title", Static).update(
            Text(self.tr("Who sent this message? Search as on the phone desk."))
        )
        box = self.query_one(PickBox)
        box.placeholder = self.tr("Phone, e-mail, company name or ref")
        self.table.set_columns(self._columns())
        self._status()

    @on(Input.Changed, "#pick-query")
    def _typed(self, event: Input.Changed) -> None:
        value = event.value
        self._pause.after(phone_screen.LOOKUP_DELAY, lambda: self._search(value))

    def _search(self, value: str) -> None:
        self._seq += 1
        seq = self._seq
        self.run_db(
            lambda db: phone.lookup(db, value),
            lambda found: self._found(seq, found),
            group="intake-pick-lookup",
        )

    def _found(self, seq: int, found: Lookup) -> None:
        if seq != self._seq:
            return  # a newer search was asked for
        self.lookup = found
        generation = self.table.reset(len(found.results))
        self.table.set_rows(generation, 0, [self._row(r) for r in found.results])
        self.table.cursor_row = 0
        self._status()

    def _row(self, r: LookupResult) -> Row:
        return Row(
            key=r.professional_ref,
            cells=(
                visible(r.professional_ref),
                visible(r.company),
                visible(r.market),
                phone.matched_on_label(r.matched_on, self.tr),
            ),
        )

    def _status(self) -> None:
        tr, found = self.tr, self.lookup
        if found is None:
            text = tr("Type to search.")
        elif found.hint is not None:
            text = visible(tr.render(found.hint))
        else:
            text = tr.plural(
                "{n} professional found", "{n} professionals found", len(found.results)
            )
        self.query_one("#pick-status", Static).update(Text(text))

    @on(LazyTable.RowsNeeded)
    def _rows_needed(self, event: LazyTable.RowsNeeded) -> None:
        if self.lookup is not None:
            rows = [self._row(r) for r in self.lookup.results[event.start : event.end]]
            self.table.set_rows(event.generation, event.start, rows)

    def action_results(self) -> None:
        if self.lookup is not None and self.lookup.results:
            self.table.focus()
        else:
            self.notify(self.tr("No professional found yet: type more."), markup=False)

    @on(Input.Submitted, "#pick-query")
    def _submitted(self) -> None:
        self.action_results()

    @on(LazyTable.Selected)
    def _selected(self, event: LazyTable.Selected) -> None:
        self.dismiss(event.row.key)
