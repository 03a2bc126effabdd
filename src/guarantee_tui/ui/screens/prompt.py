"""A short text asked of the agent (a note, a reason)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static

from guarantee_tui.ui.base import AppModal
from guarantee_tui.ui.inert import data_text


class PromptScreen(AppModal[str | None]):
    DEFAULT_CSS = """
    PromptScreen { align: center middle; }
    PromptScreen > Vertical {
        width: 70; max-width: 95%; height: auto;
        border: thick $accent; background: $surface; padding: 1 2;
    }
    PromptScreen #prompt-error { color: $error; height: auto; }
    PromptScreen Horizontal { height: auto; align-horizontal: right; margin-top: 1; }
    PromptScreen Button { margin-left: 2; }
    """

    def __init__(self, question: str, *, placeholder: str = "", value: str = "") -> None:
        super().__init__()
        self.question = question
        self.placeholder = placeholder
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical():
            # Asked about data (a ref, an effect): shown, never acted on.
            yield Static(data_text(self.question, lines=True), id="prompt-question")
            yield Input(value=self.value, placeholder=self.placeholder, id="prompt-input")
            yield Static(id="prompt-error")
            with Horizontal():
                yield Button(id="prompt-cancel")
                yield Button(variant="primary", id="prompt-ok")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def retranslate(self) -> None:
        super().retranslate()
        self.query_one("#prompt-ok", Button).label = self.with_key(self.tr("OK"), "enter")
        self.query_one("#prompt-cancel", Button).label = self.with_key(
            self.tr("Cancel"), self.bound_key("cancel")
        )

    @on(Input.Submitted)
    @on(Button.Pressed, "#prompt-ok")
    def _ok(self) -> None:
        value = self.query_one(Input).value.strip()
        if not value:
            self.query_one("#prompt-error", Static).update(
                Text(self.tr("Please write a few words."))
            )
            return
        self.dismiss(value)

    @on(Button.Pressed, "#prompt-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()
