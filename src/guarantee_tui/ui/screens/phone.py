"""The phone desk (`p` from anywhere): find the caller, tell them where they stand.

Typing in the search box looks up professionals by phone number (any
usual writing), e-mail, company name or ref, about 100 ms after the last
key, in a worker; an answer that comes back after a newer one was asked
for is dropped. The highlighted professional's card says where their
guarantee stands: "what to tell the caller" first, in the caller's language
(`t` switches it to the agent's), then the conditions, the claims with
their decisions and letters, and the last calls. `n` records a call note.

Other agents' acts show as they happen (ui/app.py): a decision, a
reopening, a mark or a call note loads the card again, a suspension or a
reopening the results (a suspended profile is shown so); the typed search,
the highlighted professional and the card's scroll stay as they were.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, ClassVar, Final

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, VerticalScroll
from textual.widgets import Input, Static

from guarantee_tui.i18n import N_, Translator, language_name, local_moment, translator
from guarantee_tui.policy import CONDITION_LABELS
from guarantee_tui.policy.calendar import to_local
from guarantee_tui.presentation import (
    claim_status_label,
    status_mark,
    status_style,
    verdict_label,
    verdict_style,
)
from guarantee_tui.services import phone
from guarantee_tui.services.phone import (
    Card,
    ClaimLine,
    Lookup,
    LookupResult,
    matched_on_label,
    outcome_label,
)
from guarantee_tui.text import visible
from guarantee_tui.ui.base import AppScreen
from guarantee_tui.ui.later import TypingPause
from guarantee_tui.ui.widgets.footer import AppFooter
from guarantee_tui.ui.widgets.lazy_table import Cell, Column, LazyTable, Row
from guarantee_tui.ui.widgets.top_bar import TopBar

if TYPE_CHECKING:
    from guarantee_tui.services.events import Change

# Look up this long after the last key typed.
LOOKUP_DELAY = 0.1
# Load the highlighted professional's card this long after the cursor stops.
CARD_DELAY = 0.05
# From this width, the card's two halves (the script, the conditions) sit side by side.
WIDE = 110
# The results take at most this many lines (header included), or a quarter of the
# screen when that is more: the card below uses the rest of the height.
NARROW_RESULTS = 7
# A company name longer than this is cut in the results (the card has it whole).
COMPANY_MAX = 48
# The logged acts that may change a professional's status, which the results show.
STATUS_ACTS: Final = frozenset({"suspend", "reopen"})
# Logged acts on a professional rather than a claim (the change names no professional).
PROFESSIONAL_ACTS: Final = frozenset({"call_note"})


def render_script(
    card: Card, tr: Translator, advice_tr: Translator, other_language: str | None = None
) -> RenderableType:
    """Who, what to tell them, their claims and last calls: the card's left half."""
    pro = card.professional
    zone = card.rules.zone
    parts: list[RenderableType] = []

    head = Text()
    head.append(visible(pro.company), style="bold")
    head.append("\n")
    head.append(
        " · ".join(
            [
                visible(pro.ref),
                visible(pro.market),
                visible(pro.phone) if pro.phone else tr("no phone"),
                visible(pro.email) if pro.email else tr("no e-mail"),
            ]
        )
    )
    if pro.status == "suspended":
        head.append(" · ")
        head.append(tr("profile suspended"), style="bold red")
    head.append("\n")
    head.append(
        " · ".join(
            [
                tr(
                    "pack today: {pack}, since {date}",
                    pack=visible(card.active_pack),
                    date=tr.date(_local_date(card.active_pack_since, zone), in_text=True),
                )
                if card.active_pack and card.active_pack_since
                else tr("pack today: none active"),
                tr("balance: {credits}", credits=tr.credits(pro.balance)),
                tr("profile: {percent}", percent=tr.percent(card.latest_completeness))
                if card.latest_completeness is not None
                else tr("profile: unknown"),
            ]
        ),
        style="dim",
    )
    parts.append(head)

    title = Text("\n")
    title.append(
        tr(
            "What to tell the caller, in {language}",
            language=language_name(advice_tr.language, tr),
        ),
        style="bold underline",
    )
    if other_language is not None and other_language != advice_tr.language:
        title.append("  ")
        title.append(tr("t: {language}", language=language_name(other_language, tr)), style="dim")
    parts.append(title)
    for message in card.advice:
        line = Text()
        line.append("• ", style="bold")
        line.append(visible(advice_tr.render(message)))
        parts.append(line)

    if card.claims:
        claims = Text("\n")
        claims.append(tr("Claims"), style="bold underline")
        parts.append(claims)
        latest = card.latest_decided
        for claim in card.claims:
            parts.append(_claim_line(claim, tr, zone, claim is latest))

    if card.notes:
        notes = Text("\n")
        notes.append(tr("Last calls"), style="bold underline")
        parts.append(notes)
        for note in card.notes:
            line = Text()
            line.append(
                tr(
                    "{at} · {agent} · {outcome}",
                    at=local_moment(tr, note.at, zone, in_text=True),
                    agent=visible(note.agent),
                    outcome=outcome_label(note.outcome, tr),
                ),
                style="dim",
            )
            line.append(" — ")
            line.append(visible(note.summary, lines=True))
            parts.append(line)
    return Group(*parts)


def render_standing(card: Card, tr: Translator) -> RenderableType:
    """Where they stand, condition by condition: the card's right half."""
    zone = card.rules.zone
    parts: list[RenderableType] = []
    # The very evaluation the advice above reads (services/phone.Card.standing):
    # the open claim's, whose evidence says which moment each condition is
    # judged at (the claim's sending or today), else today's.
    standing = card.standing
    m = standing.milestones
    stand = Text()
    on_claim = card.open_claim
    stand.append(
        tr("Claim {ref} as it stands today", ref=visible(on_claim.ref))
        if on_claim is not None
        else tr("Where they stand today"),
        style="bold underline",
    )
    stand.append("\n")
    facts = [tr("contacts bought: {n} of 20", n=tr.number(m.purchases))]
    if m.twentieth_purchase_at is None and m.purchase_deadline is not None:
        deadline = _local_date(m.purchase_deadline, zone)
        facts.append(tr("20th purchase by {date}", date=tr.date(deadline, in_text=True)))
    if m.claimable_from is not None:
        claimable = _local_date(m.claimable_from, zone)
        facts.append(tr("claim possible from {date}", date=tr.date(claimable, in_text=True)))
    stand.append(" · ".join(facts))
    parts.append(stand)
    for result in card.shown_conditions:
        style = status_style(result.status)
        line = Text()
        line.append(f"{status_mark(result.status)} ", style=style)
        line.append(tr.render(CONDITION_LABELS[result.id]), style=f"bold {style}")
        line.append(" — ")
        line.append(visible(tr.render(result.evidence)))
        parts.append(line)

    return Group(*parts)


def _local_date(at: datetime, zone: str) -> date:
    return to_local(at, zone).date()


def _claim_line(claim: ClaimLine, tr: Translator, zone: str, latest: bool) -> Text:
    line = Text()
    line.append(visible(claim.ref), style="bold")
    line.append(" ")
    if claim.status == "open":
        sent = tr.date(_local_date(claim.submitted_at, zone), in_text=True)
        if claim.checklist is None:
            line.append(tr("open, sent on {date}", date=sent))
            return line
        verdict = claim.checklist.verdict
        label = verdict_label(verdict, tr)
        said = tr("open, sent on {date}; as it stands: {verdict}", date=sent, verdict=label)
        start = len(line.plain)
        line.append(said)
        at = said.rfind(label)
        if at >= 0:
            line.stylize(verdict_style(verdict), start + at, start + at + len(label))
        return line
    status = claim_status_label(claim.status, tr)
    decision = claim.decision
    if decision is None:
        line.append(status, style="bold")
        return line
    line.append(
        tr(
            "{status} on {date} by {agent}",
            status=status,
            date=local_moment(tr, decision.decided_at, zone, in_text=True),
            agent=visible(decision.agent),
        )
    )
    if latest:
        line.append("  ")
        line.append(tr("d: the letter"), style="dim")
    return line


class QueryBox(Input):
    """The search box: ↓ goes to the results (an Input would scroll itself)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "screen.results", N_("Results"), key_display="↓", id="phone.results"),
    ]


class PhoneScreen(AppScreen):
    AUTO_FOCUS = "#phone-query"
    DEFAULT_CSS = """
    PhoneScreen #phone-query { height: 3; margin: 0 1; }
    PhoneScreen #phone-status { height: 1; padding: 0 1; color: $text-muted; }
    PhoneScreen #phone-body { height: 1fr; }
    PhoneScreen #phone-results { height: 7; }
    PhoneScreen #phone-card { height: 1fr; padding: 0 1; border-top: hkey $panel; }
    PhoneScreen #phone-card-halves { height: auto; }
    PhoneScreen #phone-card-halves Static { height: auto; }
    PhoneScreen #phone-card-standing { margin-top: 1; }
    PhoneScreen #phone-card-halves.wide { layout: horizontal; }
    PhoneScreen #phone-card-halves.wide Static { width: 1fr; padding-right: 1; }
    PhoneScreen #phone-card-halves.wide #phone-card-standing {
        margin-top: 0; padding-left: 1; border-left: vkey $panel;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", N_("Search"), id="phone.search"),
        Binding("n", "note", N_("Call note"), id="phone.note"),
        Binding("t", "advice_language", N_("Switch language"), id="phone.language"),
        Binding("d", "letter", N_("Letter"), id="phone.letter"),
        Binding("c", "claim", N_("Claim"), id="phone.claim"),
        Binding("p", "search", N_("Search"), show=False, id="phone.p"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.lookup: Lookup | None = None
        self.card: Card | None = None
        # The advice in the UI language rather than the caller's.
        self.advice_in_ui = False
        self._lookup_pause = TypingPause(self)
        self._card_pause = TypingPause(self)
        # Every request is numbered; an answer to an older one is dropped.
        self._lookup_seq = 0
        self._card_seq = 0
        self._card_ref: str | None = None
        # Another agent acted while a screen above hid this one.
        self._stale = False

    # --- layout -----------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TopBar()
        yield QueryBox(id="phone-query", max_length=200)
        yield Static(id="phone-status")
        with Container(id="phone-body"):
            yield LazyTable(self._columns(), id="phone-results")
            with (
                VerticalScroll(id="phone-card", can_focus=True),
                Container(id="phone-card-halves"),
            ):
                yield Static(id="phone-card-content")
                yield Static(id="phone-card-standing")
        yield AppFooter()

    def _columns(self) -> list[Column]:
        """Each column as wide as its title and what it shows in this language;
        the company whole (up to COMPANY_MAX), so that two alike names are told
        apart; the e-mail takes what is left. At 80 columns the phone goes
        before how the professional was found, which goes before the e-mail."""
        tr = self.tr
        results = self.lookup.results if self.lookup is not None else ()

        def fit(title: str, cells: list[str], least: int = 2) -> int:
            return max([cell_len(title), least, *(cell_len(c) for c in cells)])

        ref = fit(tr("Ref"), [visible(r.professional_ref) for r in results])
        market = fit(tr("Mkt"), [visible(r.market) for r in results])
        found = fit(tr("Found by"), [matched_on_label(r.matched_on, tr) for r in results])
        phones = fit(tr("Phone"), [visible(r.phone or "") for r in results])
        # A suspended profile says so in words, in a column of its own that is
        # there only when one is listed.
        states = [self._state(r) for r in results]
        state = fit(tr("Status"), [s for s in states if s]) if any(states) else 0
        # The room the results have: the company's name is cut only when it
        # would push the phone out; the market (the ref tells it too) and how
        # the professional was found go first.
        tables = self.query("#phone-results").results(LazyTable)
        shown = next(tables, None)
        available = (
            shown.scrollable_content_region.width if shown else 0
        ) or self.app.size.width - 4
        room = available - (ref + 1) - (phones + 1) - 1 - (state + 1 if state else 0)
        company = min(
            fit(tr("Company"), [visible(r.company) for r in results]),
            COMPANY_MAX,
            max(room, 16),
        )
        emails = fit(tr("E-mail"), [visible(r.email or "") for r in results])
        columns = [
            Column("ref", tr("Ref"), width=ref, priority=90),
            Column("company", tr("Company"), width=company, priority=100),
            Column("market", tr("Mkt"), width=market, priority=40),
            Column("phone", tr("Phone"), width=phones, priority=60),
            Column("matched", tr("Found by"), width=found, priority=30),
            Column("email", tr("E-mail"), width=None, min_width=min(emails, 24), priority=10),
        ]
        if state:
            columns.insert(2, Column("state", tr("Status"), width=state, priority=80))
        return columns

    @property
    def query_box(self) -> QueryBox:
        return self.query_one("#phone-query", QueryBox)

    @property
    def table(self) -> LazyTable:
        return self.query_one("#phone-results", LazyTable)

    def on_mount(self) -> None:
        self._layout()
        self._search("")

    def on_resize(self) -> None:
        self._layout()
        self.table.set_columns(self._columns())
        self._paint_card()

    def _layout(self) -> None:
        width, height = self.app.size
        self.query_one("#phone-card-halves").set_class(width >= WIDE, "wide")
        rows = len(self.lookup.results) if self.lookup else 0
        most = max(NARROW_RESULTS, height // 4)
        self.table.styles.height = max(min(rows + 1, most), 2)

    def retranslate(self) -> None:
        super().retranslate()
        self.query_box.placeholder = self.tr("Phone, e-mail, company name or ref")
        self.table.set_columns(self._columns())
        if self.lookup is not None:
            self._fill(self.lookup, keep_cursor=True)
        self._show_status()
        self._paint_card()

    def on_screen_resume(self) -> None:
        if self._stale:
            self._stale = False
            self._search(self.query_box.value, keep_cursor=True)
        self._load_card()

    def reload(self) -> None:
        """Asks again (the app calls this when the database is back)."""
        self._search(self.query_box.value, keep_cursor=True)
        self._load_card()

    def others_acted(self, changes: list[Change]) -> None:
        """Another agent's act (ui/app.py) on what the desk shows: shown at once."""
        acts = [c for c in changes if c.seq is not None]
        if not acts:
            return
        if not self.gapp.in_view(self):
            self._stale = True  # read again when the desk shows (on_screen_resume)
            return
        found = self.lookup
        if found is not None and found.results and any(c.action in STATUS_ACTS for c in acts):
            self._search(self.query_box.value, keep_cursor=True)
        card = self.card
        if card is None:
            return
        claims = {c.ref for c in card.claims}
        if any(c.claim_ref in claims or c.action in PROFESSIONAL_ACTS for c in acts):
            self._load_card()

    # --- searching ---------------------------------------------------------

    @on(Input.Changed, "#phone-query")
    def _typed(self, event: Input.Changed) -> None:
        value = event.value
        self._lookup_pause.after(LOOKUP_DELAY, lambda: self._search(value))

    def _search(self, value: str, *, keep_cursor: bool = False) -> None:
        """Looks `value` up; `keep_cursor`: the same search again, the cursor left
        on its professional (else it goes to the first found)."""
        self._lookup_seq += 1
        seq = self._lookup_seq
        self.run_db(
            lambda db: phone.lookup(db, value),
            lambda found: self._found(seq, found, keep_cursor),
            group="phone-lookup",
        )

    def _found(self, seq: int, found: Lookup, keep_cursor: bool = False) -> None:
        if seq != self._lookup_seq:
            return  # a newer search was asked for
        self.lookup = found
        self.table.set_columns(self._columns())
        self._fill(found, keep_cursor=keep_cursor)
        self._layout()
        self._show_status()
        if not found.results:
            self._show_card(None)

    def _fill(self, found: Lookup, *, keep_cursor: bool = False) -> None:
        table = self.table
        cursor, row = table.cursor_row, table.cursor
        generation = table.reset(len(found.results), keep_rows=keep_cursor)
        table.set_rows(generation, 0, [self._row(r) for r in found.results])
        refs = [r.professional_ref for r in found.results]
        if not keep_cursor or not refs:
            table.cursor_row = 0
        elif row is not None and row.key in refs:
            table.cursor_row = refs.index(row.key)
        else:
            table.cursor_row = min(cursor, len(refs) - 1)

    def _state(self, r: LookupResult) -> str:
        return self.tr("profile suspended") if r.status == "suspended" else ""

    def _row(self, r: LookupResult) -> Row:
        tr = self.tr
        matched = Text(matched_on_label(r.matched_on, tr), style="bold" if r.exact else "")
        company = Text(visible(r.company))
        if r.status == "suspended":
            company.stylize("red")
        cells: dict[str, Cell] = {
            "ref": visible(r.professional_ref),
            "company": company,
            "state": Text(self._state(r), style="bold red"),
            "market": visible(r.market),
            "phone": visible(r.phone or ""),
            "matched": matched,
            "email": visible(r.email or ""),
        }
        return Row(key=r.professional_ref, cells=tuple(cells[c.key] for c in self.table.columns))

    @on(LazyTable.RowsNeeded)
    def _rows_needed(self, event: LazyTable.RowsNeeded) -> None:
        if self.lookup is not None:
            rows = [self._row(r) for r in self.lookup.results[event.start : event.end]]
            self.table.set_rows(event.generation, event.start, rows)

    def _show_status(self) -> None:
        tr = self.tr
        found = self.lookup
        status = self.query_one("#phone-status", Static)
        if found is None:
            status.update(Text(tr("Loading…")))
        elif found.hint is not None:
            # The hint may quote what was typed.
            status.update(Text(visible(tr.render(found.hint))))
        else:
            n = len(found.results)
            text = tr.plural("{n} professional found", "{n} professionals found", n)
            if n >= phone.LOOKUP_LIMIT:
                text = tr.plural(
                    "The first {n} professionals found: type more to narrow down.",
                    "The first {n} professionals found: type more to narrow down.",
                    n,
                )
            status.update(Text(text))

    # --- the card -----------------------------------------------------------

    @on(LazyTable.Highlighted)
    def _highlighted(self, event: LazyTable.Highlighted) -> None:
        row = event.row
        ref = row.key if row is not None else None
        if ref == self._card_ref and self.card is not None:
            return
        self._card_ref = ref
        self._card_pause.after(CARD_DELAY, self._load_card)

    def _load_card(self) -> None:
        ref = self._card_ref
        if ref is None:
            return
        self._card_seq += 1
        seq = self._card_seq
        at = self.gapp.now()
        self.run_db(
            lambda db: phone.card(db, ref, at),
            lambda card: self._card_loaded(seq, card),
            group="phone-card",
        )

    def _card_loaded(self, seq: int, card: Card) -> None:
        if seq != self._card_seq:
            return
        self._show_card(card)

    def _show_card(self, card: Card | None) -> None:
        changed = (card is None) != (self.card is None) or (
            card is not None
            and self.card is not None
            and card.professional.ref != self.card.professional.ref
        )
        self.card = card
        if card is None:
            self._card_ref = None
        self._paint_card()
        if changed:
            self.query_one("#phone-card", VerticalScroll).scroll_home(animate=False)
        self.refresh_bindings()

    @property
    def advice_translator(self) -> Translator:
        if self.card is None or self.advice_in_ui:
            return self.tr
        return translator(self.card.language)

    def _paint_card(self) -> None:
        content = self.query_one("#phone-card-content", Static)
        standing = self.query_one("#phone-card-standing", Static)
        if self.card is None:
            content.update(
                Text(self.tr("Choose a professional to see where they stand."), style="dim")
            )
            standing.display = False
            return
        other = self.card.language if self.advice_in_ui else self.tr.language
        content.update(render_script(self.card, self.tr, self.advice_translator, other))
        standing.update(render_standing(self.card, self.tr))
        standing.display = True

    # --- actions ------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        card = self.card
        if action in ("note", "advice_language"):
            return card is not None
        if action == "claim":
            return card is not None and bool(card.claims)
        if action == "letter":
            return card is not None and card.latest_decided is not None
        return super().check_action(action, parameters)

    def action_search(self) -> None:
        box = self.query_box
        box.focus()
        box.select_all()

    def action_results(self) -> None:
        if self.lookup is not None and self.lookup.results:
            self.table.focus()

    @on(Input.Submitted, "#phone-query")
    def _submitted(self) -> None:
        self.action_results()

    @on(LazyTable.Selected)
    def _selected(self) -> None:
        self.query_one("#phone-card", VerticalScroll).focus()

    def action_down(self) -> None:
        self.query_one("#phone-card", VerticalScroll).scroll_relative(y=1, animate=False)

    def action_up(self) -> None:
        self.query_one("#phone-card", VerticalScroll).scroll_relative(y=-1, animate=False)

    def action_advice_language(self) -> None:
        self.advice_in_ui = not self.advice_in_ui
        self._paint_card()

    def action_note(self) -> None:
        from guarantee_tui.ui.screens.call_note import CallNoteScreen

        card = self.card
        if card is None:
            return

        def done(outcome: phone.CallNoteOutcome | None) -> None:
            if outcome is not None:
                self.notify(
                    self.tr(
                        "Call note recorded for {ref} (log entry {seq}).",
                        ref=visible(outcome.professional_ref),
                        seq=self.tr.number(outcome.log_seq),
                    ),
                    markup=False,
                )
            self._load_card()

        self.app.push_screen(CallNoteScreen(card.professional.ref, card.professional.company), done)

    def action_letter(self) -> None:
        from guarantee_tui.ui.screens.letter import LetterScreen

        latest = self.card.latest_decided if self.card is not None else None
        if latest is not None and latest.decision is not None:
            self.app.push_screen(LetterScreen(latest.decision, latest.ref))

    def action_claim(self) -> None:
        from guarantee_tui.ui.screens.claim import open_claim

        card = self.card
        if card is None:
            return
        # The open claim, else the latest.
        claims: Sequence[ClaimLine] = [c for c in card.claims if c.status == "open"] or card.claims
        if claims:
            open_claim(self, claims[-1].ref)
