"""The 20 contacts of a claim, their explanations, and the agent's verdict on each.

A row per contact with what the data says; beside (or below) it the full
explanation next to the facts and the hints that may give a lie away.
`t`, `u` and `x` mark the highlighted explanation; the checklist follows.
Marking takes the claim if nobody holds it; while someone else does, the
marking keys say who (services/leases.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, VerticalScroll
from textual.widgets import DataTable, Static

from guarantee_tui.i18n import N_, Translator
from guarantee_tui.policy import FirstContact, first_contact
from guarantee_tui.policy.calendar import to_local
from guarantee_tui.policy.markets import rules_for
from guarantee_tui.services import claim_view, leases, privacy, verification
from guarantee_tui.services.claim_view import ClaimView, ContactLine
from guarantee_tui.services.leases import Holding
from guarantee_tui.services.privacy import mask_name, mask_phone
from guarantee_tui.text import visible
from guarantee_tui.ui.base import HeldClaimScreen, on_claim
from guarantee_tui.ui.inert import data_text
from guarantee_tui.ui.widgets.footer import AppFooter
from guarantee_tui.ui.widgets.small_table import SmallTable
from guarantee_tui.ui.widgets.top_bar import TopBar

if TYPE_CHECKING:
    from guarantee_tui.services.database import Database
    from guarantee_tui.services.events import Change

WIDE = 120
EXCERPT = 60

_MARKS = {
    "truthful": ("✔", "green"),
    "untruthful": ("✘", "bold red"),
    None: ("·", "dim"),
}


def _verification_label(value: str | None, tr: Translator) -> str:
    labels = {"truthful": tr("truthful"), "untruthful": tr("untruthful"), None: tr("to verify")}
    return labels[value]


def delay_cell(line: ContactLine, tr: Translator, at: datetime) -> Text:
    p = line.purchase
    state = first_contact(p, at)
    if p.first_contacted_at is None:
        if state is FirstContact.AWAITED:
            return Text(tr("not yet"), style="yellow")
        return Text(tr("never"), style="bold red")
    text = Text(tr.duration(p.first_contacted_at - p.purchased_at))
    if state is FirstContact.LATE:
        text.stylize("bold red")
        text.append(" ⚠")
    return text


def excerpt(text: str, limit: int = EXCERPT) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def render_detail(line: ContactLine, view: ClaimView, tr: Translator, *, revealed: bool) -> Text:
    zone = rules_for(view.professional.market).zone
    p = line.purchase
    d = line.details
    out = Text()
    out.append(
        tr("Contact {position} of 20 · {ref}", position=line.position, ref=visible(p.ref)),
        style="bold",
    )
    out.append("\n")
    facts = [
        tr("bought {at}", at=tr.moment(p.purchased_at, zone, in_text=True)),
        tr.credits(p.price_credits),
        tr("priority service with discount")
        if p.channel == "priority_discount"
        else tr("standard channel"),
    ]
    out.append(" · ".join(facts) + "\n")
    if p.first_contacted_at is None:
        out.append(tr("never contacted"), style="bold red")
    else:
        out.append(
            tr(
                "first contact {at} (after {delay})",
                at=tr.moment(p.first_contacted_at, zone, in_text=True),
                delay=tr.duration(p.first_contacted_at - p.purchased_at),
            )
        )
    out.append("\n")
    if p.job_won:
        out.append(tr("Job won"), style="bold green")
        out.append("\n")
    if line.positive_review:
        out.append(
            tr("Positive review {review} from this client", review=visible(line.positive_review)),
            style="green",
        )
        out.append("\n")
    name, phone = d.client_name, d.client_phone
    if not revealed:
        # Client personal data stays masked for agents until they ask (`v`, logged).
        name = mask_name(name) if name else None
        phone = mask_phone(phone) if phone else None
    client = [v for v in (name, phone, d.city, d.job_title) if v]
    if client:
        out.append(visible(" · ".join(client)))
        if not revealed and (d.client_name or d.client_phone):
            out.append("  " + tr("(masked: v shows them, and is logged)"), style="dim")
        out.append("\n")
    for flag in line.flags:
        out.append("⚑ " + visible(tr.render(flag.message), lines=True), style="bold yellow")
        out.append("\n")
    out.append("\n")
    out.append(tr("Explanation"), style="bold underline")
    out.append("\n")
    explanation = line.explanation
    if explanation is None or not explanation.text.strip():
        out.append(tr("No explanation given."), style="bold red")
        return out
    out.append(visible(explanation.text, lines=True))
    out.append("\n\n")
    mark, style = _MARKS[explanation.verification]
    out.append(f"{mark} {_verification_label(explanation.verification, tr)}", style=style)
    if explanation.verified_by and explanation.verified_at:
        out.append(
            " "
            + tr(
                "by {agent} on {at}",
                agent=visible(explanation.verified_by),
                at=tr.moment(explanation.verified_at, zone, in_text=True),
            )
        )
    if explanation.note:
        out.append("\n" + tr("Note: {note}", note=visible(explanation.note, lines=True)))
    return out


class ContactsScreen(HeldClaimScreen):
    DEFAULT_CSS = """
    ContactsScreen #contacts-body { layout: vertical; height: 1fr; }
    ContactsScreen #contacts-body.wide { layout: horizontal; }
    ContactsScreen #contacts-table { height: 1fr; min-height: 8; }
    ContactsScreen #contacts-body.wide #contacts-table { width: 3fr; height: 1fr; }
    ContactsScreen #contacts-detail {
        height: 1fr; border: round $accent; padding: 0 1;
    }
    ContactsScreen #contacts-body.wide #contacts-detail { width: 2fr; }
    ContactsScreen #contacts-title { padding: 0 1; height: auto; max-height: 2; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "mark('truthful')", N_("Truthful"), id="contacts.truthful"),
        Binding("u", "mark('untruthful')", N_("Untruthful"), id="contacts.untruthful"),
        Binding("x", "mark('clear')", N_("Clear mark"), id="contacts.clear"),
        Binding("v", "reveal", N_("Show client data"), id="contacts.reveal"),
        Binding("tab", "app.focus_next", N_("Next pane"), show=False, id="contacts.pane"),
    ]
    HOLDER_KEYS: ClassVar[frozenset[str]] = frozenset(
        {"contacts.truthful", "contacts.untruthful", "contacts.clear"}
    )

    def __init__(self, claim_ref: str) -> None:
        super().__init__()
        self.claim_ref = claim_ref
        self.view: ClaimView | None = None
        # Supervisors see client data; an agent once they asked for it here.
        self.revealed = False

    def compose(self) -> ComposeResult:
        yield TopBar()
        yield Static(id="contacts-title")
        with Container(id="contacts-body"):
            yield SmallTable(id="contacts-table", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="contacts-detail", can_focus=True):
                yield Static(id="contacts-explanation")
        yield AppFooter()

    @property
    def table(self) -> DataTable[Text | str]:
        return self.query_one("#contacts-table", DataTable)

    def on_mount(self) -> None:
        self.table.focus()
        self.revealed = self.gapp.actor_role == "supervisor"
        # The first load comes with ScreenResume, which follows every push.

    def on_resize(self) -> None:
        body = self.query_one("#contacts-body")
        body.set_class(self.app.size.width >= WIDE, "wide")

    def reload(self) -> None:
        ref, at = self.claim_ref, self.gapp.now()
        self.run_db(
            lambda db: (claim_view.load(db, ref, at), leases.holder_of(db, ref)),
            self._loaded,
            group=f"contacts-{ref}",
        )

    def on_screen_resume(self) -> None:
        self.reload()

    def others_acted(self, changes: list[Change]) -> None:
        """Another agent's mark or decision (ui/app.py) shows without a key press."""
        if self.is_current and any(c.claim_ref == self.claim_ref for c in changes):
            self.reload()

    def _loaded(self, loaded: tuple[ClaimView, Holding | None]) -> None:
        self.view, self.holding = loaded
        self._fill()
        self.refresh_bindings()

    def retranslate(self) -> None:
        super().retranslate()
        if self.view is not None:
            self._fill()

    def _columns(self) -> list[str]:
        tr = self.tr
        return [
            "#",
            tr("Bought"),
            tr("Cr."),
            tr("Prio."),
            tr("Delay"),
            tr("Won"),
            "★",
            "⚑",
            tr("Check"),
            tr("Explanation"),
        ]

    def _fill(self) -> None:
        view = self.view
        if view is None:
            return
        tr = self.tr
        zone = rules_for(view.professional.market).zone
        table = self.table
        cursor = table.cursor_row
        table.clear(columns=True)
        table.add_columns(*self._columns())
        for line in view.contacts:
            p = line.purchase
            local = to_local(p.purchased_at, zone)
            explanation = line.explanation
            mark, style = _MARKS[explanation.verification if explanation else None]
            table.add_row(
                str(line.position),
                Text(f"{tr.day_month(local.date())} {tr.time(local)}"),
                tr.number(p.price_credits),
                Text("✔", style="green")
                if p.channel == "priority_discount"
                else Text(tr("no"), style="bold red"),
                delay_cell(line, tr, view.checklist.at),
                Text("✔", style="bold green") if p.job_won else "",
                Text("★", style="green") if line.positive_review else "",
                Text(str(len(line.flags)), style="bold yellow") if line.flags else "",
                Text(mark, style=style),
                data_text(excerpt(explanation.text))
                if explanation and explanation.text.strip()
                else Text(tr("missing"), style="bold red"),
                key=p.ref,
            )
        if view.contacts:
            table.move_cursor(row=min(cursor, len(view.contacts) - 1))
        counts = {"truthful": 0, "untruthful": 0, None: 0}
        for line in view.contacts:
            counts[line.explanation.verification if line.explanation else None] += 1
        title = Text()
        title.append(visible(f"{view.claim_ref} · {view.professional.company}"), style="bold")
        title.append(
            " · "
            + tr(
                "{truthful} truthful, {untruthful} untruthful, {open} to verify",
                truthful=counts["truthful"],
                untruthful=counts["untruthful"],
                open=counts[None],
            )
        )
        if view.status != "open":
            title.append(" · " + tr("decided: read only"), style="bold reverse")
        elif self.holding is not None and self.held_by_other:
            title.append(" · " + on_claim(self.holding, tr), style="bold reverse")
        self.query_one("#contacts-title", Static).update(title)
        self._show_detail()

    def _current(self) -> ContactLine | None:
        view = self.view
        if view is None or not view.contacts:
            return None
        row = self.table.cursor_row
        return view.contacts[row] if 0 <= row < len(view.contacts) else None

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        line, view = self._current(), self.view
        if line is None or view is None:
            return
        self.query_one("#contacts-explanation", Static).update(
            render_detail(line, view, self.tr, revealed=self.revealed)
        )

    # --- actions ----------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reveal":
            return not self.revealed
        if action == "mark":
            view, line = self.view, self._current()
            if view is None or view.status != "open" or line is None or self.held_by_other:
                return None
            if line.explanation is None:
                return None
        return super().check_action(action, parameters)

    def action_reveal(self) -> None:
        ref, agent, at = self.claim_ref, self.gapp.agent, self.gapp.now()

        def shown(_entry: object) -> None:
            self.revealed = True
            self._show_detail()
            self.refresh_bindings()

        self.run_db(
            lambda db: privacy.reveal(db, ref, agent=agent, at=at), shown, group=f"reveal-{ref}"
        )

    def _move(self, delta: int) -> None:
        table = self.table
        table.move_cursor(row=max(0, min(table.cursor_row + delta, table.row_count - 1)))

    def action_down(self) -> None:
        self._move(1)

    def action_up(self) -> None:
        self._move(-1)

    def action_first(self) -> None:
        self.table.move_cursor(row=0)

    def action_last(self) -> None:
        self.table.move_cursor(row=self.table.row_count - 1)

    def action_mark(self, value: str) -> None:
        line = self._current()
        if line is None:
            return
        contact = line.purchase.ref
        if value == "untruthful":
            from guarantee_tui.ui.screens.prompt import PromptScreen

            def noted(note: str | None) -> None:
                if note:
                    self._mark(contact, "untruthful", note)

            self.app.push_screen(
                PromptScreen(
                    self.tr(
                        "What did the check find for {ref}? A suspension letter quotes "
                        "it to the professional.",
                        ref=visible(contact),
                    ),
                    placeholder=self.tr("e.g. the client says nobody called them"),
                ),
                noted,
            )
            return
        self._mark(contact, None if value == "clear" else value, "")

    def _mark(self, contact: str, value: str | None, note: str) -> None:
        ref, agent, at = self.claim_ref, self.gapp.agent, self.gapp.now()
        minutes = self.gapp.lease_minutes

        def job(db: Database) -> verification.Marked:
            # Whoever marks works the claim: taken (or the lease renewed) first.
            leases.take(db, ref, agent, minutes=minutes)
            return verification.mark(db, ref, contact, value, agent=agent, at=at, note=note)

        def refused(_error: BaseException) -> bool:
            self.reload()
            return False  # told as any refusal: who is on it since when

        self.run_db(
            job, lambda marked: self._marked(contact), group=f"mark-{ref}", on_error=refused
        )

    def _marked(self, contact: str) -> None:
        self.reload()
        # Move on to the next contact, as an agent going down the list expects.
        self.action_down()
