"""`o` on an intake message: the message as received, read-only, plain text.

Everything shown is data: no character of it is read as markup or sent to
the terminal as a control.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from guarantee_tui.services.intake_review import Original
from guarantee_tui.text import visible
from guarantee_tui.ui.base import AppScreen
from guarantee_tui.ui.inert import data_text
from guarantee_tui.ui.screens.intake import when
from guarantee_tui.ui.widgets.footer import AppFooter
from guarantee_tui.ui.widgets.top_bar import TopBar


class OriginalScreen(AppScreen):
    AUTO_FOCUS = "#original-scroll"
    DEFAULT_CSS = """
    OriginalScreen #original-head { height: auto; padding: 0 1; background: $panel; }
    OriginalScreen #original-scroll { height: 1fr; padding: 0 1; }
    """

    def __init__(self, original: Original) -> None:
        super().__init__()
        self.original = original

    def compose(self) -> ComposeResult:
        yield TopBar()
        yield Static(id="original-head")
        with VerticalScroll(id="original-scroll"):
            yield Static(data_text(self.original.text, lines=True), id="original-text")
        yield AppFooter()

    def retranslate(self) -> None:
        super().retranslate()
        tr, o = self.tr, self.original
        head = Text()
        head.append(tr("From: {sender}", sender=visible(o.sender)))
        if o.sent_at is not None:
            head.append("\n" + tr("Date: {date}", date=when(o.sent_at, tr)))
        head.append("\n" + tr("Subject: {subject}", subject=visible(o.subject)))
        if o.attachments:
            names = ", ".join(visible(a) or tr("(no name)") for a in o.attachments)
            head.append("\n" + tr("Attachments (kept, not read): {names}", names=names))
        self.query_one("#original-head", Static).update(head)

    def action_down(self) -> None:
        self.query_one("#original-scroll", VerticalScroll).scroll_relative(y=1, animate=False)

    def action_up(self) -> None:
        self.query_one("#original-scroll", VerticalScroll).scroll_relative(y=-1, animate=False)

    def action_first(self) -> None:
        self.query_one("#original-scroll", VerticalScroll).scroll_home(animate=False)

    def action_last(self) -> None:
        self.query_one("#original-scroll", VerticalScroll).scroll_end(animate=False)
