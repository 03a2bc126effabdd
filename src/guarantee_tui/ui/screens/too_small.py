"""Shown instead of a cramped screen when the terminal is under 80×24."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from guarantee_tui.ui.base import AppModal


class TooSmallScreen(AppModal[None]):
    DEFAULT_CSS = """
    TooSmallScreen { align: center middle; background: $background; }
    TooSmallScreen > Static { width: 100%; content-align: center middle; text-align: center; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="too-small")

    def on_resize(self) -> None:
        self.retranslate()
        self.gapp.check_size()

    def retranslate(self) -> None:
        super().retranslate()
        size = self.app.size
        self.query_one("#too-small", Static).update(
            Text(
                self.tr(
                    "This terminal is {width}×{height}. guarantee-tui needs at least 80×24: "
                    "please make the window larger.",
                    width=size.width,
                    height=size.height,
                )
            )
        )
