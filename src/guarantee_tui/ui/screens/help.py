"""`?`: the keys that work on the current screen, as they are bound now."""

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
from guarantee_tui.ui.bindings import TEXTUAL_DESCRIPTIONS


class HelpScreen(AppModal[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 70; max-width: 95%; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "close", N_("Close"), id="help.close"),
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
        seen: set[tuple[str, str]] = set()
        for active in self.under.active_bindings.values():
            binding = active.binding
            # Ours carry ids; Textual's own (scrolling, focus) are left out.
            ours = binding.id is not None or binding.action in TEXTUAL_DESCRIPTIONS
            if not binding.description or binding.system or not ours:
                continue
            shown = self.app.get_key_display(binding)
            if (shown, binding.description) in seen:
                continue
            seen.add((shown, binding.description))
            description = (
                binding.description
                if active.enabled
                else tr("{action} (not now)", action=binding.description)
            )
            table.add_row(Text(shown), Text(description))
        self.query_one("#help-keys", Static).update(table)
        self.query_one(VerticalScroll).border_subtitle = tr("escape: close")

    def action_close(self) -> None:
        self.dismiss()
