"""A short text asked of the agent (a note, a reason).

The dialogs' one convention (ui/bindings.py CONFIRM_KEY): ctrl+s confirms,
and Enter too in this single-line field; Escape cancels. What the text is
about (the explanation being judged) stays in view above the question.
"""

from __future__ import annotations

from typing import ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Static

from guarantee_tui.i18n import N_
from guarantee_tui.ui.base import AppModal
from guarantee_tui.ui.inert import data_text


class PromptScreen(AppModal[str | None]):
    AUTO_FOCUS = "Input"
    DEFAULT_CSS = """
    PromptScreen { align: center middle; }
    PromptScreen > Vertical {
        width: 80; max-width: 98%; height: auto; max-height: 100%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    PromptScreen #prompt-context {
        height: auto; max-height: 12; border: round $panel; padding: 0 1;
    }
    PromptScreen #prompt-error { color: $error; height: auto; }
    PromptScreen Horizontal { height: auto; align-horizontal: right; }
    PromptScreen Button { margin-left: 2; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "ok", N_("OK"), id="prompt.ok"),
    ]

    def __init__(
        self,
        question: str,
        *,
        placeholder: str = "",
        value: str = "",
        context: RenderableType | None = None,
    ) -> None:
        super().__init__()
        self.question = question
        self.placeholder = placeholder
        self.value = value
        self.context = context

    def compose(self) -> ComposeResult:
        with Vertical():
            if self.context is not None:
                # Rendered by the caller from data made inert (ui/inert.py).
                with VerticalScroll(id="prompt-context"):
                    yield Static(self.context)
            # Asked about data (a ref, an effect): shown, never acted on.
            yield Static(data_text(self.question, lines=True), id="prompt-question")
            yield Input(value=self.value, placeholder=self.placeholder, id="prompt-input")
            yield Static(id="prompt-error")
            with Horizontal():
                yield Button(id="prompt-cancel")
                yield Button(variant="primary", id="prompt-ok")

    def retranslate(self) -> None:
        super().retranslate()
        self.query_one("#prompt-ok", Button).label = self.with_key(
            self.tr("OK"), self.bound_key("ok")
        )
        self.query_one("#prompt-cancel", Button).label = self.with_key(
            self.tr("Cancel"), self.bound_key("cancel")
        )

    @on(Input.Submitted)
    @on(Button.Pressed, "#prompt-ok")
    def action_ok(self) -> None:
        value = self.query_one(Input).value.strip()
        if not value:
            self.query_one("#prompt-error", Static).update(
                Text(self.tr("Please write a few words."))
            )
            self.notify(self.tr("Please write a few words."), severity="warning", markup=False)
            return
        self.dismiss(value)

    @on(Button.Pressed, "#prompt-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()
