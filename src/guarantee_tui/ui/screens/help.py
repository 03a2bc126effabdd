"""`?`: the keys that work on the current screen, as they are bound now.

It lists what the command palette lists (`bindings.listed`), with the keys.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from guarantee_tui.i18n import N_
from guarantee_tui.ui.base import AppModal
from guarantee_tui.ui.bindings import listed


class HelpScreen(AppModal[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 70; max-width: 95%; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        # Besides the dialogs' shared "cancel" (escape).
        Binding("question_mark,q", "cancel", N_("Close"), id="help.close"),
    ]

    def __init__(self, under: Screen[Any]) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(id="help-keys")

    def retranslate(self) -> None:
        super().retranslate()
        tr = self.tr
        table = Table(title=tr("Keys"), show_header=True, expand=True, box=None)
        table.add_column(tr("Key"), style="bold", no_wrap=True)
        table.add_column(tr("What it does"))
        for entry in listed(self.app, self.under):
            description = (
                entry.description
                if entry.enabled
                else tr("{action} (not now)", action=entry.description)
            )
            table.add_row(Text(" ".join(entry.keys)), Text(description))
        self.query_one("#help-keys", Static).update(table)
        key = self.bound_key("cancel")
        self.query_one(VerticalScroll).border_subtitle = (
            tr("escape: close")
            if key == "escape"
            else tr("{key}: close", key=self.app.get_key_display(Binding(key, "")))
        )
