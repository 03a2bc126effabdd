"""`n` on the phone desk: what the call was about and what came of it.

The note and its decision-log entry are written together by the service;
a mistake (no summary, no agent) is said in the dialog, which stays open.
As every dialog: ctrl+s saves, Escape cancels (Enter in the summary goes
on to the outcome, which follows it). The dialog sits at the bottom of the
screen, so that the caller's card stays in view while the agent writes
about the call.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, RadioButton, RadioSet, Static

from guarantee_tui.errors import UserError
from guarantee_tui.i18n import N_
from guarantee_tui.services import phone
from guarantee_tui.services.phone import OUTCOMES, CallNoteOutcome, outcome_label
from guarantee_tui.text import visible
from guarantee_tui.ui.base import AppModal
from guarantee_tui.ui.inert import data_text


class CallNoteScreen(AppModal[CallNoteOutcome | None]):
    AUTO_FOCUS = "#note-summary"
    DEFAULT_CSS = """
    CallNoteScreen { align: center bottom; }
    CallNoteScreen > Vertical {
        width: 76; max-width: 98%; height: auto; max-height: 100%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    CallNoteScreen #note-title { text-style: bold; height: auto; }
    CallNoteScreen .note-label { height: 1; margin-top: 1; color: $text-muted; }
    CallNoteScreen RadioSet { height: auto; width: 100%; }
    CallNoteScreen #note-error { color: $error; height: auto; }
    CallNoteScreen Horizontal { height: auto; align-horizontal: right; }
    CallNoteScreen Button { margin-left: 2; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", N_("Save"), id="note.save"),
    ]

    def __init__(self, professional_ref: str, company: str) -> None:
        super().__init__()
        self.professional_ref = professional_ref
        self.company = company
        self._busy = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(id="note-title")
            yield Static(id="note-summary-label", classes="note-label")
            yield Input(id="note-summary", max_length=phone.MAX_SUMMARY)
            yield Static(id="note-outcome-label", classes="note-label")
            with RadioSet(id="note-outcome"):
                for i, code in enumerate(OUTCOMES):
                    yield RadioButton(code, value=i == 0, id=f"note-outcome-{code}")
            yield Static(id="note-error")
            with Horizontal():
                yield Button(id="note-cancel")
                yield Button(variant="primary", id="note-save")

    def retranslate(self) -> None:
        super().retranslate()
        tr = self.tr
        self.query_one("#note-title", Static).update(
            Text(
                tr(
                    "Call note: {company} ({ref})",
                    company=visible(self.company),
                    ref=visible(self.professional_ref),
                )
            )
        )
        self.query_one("#note-summary-label", Static).update(Text(tr("What was the call about?")))
        self.query_one("#note-summary", Input).placeholder = tr("A few words, for the log")
        self.query_one("#note-outcome-label", Static).update(Text(tr("Outcome")))
        for code in OUTCOMES:
            button = self.query_one(f"#note-outcome-{code}", RadioButton)
            button.label = Text(outcome_label(code, tr))
        self.query_one("#note-save", Button).label = self.with_key(
            tr("Save"), self.bound_key("save")
        )
        self.query_one("#note-cancel", Button).label = self.with_key(
            tr("Cancel"), self.bound_key("cancel")
        )

    @property
    def outcome(self) -> str:
        index = self.query_one(RadioSet).pressed_index
        return OUTCOMES[index] if 0 <= index < len(OUTCOMES) else OUTCOMES[0]

    @on(Input.Submitted, "#note-summary")
    def _next(self) -> None:
        # Enter goes on to the outcome, the dialog's last choice; ctrl+s saves.
        self.query_one(RadioSet).focus()

    @on(Button.Pressed, "#note-save")
    def action_save(self) -> None:
        if self._busy:
            return
        summary = self.query_one("#note-summary", Input).value
        if not summary.strip():
            self._error(self.tr("Write a few words about the call."))
            self.notify(
                self.tr("Write a few words about the call."), severity="warning", markup=False
            )
            self.query_one("#note-summary", Input).focus()
            return
        self._busy = True
        ref, outcome = self.professional_ref, self.outcome
        agent, at = self.gapp.agent, self.gapp.now()
        self.run_db(
            lambda db: phone.record_call_note(
                db, ref, summary=summary, outcome=outcome, agent=agent, at=at
            ),
            self._saved,
            group="call-note",
            on_error=self._failed,
        )

    def _saved(self, outcome: CallNoteOutcome) -> None:
        self.dismiss(outcome)

    def _failed(self, error: BaseException) -> bool:
        self._busy = False
        if isinstance(error, UserError):
            self._error(error.describe(self.tr))
            return True
        return False

    def _error(self, text: str) -> None:
        self.query_one("#note-error", Static).update(data_text(text, lines=True))

    @on(Button.Pressed, "#note-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()
