"""Readable terminal output for people (the JSON forms are for programs)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from guarantee_tui.i18n import Translator
from guarantee_tui.policy import CONDITION_LABELS, Checklist
from guarantee_tui.presentation import action_label, status_label, status_mark, verdict_label
from guarantee_tui.text import visible
from guarantee_tui.ui.typography import keep_no_break_spaces_in_rich


def console() -> Console:
    """Where tables are printed; French lines never begin with ":" or ";"."""
    keep_no_break_spaces_in_rich()
    return Console(highlight=False)


def print_checklist(checklist: Checklist, tr: Translator) -> None:
    out = console()
    title = Text(
        tr(
            "Claim {claim} · {professional} · {market} · at {at}",
            claim=visible(checklist.claim or "-"),
            professional=visible(checklist.professional),
            market=str(checklist.market),
            at=tr.moment(checklist.at, "UTC", in_text=True) + " UTC",
        )
    )
    table = Table(title=title, show_lines=False, expand=False)
    table.add_column(tr("Condition"), overflow="fold", max_width=40)
    table.add_column(tr("Status"), no_wrap=True)
    table.add_column(tr("Evidence"), overflow="fold")
    for result in checklist.results:
        table.add_row(
            Text(tr.render(CONDITION_LABELS[result.id])),
            Text(f"{status_mark(result.status)} {status_label(result.status, tr)}"),
            # Evidence quotes data: refs, pack names, dates.
            Text(visible(tr.render(result.evidence), lines=True)),
        )
    out.print(table)
    refund = tr.credits(checklist.refund_credits) if checklist.refund_credits is not None else "-"
    out.print(
        Text(
            tr(
                "Verdict: {verdict}. Recommended action: {action}. Refund: {refund}.",
                verdict=verdict_label(checklist.verdict, tr),
                action=action_label(checklist.action, tr),
                refund=refund,
            )
        )
    )
