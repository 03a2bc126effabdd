"""One waiting e-mail: its paragraphs beside the contacts they explain.

Each of the professional's first 20 contacts is a row: on the left the
paragraph intake placed there (or none), on the right the contact (its
position, client, city, purchase date and job) with the cue that placed
the paragraph and how sure it is; an unsure match says "unsure" and is
marked "?", not only coloured. The paragraphs no contact took follow, and
the head counts the contacts left without an explanation.

The agent edits a draft held in memory (services/intake_review.py):
`m` moves the highlighted paragraph to a contact by its number (the
paragraph there swaps places), shift+↑/↓ to the contact above or below,
`u` takes it off its contact, `s` splits it after its first line or
sentence, `j` merges it with the next paragraph of the message; `p` picks
the professional (the phone desk's search); ctrl+s confirms: the claim is
created (or the open claim's changes applied) and the screen closes; `d`
sets the message aside with a reason; `o` shows the original message.
Nothing is written before ctrl+s or `d`, each in a worker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Final

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from guarantee_tui.errors import UserError
from guarantee_tui.i18n import N_, Translator
from guarantee_tui.services import intake_review as review
from guarantee_tui.services.intake import STATUS_LABELS
from guarantee_tui.services.intake_review import AGENT_CUE, Answer, ContactCard, Draft
from guarantee_tui.text import visible
from guarantee_tui.ui.base import AppScreen
from guarantee_tui.ui.inert import data_text
from guarantee_tui.ui.screens.intake import when
from guarantee_tui.ui.widgets.footer import AppFooter
from guarantee_tui.ui.widgets.top_bar import TopBar

if TYPE_CHECKING:
    from guarantee_tui.ui.base import Translated

CUE_LABELS: Final = {
    "ref": N_("lead ref"),
    "number": N_("number"),
    "name": N_("client name"),
    "first_name": N_("first name"),
    "date": N_("purchase date"),
    "city": N_("city"),
    "job": N_("job"),
    "order": N_("order only"),
}
CHANGE_LABELS: Final = {
    "addition": N_("adds an explanation"),
    "replacement": N_("replaces the current explanation"),
    "same": N_("same as the current explanation"),
}


def cue_label(cue: str, tr: Translator) -> str:
    if cue == AGENT_CUE:
        return tr("placed by an agent")
    return " + ".join(tr(CUE_LABELS[c]) if c in CUE_LABELS else c for c in cue.split("+"))


def contact_lines(contact: ContactCard, tr: Translator) -> Text:
    text = Text()
    text.append(tr.number(contact.position), style="bold")
    if contact.client_name:
        text.append(" · ")
        text.append(visible(contact.client_name), style="bold")
    facts = [visible(contact.city or "")]
    if contact.purchased_on is not None:
        facts.append(tr.date(contact.purchased_on, short=True))
    text.append((" · " if not contact.client_name else "\n") + " · ".join(f for f in facts if f))
    if contact.job_title:
        text.append("\n" + visible(contact.job_title), style="dim")
    return text


def open_message(screen: Translated, intake_id: int) -> None:
    """Reads the message as a draft, then shows it (no empty screen first)."""
    screen.run_db(
        lambda db: review.load(db, intake_id),
        lambda draft: _push(screen, IntakeMessageScreen(draft)),
        group="intake-message-open",
    )


def _push(screen: Translated, shown: AppScreen) -> None:
    screen.gapp.push_screen(shown)


@dataclass(frozen=True, slots=True)
class _Line:
    """A row of the screen: a contact (`position`) or a paragraph left over (`index`)."""

    position: int | None
    index: int | None


class PairRow(Static):
    """One contact and its paragraph, or one paragraph left over."""


class IntakeMessageScreen(AppScreen):
    DEFAULT_CSS = """
    IntakeMessageScreen #intake-head { height: auto; max-height: 5; padding: 0 1; }
    IntakeMessageScreen #intake-pairs { height: 1fr; }
    IntakeMessageScreen PairRow { height: auto; padding: 0 1; }
    IntakeMessageScreen PairRow.section { color: $text-muted; text-style: bold; }
    IntakeMessageScreen PairRow.cursor { background: $accent 30%; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "confirm", N_("Confirm"), id="intake.confirm"),
        Binding("m", "move", N_("Move"), id="intake.move"),
        Binding("shift+up", "move_by(-1)", N_("Move up"), show=False, id="intake.move_up"),
        Binding("shift+down", "move_by(1)", N_("Move down"), show=False, id="intake.move_down"),
        Binding("s", "split", N_("Split"), id="intake.split"),
        Binding("j", "merge", N_("Merge"), id="intake.merge"),
        Binding("u", "unassign", N_("Unplace"), show=False, id="intake.unassign"),
        Binding("p", "pick", N_("Professional"), id="intake.professional"),
        Binding("d", "dismiss_message", N_("Set aside"), id="intake.dismiss"),
        Binding("o", "original", N_("Original"), id="intake.original"),
    ]

    def __init__(self, draft: Draft) -> None:
        super().__init__()
        self.draft = draft
        self.cursor = 0
        self._busy = False

    def compose(self) -> ComposeResult:
        yield TopBar()
        yield Static(id="intake-head")
        # The rows are built here, not after the first frame: the screen
        # paints once, whole.
        with VerticalScroll(id="intake-pairs", can_focus=False):
            for content, classes in self._rows(self.lines):
                yield PairRow(content, classes=classes)
        yield AppFooter()

    def on_mount(self) -> None:
        self._paint()

    def retranslate(self) -> None:
        super().retranslate()
        if self.is_mounted:
            self._paint()

    # --- what is shown -----------------------------------------------------

    @property
    def lines(self) -> list[_Line]:
        draft = self.draft
        lines = [_Line(c.position, draft.index_at(c.position)) for c in draft.contacts]
        lines.extend(_Line(None, i) for i in draft.left_over)
        return lines

    def _paint(self) -> None:
        self.query_one("#intake-head", Static).update(self._head())
        lines = self.lines
        self.cursor = max(0, min(self.cursor, len(lines) - 1))
        box = self.query_one("#intake-pairs", VerticalScroll)
        rows = list(box.query(PairRow).results(PairRow))
        wanted = self._rows(lines)
        if len(rows) == len(wanted):
            for row, (content, classes) in zip(rows, wanted, strict=True):
                row.update(content)
                row.set_classes(classes)
        else:
            box.remove_children()
            box.mount_all(PairRow(content, classes=classes) for content, classes in wanted)
        self.call_after_refresh(self._show_cursor)

    def _show_cursor(self) -> None:
        row = self._cursor_row()
        if row is not None:
            self.query_one("#intake-pairs", VerticalScroll).scroll_to_widget(
                row, animate=False, top=False
            )

    def _cursor_row(self) -> PairRow | None:
        rows = [r for r in self.query(PairRow) if "section" not in r.classes]
        return rows[self.cursor] if 0 <= self.cursor < len(rows) else None

    def _rows(self, lines: list[_Line]) -> list[tuple[RenderableType, str]]:
        rows: list[tuple[RenderableType, str]] = []
        left_over_shown = False
        for i, line in enumerate(lines):
            if line.position is None and not left_over_shown:
                left_over_shown = True
                rows.append((Text(self.tr("Paragraphs left over")), "section"))
            rows.append((self._pair(line), "cursor" if i == self.cursor else ""))
        if not lines:
            rows.append((Text(self.tr("The message has no paragraph to place.")), "section"))
        return rows

    def _pair(self, line: _Line) -> RenderableType:
        tr, draft = self.tr, self.draft
        grid = Table.grid(expand=True, padding=(0, 1))
        grid.add_column(ratio=3)
        grid.add_column(ratio=2)
        paragraph = draft.paragraphs[line.index] if line.index is not None else None
        if paragraph is not None:
            left = data_text(paragraph.text, lines=True)
        else:
            left = Text(tr("(no explanation)"), style="italic dim")
        if line.position is None:
            right = Text(tr("on no contact"), style="italic")
        else:
            right = contact_lines(draft.contacts[line.position - 1], tr)
            if paragraph is not None:
                right.append("\n")
                confidence = tr.percent(round(paragraph.confidence * 100))
                if paragraph.sure:
                    right.append(
                        tr(
                            "{cue} · {confidence}",
                            cue=cue_label(paragraph.cue, tr),
                            confidence=confidence,
                        ),
                        style="green",
                    )
                else:
                    right.append(
                        tr(
                            "? unsure: {cue} · {confidence}",
                            cue=cue_label(paragraph.cue, tr),
                            confidence=confidence,
                        ),
                        style="bold yellow",
                    )
                if draft.claim is not None:
                    right.append("\n" + tr(CHANGE_LABELS[draft.change(line.position)]))
        grid.add_row(left, right)
        return grid

    def _head(self) -> Text:
        tr, draft = self.tr, self.draft
        head = Text()
        head.append(visible(draft.sender), style="bold")
        head.append(" · " + when(draft.sent_at or draft.received_at, tr) + " · ")
        head.append(visible(" ".join(draft.subject.split())) or tr("(no subject)"))
        head.append("\n")
        pro = draft.professional
        if pro is None:
            head.append(tr("Professional unknown: p to pick them."), style="bold yellow")
        else:
            head.append(
                tr("{ref} · {company}", ref=visible(pro.ref), company=visible(pro.company)),
                style="bold",
            )
        head.append(" · " + tr(STATUS_LABELS.get(draft.status, draft.status)))
        if draft.claim is not None:
            head.append(" · " + tr("changes to open claim {ref}", ref=visible(draft.claim)))
        head.append("\n")
        placed = sum(1 for p in draft.paragraphs if p.position is not None)
        facts = [
            tr.plural("{n} paragraph on a contact", "{n} paragraphs on contacts", placed),
        ]
        if draft.unsure:
            facts.append(tr.plural("{n} unsure (?)", "{n} unsure (?)", draft.unsure))
        facts.append(tr.plural("{n} left over", "{n} left over", len(draft.left_over)))
        if draft.contacts:
            missing = draft.missing
            if missing:
                numbers = ", ".join(tr.number(c.position) for c in missing[:8])
                if len(missing) > 8:
                    numbers += ", …"
                facts.append(
                    tr.plural(
                        "{n} contact without an explanation: {numbers}",
                        "{n} contacts without an explanation: {numbers}",
                        len(missing),
                        numbers=numbers,
                    )
                )
            else:
                facts.append(tr("every contact explained"))
        if draft.edits:
            facts.append(tr.plural("{n} change not saved", "{n} changes not saved", draft.edits))
        head.append(" · ".join(facts), style="dim")
        return head

    # --- moving the cursor -------------------------------------------------

    def _go(self, row: int) -> None:
        count = len(self.lines)
        if count == 0:
            return
        self.cursor = max(0, min(row, count - 1))
        for i, widget in enumerate(r for r in self.query(PairRow) if "section" not in r.classes):
            widget.set_class(i == self.cursor, "cursor")
        self._show_cursor()

    def action_up(self) -> None:
        self._go(self.cursor - 1)

    def action_down(self) -> None:
        self._go(self.cursor + 1)

    def action_first(self) -> None:
        self._go(0)

    def action_last(self) -> None:
        self._go(len(self.lines) - 1)

    # --- editing the draft ---------------------------------------------------

    def _paragraph(self) -> int | None:
        """The highlighted paragraph, or None with a notice saying why."""
        lines = self.lines
        line = lines[self.cursor] if 0 <= self.cursor < len(lines) else None
        if line is None or line.index is None:
            self._say(
                self.tr(
                    "No paragraph on this contact: highlight a paragraph, then m and "
                    "this contact's number."
                )
            )
            return None
        return line.index

    def _say(self, text: str) -> None:
        self.notify(text, severity="warning", markup=False)

    def _edit(self, change: Draft, follow: int | None = None) -> None:
        """Shows the edited draft; `follow`: the cursor goes to that paragraph."""
        self.draft = change
        if follow is not None:
            for i, line in enumerate(self.lines):
                if line.index == follow:
                    self.cursor = i
                    break
        self._paint()

    def _try(self, edit: Callable[[], Draft]) -> Draft | None:
        try:
            return edit()
        except UserError as error:
            self._say(error.describe(self.tr))
            return None

    def action_move(self) -> None:
        from guarantee_tui.ui.screens.prompt import PromptScreen

        index = self._paragraph()
        if index is None:
            return
        if not self.draft.contacts:
            self._say(self.tr("The professional is not known yet: p to pick them first."))
            return

        def chosen(value: str | None) -> None:
            if value is None:
                return
            try:
                position = int(value.strip())
            except ValueError:
                self._say(
                    self.tr(
                        "Give a contact's number, from 1 to {count}.",
                        count=self.tr.number(len(self.draft.contacts)),
                    )
                )
                return
            done = self._try(lambda: review.move(self.draft, index, position))
            if done is not None:
                self._edit(done, follow=index)

        self.app.push_screen(
            PromptScreen(
                self.tr(
                    "Move the paragraph to which contact (1 to {count})?",
                    count=self.tr.number(len(self.draft.contacts)),
                )
            ),
            chosen,
        )

    def action_move_by(self, step: int) -> None:
        index = self._paragraph()
        if index is None:
            return
        position = self.draft.paragraphs[index].position
        if position is None:
            self._say(self.tr("This paragraph is on no contact: m puts it on one."))
            return
        done = self._try(lambda: review.move(self.draft, index, position + step))
        if done is not None:
            self._edit(done, follow=index)

    def action_unassign(self) -> None:
        index = self._paragraph()
        if index is None:
            return
        if self.draft.paragraphs[index].position is None:
            self._say(self.tr("This paragraph is on no contact already."))
            return
        done = self._try(lambda: review.unassign(self.draft, index))
        if done is not None:
            self._edit(done)

    def action_split(self) -> None:
        index = self._paragraph()
        if index is None:
            return
        done = self._try(lambda: review.split(self.draft, index))
        if done is not None:
            self._edit(done, follow=index)

    def action_merge(self) -> None:
        index = self._paragraph()
        if index is None:
            return
        done = self._try(lambda: review.merge(self.draft, index))
        if done is not None:
            self._edit(done, follow=index)

    # --- the professional, the original -----------------------------------------

    def action_pick(self) -> None:
        from guarantee_tui.ui.screens.intake_pick import PickProfessionalScreen

        intake_id = self.draft.intake_id

        def picked(ref: str | None) -> None:
            if ref is None:
                return
            self.run_db(
                lambda db: review.load(db, intake_id, ref),
                self._picked,
                group="intake-pick",
            )

        self.app.push_screen(PickProfessionalScreen(), picked)

    def _picked(self, draft: Draft) -> None:
        self.cursor = 0
        self._edit(draft)
        if draft.professional is not None:
            self.notify(
                self.tr(
                    "The message is read as from {ref}, {company}.",
                    ref=visible(draft.professional.ref),
                    company=visible(draft.professional.company),
                ),
                markup=False,
            )

    def action_original(self) -> None:
        from guarantee_tui.ui.screens.intake_original import OriginalScreen

        intake_id = self.draft.intake_id
        self.run_db(
            lambda db: review.original(db, intake_id),
            lambda found: _push(self, OriginalScreen(found)),
            group="intake-original",
        )

    # --- answering ---------------------------------------------------------------

    def _start(self) -> bool:
        if self._busy:
            self._say(self.tr("The database is still answering: a moment."))
            return False
        return True

    def action_confirm(self) -> None:
        if not self._start():
            return
        draft = self.draft
        if draft.professional is None:
            self._say(review.NoProfessional().describe(self.tr))
            return
        if not draft.texts():
            self._say(review.NothingPlaced().describe(self.tr))
            return
        self._busy = True
        agent, at = self.gapp.agent, self.gapp.now()
        self.run_db(
            lambda db: review.confirm(db, draft, agent=agent, at=at),
            self._answered,
            group="intake-answer",
            on_error=self._failed,
        )

    def action_dismiss_message(self) -> None:
        from guarantee_tui.ui.screens.prompt import PromptScreen

        if not self._start():
            return
        intake_id = self.draft.intake_id

        def chosen(reason: str | None) -> None:
            if reason is None:
                return
            self._busy = True
            agent, at = self.gapp.agent, self.gapp.now()
            self.run_db(
                lambda db: review.dismiss(db, intake_id, reason, agent=agent, at=at),
                self._answered,
                group="intake-answer",
                on_error=self._failed,
            )

        self.app.push_screen(
            PromptScreen(self.tr("Why is this message set aside? (kept in the decision log)")),
            chosen,
        )

    def _failed(self, error: BaseException) -> bool:
        self._busy = False
        return False  # the app says why (a notice for a refusal)

    def _answered(self, answer: Answer) -> None:
        self._busy = False
        tr = self.tr
        if answer.status == review.DISMISSED:
            text = tr("The message is set aside.")
        elif answer.already:
            text = tr("You had already confirmed this message: nothing was done again.")
        elif answer.created:
            left = len(self.draft.left_over)
            text = tr.plural(
                "Claim {ref} created, open, with {n} explanation.",
                "Claim {ref} created, open, with {n} explanations.",
                answer.explanations,
                ref=visible(answer.claim or ""),
            )
            if left:
                text += " " + tr.plural(
                    "{n} paragraph left over was not kept.",
                    "{n} paragraphs left over were not kept.",
                    left,
                )
        else:
            text = tr.plural(
                "Claim {ref}: {n} explanation added or replaced.",
                "Claim {ref}: {n} explanations added or replaced.",
                answer.explanations,
                ref=visible(answer.claim or ""),
            )
        self.notify(text, markup=False)
        self.dismiss()
