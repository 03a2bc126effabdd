"""The 20 contacts of a claim, their explanations, and the agent's verdict on each.

A row per contact with what the data says and as much of its explanation as
the width allows (on a tall terminal the 20 at once); under the table the
highlighted explanation in full, first, beside (wide) or above (narrow) the
facts and the hints that may give a lie away. `t`, `u` and `x` mark it, `T`
marks every explanation still to verify truthful (after a confirmation),
`n` goes to the next one to verify, `/` searches the explanations; the
checklist follows.
Marking takes the claim if nobody holds it; while someone else does, the
marking keys say who (services/leases.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, VerticalScroll
from textual.css.scalar import Scalar
from textual.widgets import DataTable, Input, Static
from textual.widgets.data_table import RowKey

from guarantee_tui.i18n import N_, Translator, local_moment
from guarantee_tui.policy import FirstContact, first_contact
from guarantee_tui.policy.markets import rules_for
from guarantee_tui.services import claim_view, leases, privacy, verification
from guarantee_tui.services.claim_view import ClaimView, ContactLine
from guarantee_tui.services.leases import Holding
from guarantee_tui.services.privacy import mask_name, mask_phone
from guarantee_tui.text import fold, visible
from guarantee_tui.ui.base import AppScreen, HeldClaimScreen, on_claim, open_loaded
from guarantee_tui.ui.bindings import not_now
from guarantee_tui.ui.inert import data_text
from guarantee_tui.ui.widgets.footer import AppFooter
from guarantee_tui.ui.widgets.small_table import SmallTable
from guarantee_tui.ui.widgets.top_bar import TopBar

if TYPE_CHECKING:
    from guarantee_tui.services.database import Database
    from guarantee_tui.services.events import Change

# From this width the detail puts the explanation beside the facts.
WIDE = 110
SCROLLBAR = 2
# The table's header and rows it keeps however much the detail would need.
TABLE_LEAST = 8
# The top bar and the footer, a line each.
CHROME = 2
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


def _explanation_block(line: ContactLine, view: ClaimView, tr: Translator) -> Text:
    """The explanation in full, then its mark: what the agent judges, first."""
    zone = rules_for(view.professional.market).zone
    out = Text()
    out.append(
        tr(
            "Explanation {position} of 20 · {ref}",
            position=line.position,
            ref=visible(line.purchase.ref),
        ),
        style="bold underline",
    )
    out.append("\n")
    explanation = line.explanation
    if explanation is None or not explanation.text.strip():
        out.append(tr("No explanation given."), style="bold red")
        return out
    out.append(visible(explanation.text, lines=True))
    out.append("\n")
    mark, style = _MARKS[explanation.verification]
    out.append(f"{mark} {_verification_label(explanation.verification, tr)}", style=style)
    if explanation.verified_by and explanation.verified_at:
        out.append(
            " "
            + tr(
                "by {agent} on {at}",
                agent=visible(explanation.verified_by),
                at=local_moment(tr, explanation.verified_at, zone, in_text=True),
            )
        )
    if explanation.note:
        out.append("\n" + tr("Note: {note}", note=visible(explanation.note, lines=True)))
    return out


def _facts_block(line: ContactLine, view: ClaimView, tr: Translator, *, revealed: bool) -> Text:
    """What the data says of the contact, and the hints that may give a lie away."""
    zone = rules_for(view.professional.market).zone
    p = line.purchase
    d = line.details
    out = Text()
    facts = [
        tr("bought {at}", at=local_moment(tr, p.purchased_at, zone, in_text=True)),
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
                at=local_moment(tr, p.first_contacted_at, zone, in_text=True),
                delay=tr.duration(p.first_contacted_at - p.purchased_at),
            )
        )
    if p.job_won:
        out.append("\n")
        out.append(tr("Job won"), style="bold green")
    if line.positive_review:
        out.append("\n")
        out.append(
            tr("Positive review {review} from this client", review=visible(line.positive_review)),
            style="green",
        )
    name, phone = d.client_name, d.client_phone
    if not revealed:
        # Client personal data stays masked for agents until they ask (`v`, logged).
        name = mask_name(name) if name else None
        phone = mask_phone(phone) if phone else None
    client = [v for v in (name, phone, d.city, d.job_title) if v]
    if client:
        out.append("\n" + visible(" · ".join(client)))
        if not revealed and (d.client_name or d.client_phone):
            out.append("  " + tr("(masked: v shows them, and is logged)"), style="dim")
    for flag in line.flags:
        out.append("\n")
        out.append("⚑ " + visible(tr.render(flag.message), lines=True), style="bold yellow")
    return out


def render_detail(
    line: ContactLine, view: ClaimView, tr: Translator, *, revealed: bool
) -> tuple[Text, Text]:
    """The highlighted contact: its explanation in full, and what the data says
    of it (shown beside it when wide, under it when narrow)."""
    return _explanation_block(line, view, tr), _facts_block(line, view, tr, revealed=revealed)


def matches(line: ContactLine, folded_query: str) -> bool:
    """Whether the contact's explanation contains the query (folded: accents and case aside)."""
    explanation = line.explanation
    return explanation is not None and folded_query in fold(explanation.text)


def is_unverified(line: ContactLine) -> bool:
    explanation = line.explanation
    return (
        explanation is not None
        and bool(explanation.text.strip())
        and explanation.verification is None
    )


# A database slower than this gets the contacts screen at once, loading (its
# first frame then has no rows, title or table header). At 0.15 s a busy
# machine took that path one time in four: the wait a person hardly notices
# (below 1 s) buys a first frame that is the complete one.
SLOW_OPEN = 0.4
_Loaded = tuple[ClaimView, Holding | None]


def _load(db: Database, claim_ref: str, at: datetime) -> _Loaded:
    return claim_view.load(db, claim_ref, at), leases.holder_of(db, claim_ref)


def open_contacts(screen: AppScreen, claim_ref: str, shown: _Loaded | None = None) -> None:
    """Loads the contacts, then shows them (`open_loaded`: the first frame is
    the complete one, not an empty screen, then the detail, then the table).

    `shown`: the claim as the screen pressing `c` holds it, read again every
    second: the contacts show it at once, as a bare screen push, then check
    it once against the database, repainting only what changed.
    """
    if shown is not None:
        view, holding = shown
        screen.app.push_screen(ContactsScreen(claim_ref, view, holding, check=True))
        return
    at = screen.gapp.now()

    def push(loaded: _Loaded | None) -> None:
        view, holding = loaded if loaded is not None else (None, None)
        screen.app.push_screen(ContactsScreen(claim_ref, view, holding))

    open_loaded(
        screen, lambda db: _load(db, claim_ref, at), push, group="open-contacts", slow=SLOW_OPEN
    )


class _SizedTable(SmallTable):
    """A SmallTable whose every column is given its width (`_fill`): measuring
    the rows changes no width, so the cells drawn first stay right, and the
    second drawing SmallTable forces would only slow the first frame."""

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        DataTable._update_dimensions(self, new_rows)

    def on_resize(self) -> None:
        # Shorter when the detail needs more lines (ContactsScreen._split): the
        # highlighted row stays in view.
        self.move_cursor(row=self.cursor_row)


class ContactsScreen(HeldClaimScreen):
    AUTO_FOCUS = "#contacts-table"
    DEFAULT_CSS = """
    ContactsScreen #contacts-title { padding: 0 1; height: auto; max-height: 2; }
    /* Until the contacts are there: the split follows them (_split). */
    ContactsScreen #contacts-table { height: 8; }
    ContactsScreen #contacts-detail {
        height: 1fr; min-height: 5; border: round $accent; padding: 0 1;
    }
    ContactsScreen #contacts-detail.scrolls { scrollbar-gutter: stable; }
    ContactsScreen #contacts-detail-row { height: auto; layout: vertical; }
    ContactsScreen #contacts-facts { margin: 1 0 0 0; }
    ContactsScreen.wide #contacts-detail-row { layout: horizontal; }
    /* Their widths given by _split, 3 to 2. */
    ContactsScreen.wide #contacts-explanation { width: 3fr; }
    ContactsScreen.wide #contacts-facts { width: 2fr; margin: 0 0 0 2; }
    ContactsScreen #contacts-search { dock: bottom; display: none; }
    ContactsScreen #contacts-search.shown { display: block; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "mark('truthful')", N_("Truthful"), id="contacts.truthful"),
        Binding("u", "mark('untruthful')", N_("Untruthful"), id="contacts.untruthful"),
        Binding("n", "next_unverified", N_("Next to verify"), id="contacts.next"),
        Binding("T", "mark_rest", N_("Rest truthful"), id="contacts.rest"),
        Binding("slash", "search", N_("Search"), id="contacts.search"),
        Binding("x", "mark('clear')", N_("Clear mark"), id="contacts.clear", show=False),
        Binding("v", "reveal", N_("Show client data"), id="contacts.reveal"),
        Binding("tab", "app.focus_next", N_("Next pane"), show=False, id="contacts.pane"),
    ]
    HOLDER_KEYS: ClassVar[frozenset[str]] = frozenset(
        {"contacts.truthful", "contacts.untruthful", "contacts.clear", "contacts.rest"}
    )

    def __init__(
        self,
        claim_ref: str,
        view: ClaimView | None = None,
        holding: Holding | None = None,
        *,
        check: bool = False,
    ) -> None:
        super().__init__()
        self.claim_ref = claim_ref
        # Loaded before the push (open_contacts): the first frame is the complete one.
        self.view: ClaimView | None = view
        self.holding = holding
        self._preloaded = view is not None
        # Shown as another screen held it: read again once painted (open_contacts).
        self._check = check
        # Opens on the first explanation still to verify, once.
        self._placed = False
        # Supervisors see client data; an agent once they asked for it here.
        self.revealed = False
        self._query = ""

    def compose(self) -> ComposeResult:
        self._shape()
        # Known before the footer is built: it offers reveal or not.
        self.revealed = self.gapp.actor_role == "supervisor"
        yield TopBar()
        yield Static(id="contacts-title")
        yield _SizedTable(id="contacts-table", cursor_type="row", zebra_stripes=True)
        with (
            VerticalScroll(id="contacts-detail", can_focus=True),
            Container(id="contacts-detail-row"),
        ):
            yield Static(id="contacts-explanation")
            yield Static(id="contacts-facts")
        # The search box is mounted on the first `/`: an Input's styles would
        # cost the first frame for a key many rounds never press.
        yield AppFooter()

    @property
    def table(self) -> DataTable[Text | str]:
        return self.query_one("#contacts-table", DataTable)

    def _shape(self) -> None:
        width = self.app.size.width
        self.set_class(width >= WIDE, "wide")
        self._width = width

    def on_resize(self) -> None:
        width = self._width
        self._shape()
        if self.view is None:
            return
        # The explanation column takes the width the others leave.
        if width != self._width:
            self._fill()
        else:
            self._split()

    def _split(self) -> None:
        """The table takes the lines the detail does not need.

        The highlighted explanation shows in full first (beside its facts when
        wide, above them when narrow), then its facts, while the table keeps
        at least its header and 7 rows; with room to spare, the table shows
        every row and the detail takes the rest. Measured as Textual lays the
        detail out, before the frame is painted: the first frame is right,
        at any size (not only two of them)."""
        view = self.view
        if view is None:
            return
        width, height = self.app.size
        title = self.query_one("#contacts-title", Static)
        # Its padding: a cell each side; at most 2 lines.
        title_lines = min(title.get_content_height(self.app.size, self.app.size, width - 2), 2)
        searching = any(s.has_class("shown") for s in self.query("#contacts-search"))
        # The search box, docked at the bottom as the footer is, covers it: its 3
        # lines in place of the footer's one.
        room = height - CHROME - title_lines - (2 if searching else 0)
        every_row = len(view.contacts) + 1
        # The detail's frame and padding: a line above and below, 2 cells each side.
        frame = 2
        wide = self.has_class("wide")
        explanation = self.query_one("#contacts-explanation", Static)
        facts = self.query_one("#contacts-facts", Static)
        size = self.app.size

        def needs(cells: int) -> tuple[int, int]:
            """The lines of the whole detail and of its explanation, `cells` wide."""
            if wide:
                # Their widths given here, the heights measured are the ones painted
                # (3 to 2, after the 2 cells between them).
                first_width = (cells - 2) * 3 // 5
                explanation.styles.width = first_width
                facts.styles.width = cells - 2 - first_width
                first = explanation.get_content_height(size, size, first_width)
                return max(
                    first, facts.get_content_height(size, size, cells - 2 - first_width)
                ), first
            first = explanation.get_content_height(size, size, cells)
            # The facts under the explanation, after a blank line.
            return first + 1 + facts.get_content_height(size, size, cells), first

        if not wide:
            explanation.styles.width = facts.styles.width = None
        whole, first = needs(width - 4)
        lines = room - frame - whole
        least = min(TABLE_LEAST, every_row)
        scrolls = lines < least
        # Its scroll bar's room from the first frame on: the text wraps once, as measured.
        self.query_one("#contacts-detail", VerticalScroll).set_class(scrolls, "scrolls")
        if scrolls:
            # Not all of it fits: the explanation first, then as many rows as
            # are left. The detail scrolls: its scroll bar narrows the text.
            whole, first = needs(width - 4 - SCROLLBAR)
            lines = max(least, min(room - frame - first, every_row))
            if not wide and room - frame - lines == first + 1:
                lines += 1  # not a detail ending on the blank line before the facts
        lines = min(lines, every_row)
        table = self.table
        if table.styles.height != Scalar.from_number(lines):
            table.styles.height = lines

    def reload(self) -> None:
        ref, at = self.claim_ref, self.gapp.now()
        self.run_db(lambda db: _load(db, ref, at), self._loaded, group=f"contacts-{ref}")

    def on_screen_resume(self) -> None:
        if self._preloaded:
            self._preloaded = False
            if self._check:
                self._check = False
                self.call_after_refresh(self.reload)
            return
        self.reload()

    def others_acted(self, changes: list[Change]) -> None:
        """Another agent's mark or decision (ui/app.py) shows without a key press."""
        if self.is_current and any(c.claim_ref == self.claim_ref for c in changes):
            self.reload()

    def _loaded(self, loaded: _Loaded) -> None:
        if loaded == (self.view, self.holding):
            return  # as shown: nothing to paint again
        self.view, self.holding = loaded
        self._fill()
        self.refresh_bindings()

    def retranslate(self) -> None:
        super().retranslate()
        for search in self.query("#contacts-search").results(Input):
            search.placeholder = self._search_hint()
        if self.view is not None:
            self._fill()

    def _columns(self) -> list[str]:
        tr = self.tr
        return ["#", tr("Prio."), tr("First contact"), tr("Won"), "★", "⚑", tr("Check")]

    def _cells(self, line: ContactLine, at: datetime) -> list[Text | str]:
        tr = self.tr
        p = line.purchase
        explanation = line.explanation
        mark, style = _MARKS[explanation.verification if explanation else None]
        return [
            str(line.position),
            Text("✔", style="green")
            if p.channel == "priority_discount"
            else Text(tr("no"), style="bold red"),
            delay_cell(line, tr, at),
            Text("✔", style="bold green") if p.job_won else "",
            Text("★", style="green") if line.positive_review else "",
            Text(str(len(line.flags)), style="bold yellow") if line.flags else "",
            Text(mark, style=style),
        ]

    def _fill(self) -> None:
        view = self.view
        if view is None:
            return
        tr = self.tr
        table = self.table
        cursor = table.cursor_row
        rows = [self._cells(line, view.checklist.at) for line in view.contacts]
        headers = self._columns()
        # Every column as wide as its content in this language; the explanation
        # gets the rest of the width, so as much of each as fits shows.
        widths = [
            max([cell_len(h), *(cell_len(_plain(row[i])) for row in rows)])
            for i, h in enumerate(headers)
        ]
        # Each column has a cell of padding on each side; the scroll bar, when
        # the rows do not all fit, takes two more.
        spare = self.app.size.width - sum(w + 2 for w in widths) - 2 - SCROLLBAR
        room = max(spare, 12)
        table.clear(columns=True)
        for header, width in zip(headers, widths, strict=True):
            table.add_column(header, width=width)
        table.add_column(tr("Explanation"), width=room)
        for line, cells in zip(view.contacts, rows, strict=True):
            explanation = line.explanation
            table.add_row(
                *cells,
                data_text(excerpt(explanation.text, room))
                if explanation and explanation.text.strip()
                else Text(tr("missing"), style="bold red"),
                key=line.purchase.ref,
            )
        if view.contacts:
            if not self._placed:
                self._placed = True
                first = next((i for i, c in enumerate(view.contacts) if is_unverified(c)), 0)
                cursor = first
            table.move_cursor(row=min(cursor, len(view.contacts) - 1))
        counts = {"truthful": 0, "untruthful": 0, None: 0}
        for line in view.contacts:
            counts[line.explanation.verification if line.explanation else None] += 1
        title = Text()
        title.append(visible(f"{view.claim_ref} · {view.professional.company}"), style="bold")
        title.append(
            " · "
            + ", ".join(
                (
                    tr.plural("{n} truthful", "{n} truthful", counts["truthful"]),
                    tr.plural("{n} untruthful", "{n} untruthful", counts["untruthful"]),
                    tr.plural("{n} to verify", "{n} to verify", counts[None]),
                )
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
        explanation, facts = render_detail(line, view, self.tr, revealed=self.revealed)
        self.query_one("#contacts-explanation", Static).update(explanation)
        self.query_one("#contacts-facts", Static).update(facts)
        self.query_one("#contacts-detail", VerticalScroll).scroll_home(animate=False)
        self._split()

    # --- actions ----------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reveal":
            return not self.revealed
        if action in ("mark", "mark_rest"):
            view, line = self.view, self._current()
            if view is None or view.status != "open" or line is None or self.held_by_other:
                return None
            if action == "mark" and line.explanation is None:
                return None
            if action == "mark_rest" and not any(is_unverified(c) for c in view.contacts):
                return None
        return super().check_action(action, parameters)

    def _search_hint(self) -> str:
        return self.tr("Search the explanations (Enter: next match, Escape: close)")

    def on_key(self, event: events.Key) -> None:
        search = self.focused
        if event.key == "escape" and isinstance(search, Input) and search.id == "contacts-search":
            # Closes the search, not the screen.
            event.prevent_default()
            event.stop()
            search.remove_class("shown")
            self.table.focus()
            self._split()  # the box's lines back to the table and the detail
            return
        binding = not_now(self, event.key)
        if binding is None or self.held_by_other:
            return  # HeldClaimScreen says who holds the claim
        why = self._why_not(binding.action)
        if why is not None:
            event.prevent_default()
            event.stop()
            self.notify(why, severity="warning", markup=False)

    def _why_not(self, action: str) -> str | None:
        """Why a marking key does nothing now, for the notice."""
        view, line = self.view, self._current()
        if view is None or line is None:
            return None
        tr = self.tr
        if not action.startswith("mark"):
            return None
        if view.status != "open":
            return tr(
                "Claim {ref} is decided: its marks can no longer change.",
                ref=visible(view.claim_ref),
            )
        if action == "mark_rest":
            return tr("Every explanation given is already marked.")
        if line.explanation is None:
            return tr(
                "Contact {ref} has no explanation: there is nothing to mark. "
                "The claim cannot be approved without it.",
                ref=visible(line.purchase.ref),
            )
        return None

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

    def _next_where(self, wanted: Callable[[ContactLine], bool], *, include_current: bool) -> int:
        """The row of the next contact `wanted` accepts, from the cursor on,
        round the end (-1: none)."""
        view = self.view
        if view is None or not view.contacts:
            return -1
        count = len(view.contacts)
        start = self.table.cursor_row + (0 if include_current else 1)
        for step in range(count):
            row = (start + step) % count
            if wanted(view.contacts[row]):
                return row
        return -1

    def action_next_unverified(self) -> None:
        row = self._next_where(is_unverified, include_current=False)
        if row < 0:
            self.notify(self.tr("No explanation is left to verify."), markup=False)
            return
        self.table.move_cursor(row=row)

    def action_search(self) -> None:
        found = self.query("#contacts-search").results(Input)
        search = next(iter(found), None)
        if search is None:
            search = Input(id="contacts-search", placeholder=self._search_hint())
            self.mount(search, before=self.query_one(AppFooter))
        search.add_class("shown")
        search.focus()
        search.select_all()
        self._split()

    @on(Input.Changed, "#contacts-search")
    def _search_typed(self, event: Input.Changed) -> None:
        self._query = fold(event.value)
        if self._query:
            self._jump(include_current=True)

    @on(Input.Submitted, "#contacts-search")
    def _search_next(self) -> None:
        if self._query:
            self._jump(include_current=False)

    def _jump(self, *, include_current: bool) -> None:
        query = self._query
        row = self._next_where(lambda line: matches(line, query), include_current=include_current)
        if row < 0:
            self.notify(
                self.tr(
                    "No explanation contains “{text}”.",
                    text=visible(self.query_one("#contacts-search", Input).value),
                ),
                severity="warning",
                markup=False,
            )
            return
        self.table.move_cursor(row=row)

    def action_mark(self, value: str) -> None:
        line, view = self._current(), self.view
        if line is None or view is None:
            return
        contact = line.purchase.ref
        if value == "untruthful":
            from guarantee_tui.ui.screens.prompt import PromptScreen

            def noted(note: str | None) -> None:
                if note:
                    self._mark(contact, "untruthful", note)

            explanation = line.explanation
            self.app.push_screen(
                PromptScreen(
                    self.tr(
                        "What did the check find for {ref}? A suspension letter quotes "
                        "it to the professional.",
                        ref=visible(contact),
                    ),
                    placeholder=self.tr("e.g. the client says nobody called them"),
                    context=_explanation_block(line, view, self.tr) if explanation else None,
                ),
                noted,
            )
            return
        self._mark(contact, None if value == "clear" else value, "")

    def action_mark_rest(self) -> None:
        view = self.view
        if view is None:
            return
        from guarantee_tui.ui.screens.confirm import ConfirmScreen

        refs = [line.purchase.ref for line in view.contacts if is_unverified(line)]
        if not refs:
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._mark_rest(refs)

        self.app.push_screen(
            ConfirmScreen(
                self.tr.plural(
                    "Mark the {n} explanation not yet verified as truthful? "
                    "Each mark is signed with your name in the decision log.",
                    "Mark the {n} explanations not yet verified as truthful? "
                    "Each mark is signed with your name in the decision log.",
                    len(refs),
                ),
                self.tr.plural("Mark {n} truthful", "Mark {n} truthful", len(refs)),
            ),
            confirmed,
        )

    def _mark_rest(self, refs: list[str]) -> None:
        ref, agent, at = self.claim_ref, self.gapp.agent, self.gapp.now()
        minutes = self.gapp.lease_minutes

        def job(db: Database) -> list[verification.Marked]:
            leases.take(db, ref, agent, minutes=minutes)
            return verification.mark_rest_truthful(db, ref, refs, agent=agent, at=at)

        def done(marks: list[verification.Marked]) -> None:
            self.notify(
                self.tr.plural(
                    "{n} explanation marked truthful.",
                    "{n} explanations marked truthful.",
                    len(marks),
                ),
                markup=False,
            )
            self.reload()

        def refused(_error: BaseException) -> bool:
            self.reload()
            return False

        self.run_db(job, done, group=f"mark-{ref}", on_error=refused)

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


def _plain(cell: Text | str) -> str:
    return cell.plain if isinstance(cell, Text) else cell
