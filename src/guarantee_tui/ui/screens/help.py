"""`?`: the keys that work on the current screen, as they are bound now.

It lists what the command palette lists (`bindings.listed`), with the keys
named as the language's keyboards print them: the screen's actions first,
then the keys that move around (at 80x24 the actions are what fits).
"""

from __future__ import annotations

from typing import Any, ClassVar, Final

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from guarantee_tui.i18n import N_
from guarantee_tui.ui.base import AppModal
from guarantee_tui.ui.bindings import Listed, listed

# The actions that move the cursor or the page rather than act.
MOVES: Final = frozenset(
    {
        "cursor",
        "page",
        "first",
        "last",
        "up",
        "down",
        "left",
        "right",
        "scroll_up",
        "scroll_down",
        "scroll_home",
        "scroll_end",
        "page_up",
        "page_down",
        "focus_next",
        "focus_previous",
    }
)


def is_move(entry: Listed) -> bool:
    """Whether `entry` moves around ("cursor(1)", "screen.page(-1)") rather than acts."""
    return entry.action.split("(", 1)[0].rsplit(".", 1)[-1] in MOVES


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
        entries = listed(self.app, self.under)
        acts = [e for e in entries if not is_move(e)]
        moves = [e for e in entries if is_move(e)]
        for entry in acts:
            table.add_row(*self._row(entry))
        if acts and moves:
            table.add_row(Text(""), Text(tr("Moving around"), style="bold"))
        for entry in moves:
            table.add_row(*self._row(entry))
        self.query_one("#help-keys", Static).update(table)
        key = self.bound_key("cancel")
        self._border(key)

    def _row(self, entry: Listed) -> tuple[Text, Text]:
        tr = self.tr
        description = (
            entry.description
            if entry.enabled
            else tr("{action} (not now)", action=entry.description)
        )
        return Text(" ".join(entry.keys)), Text(description)

    def _border(self, key: str) -> None:
        tr = self.tr
        self.query_one(VerticalScroll).border_subtitle = (
            tr("escape: close")
            if key == "escape"
            else tr("{key}: close", key=self.app.get_key_display(Binding(key, "")))
        )
