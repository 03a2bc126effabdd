"""A yes-or-no question before an act that others will see (taking a claim
over, marking the rest of the explanations truthful).

As every dialog: ctrl+s confirms (Enter too, on the focused yes), Escape cancels.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from guarantee_tui.i18n import N_
from guarantee_tui.ui.base import AppModal
from guarantee_tui.ui.inert import data_text


class ConfirmScreen(AppModal[bool | None]):
    # Enter on the focused button says yes: the question was the point.
    AUTO_FOCUS = "#confirm-yes"
    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical {
        width: 70; max-width: 95%; height: auto;
        border: thick $warning; background: $surface; padding: 1 2;
    }
    ConfirmScreen Horizontal { height: auto; align-horizontal: right; margin-top: 1; }
    ConfirmScreen Button { margin-left: 2; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "yes", N_("Confirm"), id="confirm.yes"),
    ]

    def __init__(self, question: str, yes: str) -> None:
        super().__init__()
        self.question = question
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical():
            # Asked about data (an agent, a ref): shown, never acted on.
            yield Static(data_text(self.question, lines=True), id="confirm-question")
            with Horizontal():
                yield Button(id="confirm-no")
                yield Button(variant="warning", id="confirm-yes")

    def retranslate(self) -> None:
        super().retranslate()
        self.query_one("#confirm-yes", Button).label = self.with_key(
            self.yes, self.bound_key("yes")
        )
        self.query_one("#confirm-no", Button).label = self.with_key(
            self.tr("Cancel"), self.bound_key("cancel")
        )

    @on(Button.Pressed, "#confirm-yes")
    def action_yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-no")
    def _no(self) -> None:
        self.action_cancel()
