"""A recorded decision: who, when, why, the letter sent, and the checklist as it stood.

`y` copies the letter, as sent, to the clipboard (plain text).
"""

from __future__ import annotations

import json
from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from guarantee_tui.i18n import N_, Translator, language_name, local_moment, market_zone
from guarantee_tui.policy import CONDITION_LABELS, ConditionId
from guarantee_tui.presentation import decided_label, status_label, status_mark, status_style
from guarantee_tui.services.claim_view import DecisionRow
from guarantee_tui.text import visible
from guarantee_tui.ui.base import AppScreen
from guarantee_tui.ui.inert import data_text
from guarantee_tui.ui.widgets.footer import AppFooter
from guarantee_tui.ui.widgets.top_bar import TopBar


def recorded_checklist(checklist_json: str, tr: Translator) -> Table:
    """The checklist exactly as the decision recorded it (in the agent's language then)."""
    data = json.loads(checklist_json)
    table = Table(expand=True, box=None, show_header=True, padding=(0, 1))
    table.add_column("", width=2, no_wrap=True)
    table.add_column(tr("Condition"), ratio=2)
    table.add_column(tr("Evidence, as recorded"), ratio=5)
    for condition in data.get("conditions", []):
        status = condition["status"]
        cid = condition["id"]
        label = (
            tr.render(CONDITION_LABELS[ConditionId(cid)])
            if cid in set(ConditionId)
            else visible(str(cid))
        )
        table.add_row(
            Text(status_mark(status), style=status_style(status)),
            Text(label) + Text("\n" + status_label(status, tr), style=status_style(status)),
            data_text(condition.get("evidence", ""), lines=True),
        )
    return table


class LetterScreen(AppScreen):
    AUTO_FOCUS = "#letter-body"
    DEFAULT_CSS = """
    LetterScreen #letter-body { height: 1fr; padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "copy_letter", N_("Copy the letter"), id="letter.copy"),
    ]

    def __init__(self, decision: DecisionRow, claim_ref: str) -> None:
        super().__init__()
        self.decision = decision
        self.claim_ref = claim_ref

    def compose(self) -> ComposeResult:
        yield TopBar()
        with VerticalScroll(id="letter-body", can_focus=True):
            yield Static(id="letter-content")
        yield AppFooter()

    def retranslate(self) -> None:
        super().retranslate()
        tr, d = self.tr, self.decision
        head = Text()
        head.append(
            tr(
                "Claim {ref}: {action}",
                ref=visible(self.claim_ref),
                action=decided_label(d.action, tr),
            ),
            style="bold",
        )
        head.append(
            "\n"
            + tr(
                "by {agent} on {at}",
                agent=visible(d.agent),
                at=local_moment(
                    tr, d.decided_at, market_zone(letter_language=d.letter_language), in_text=True
                ),
            )
        )
        if d.refund_credits is not None:
            head.append("\n" + tr("Refund: {credits}", credits=tr.credits(d.refund_credits)))
        head.append("\n" + tr("Reason: {reason}", reason=visible(d.reason, lines=True)))
        letter_title = Text(
            "\n"
            + tr(
                "Letter, in {language}:",
                language=language_name(d.letter_language, tr),
            ),
            style="bold underline",
        )
        checklist_title = Text("\n" + tr("Checklist when decided:"), style="bold underline")
        self.query_one("#letter-content", Static).update(
            Group(
                head,
                letter_title,
                data_text(d.letter_text, lines=True),
                checklist_title,
                recorded_checklist(d.checklist, tr),
            )
        )

    def action_copy_letter(self) -> None:
        # The letter as recorded, control characters and all: it is the
        # agent's to paste into a mail, not the terminal's to interpret.
        self.app.copy_to_clipboard(self.decision.letter_text)
        self.notify(
            self.tr(
                "The letter of claim {ref} is copied: paste it where you need it.",
                ref=visible(self.claim_ref),
            ),
            markup=False,
        )
