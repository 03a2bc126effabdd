"""Textual's command palette, with the two sentences it shows in the UI language.

What it lists comes from `GuaranteeApp.get_system_commands`: the entries of
the help (`bindings.listed`) and the languages.
"""

from __future__ import annotations

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette
from textual.widgets.option_list import Option

from guarantee_tui.i18n import Translator


class Palette(CommandPalette):
    def __init__(self, tr: Translator) -> None:
        super().__init__(placeholder=tr("Search for commands…"), id="--command-palette")
        self.tr = tr

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual's own (8.2), whose "No matches found" is a literal: the same,
        # translated. tests/ui/test_textual_canaries.py fails when Textual's changes.
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(self.tr("No matches found"), style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
