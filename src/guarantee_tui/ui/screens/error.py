"""A failure the user must know about, with what to do next."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static

from guarantee_tui.i18n import N_
from guarantee_tui.ui.base import AppModal
from guarantee_tui.ui.inert import data_text
from guarantee_tui.ui.widgets.footer import AppFooter


class ErrorScreen(AppModal[None]):
    DEFAULT_CSS = """
    ErrorScreen { align: center middle; }
    ErrorScreen > Vertical {
        width: 76; height: auto; max-height: 90%;
        border: thick $error; background: $surface; padding: 1 2;
    }
    ErrorScreen #error-title { text-style: bold; color: $error; margin-bottom: 1; }
    ErrorScreen #error-hint { color: $text-muted; margin-top: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "retry", N_("Retry"), id="error.retry"),
        Binding("q", "app.quit", N_("Quit"), id="error.quit"),
        # The dialogs' shared "cancel", which closes this one.
        Binding("escape", "cancel", N_("Close"), id="cancel"),
    ]

    def __init__(self, message: str, *, retry: bool) -> None:
        super().__init__()
        self.message = message
        self.can_retry = retry

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(id="error-title")
            # An error may quote data (a ref, a file name): shown, never acted on.
            yield Static(data_text(self.message, lines=True), id="error-message")
            yield Static(id="error-hint")
        yield AppFooter()

    def retranslate(self) -> None:
        super().retranslate()
        self.query_one("#error-title", Static).update(Text(self.tr("Cannot go on")))
        hint = (
            self.tr("Fix the problem, then press r to try again, or q to quit.")
            if self.can_retry
            else self.tr("Press escape to go back, or q to quit.")
        )
        self.query_one("#error-hint", Static).update(Text(hint))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "retry":
            return self.can_retry
        if action == "cancel":
            return not self.can_retry
        return super().check_action(action, parameters)

    def action_retry(self) -> None:
        self.dismiss()
        self.gapp.retry_database()
        self.gapp.refresh_screens()

    def action_close(self) -> None:
        self.dismiss()
