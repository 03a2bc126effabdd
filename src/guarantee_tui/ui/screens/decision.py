"""Confirming a decision: the reason, the grounds, the letter, then confirm.

Nothing is decided by one key: `a`, `r` or `s` only open this dialog. It
says why an action is not available, pre-fills the grounds from the unmet
conditions, and shows the letter exactly as it will be recorded.

If another agent decides the claim, or takes it, while the dialog is open,
it closes with a notice before the agent types more (ui/app.py follows the
other agents' acts).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.timer import Timer
from textual.widgets import Button, Input, SelectionList, Static, TextArea
from textual.widgets.selection_list import Selection

from guarantee_tui.errors import UserError
from guarantee_tui.i18n import N_, language_name
from guarantee_tui.policy import CONDITION_LABELS, ConditionId, Status
from guarantee_tui.services import decisions
from guarantee_tui.services.database import StoreError
from guarantee_tui.services.decisions import Draft, Outcome
from guarantee_tui.text import visible
from guarantee_tui.ui.base import AppModal
from guarantee_tui.ui.inert import data_text

if TYPE_CHECKING:
    from guarantee_tui.services.events import Change

TITLES = {
    "approve": N_("Approve claim {ref}"),
    "reject": N_("Reject claim {ref}"),
    "suspend": N_("Suspend the profile: claim {ref}"),
}
CONFIRM = {
    "approve": N_("Approve and refund"),
    "reject": N_("Reject"),
    "suspend": N_("Suspend the profile"),
}
REDRAFT_DELAY = 0.3
DECISIONS = frozenset(("approve", "reject", "suspend"))
# Another agent holding the claim now: this agent's decision would be refused.
TAKES = frozenset(("take", "take_over"))


class DecisionScreen(AppModal[Outcome | None]):
    DEFAULT_CSS = """
    DecisionScreen { align: center middle; }
    DecisionScreen > Vertical {
        width: 100; max-width: 98%; height: 95%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    DecisionScreen #decision-title { text-style: bold; height: auto; }
    DecisionScreen #decision-why { color: $error; height: auto; }
    DecisionScreen #decision-codes { height: auto; max-height: 6; }
    DecisionScreen #decision-letter { min-height: 4; }
    /* One line until the agent writes more: the buttons stay on an 80x24 screen. */
    DecisionScreen #decision-message { height: auto; min-height: 3; max-height: 6; }
    DecisionScreen #decision-letter-title { height: 1; margin-top: 1; color: $text-muted; }
    DecisionScreen #decision-letter { height: 1fr; border: round $panel; padding: 0 1; }
    DecisionScreen #decision-error { color: $error; height: auto; }
    DecisionScreen Horizontal { height: auto; align-horizontal: right; }
    DecisionScreen Button { margin-left: 2; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "confirm", N_("Confirm"), id="decision.confirm"),
    ]

    def __init__(
        self, claim_ref: str, action: str, version: int, opened_at: datetime | None
    ) -> None:
        super().__init__()
        self.claim_ref = claim_ref
        self.action = action
        self.version = version
        self.opened_at = opened_at
        self.draft: Draft | None = None
        self._timer: Timer | None = None
        self._busy = False
        # The reason and message the current draft was made with, and whether
        # a confirm waits for the draft of the texts as typed now.
        self._drafted_texts = ("", "")
        self._confirm_when_drafted = False
        self._superseded = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(id="decision-title")
            yield Static(id="decision-why")
            yield SelectionList[str](id="decision-codes")
            yield Input(id="decision-reason")
            # For the professional, in the letter's language: the reason never
            # reaches the letter (services/letters.py).
            yield TextArea(id="decision-message", soft_wrap=True, show_line_numbers=False)
            yield Static(id="decision-letter-title")
            with VerticalScroll(id="decision-letter"):
                yield Static(id="decision-letter-text")
            yield Static(id="decision-error")
            with Horizontal():
                yield Button(id="decision-cancel")
                yield Button(
                    id="decision-confirm",
                    disabled=True,
                    variant="success" if self.action == "approve" else "error",
                )

    def on_mount(self) -> None:
        self.query_one("#decision-codes").display = self.action == "reject"
        self.query_one("#decision-message").display = self.action != "approve"
        self.query_one("#decision-reason", Input).focus()
        self._redraft()

    def retranslate(self) -> None:
        super().retranslate()
        tr = self.tr
        self.query_one("#decision-title", Static).update(
            Text(tr(TITLES[self.action], ref=visible(self.claim_ref)))
        )
        self.query_one("#decision-reason", Input).placeholder = tr(
            "Reason (required, for the log, never in the letter): why you decide so"
        )
        self.query_one("#decision-message", TextArea).placeholder = tr(
            "Message to the professional, shown in the letter as written"
        )
        self.query_one("#decision-confirm", Button).label = self.with_key(
            tr(CONFIRM[self.action]), self.bound_key("confirm")
        )
        self.query_one("#decision-cancel", Button).label = self.with_key(
            tr("Cancel"), self.bound_key("cancel")
        )
        if self.draft is not None:
            self._show(self.draft)

    # --- the draft --------------------------------------------------------

    def _reason(self) -> str:
        return self.query_one("#decision-reason", Input).value

    def _message(self) -> str | None:
        if self.action == "approve":
            return None
        return self.query_one("#decision-message", TextArea).text.strip() or None

    def _texts(self) -> tuple[str, str]:
        return self._reason(), self._message() or ""

    def _redraft(self) -> None:
        ref, action, at = self.claim_ref, self.action, self.gapp.now()
        reason, message, texts = self._reason(), self._message(), self._texts()
        self.run_db(
            lambda db: decisions.draft(
                db, ref, action, at, reason, message_for_professional=message
            ),
            lambda draft: self._drafted(draft, texts),
            group=f"draft-{ref}",
        )

    def _drafted(self, draft: Draft, texts: tuple[str, str]) -> None:
        first = self.draft is None
        self.draft = draft
        self._drafted_texts = texts
        if first:
            self._prefill(draft)
        self._show(draft)
        if self._confirm_when_drafted and not self._stale():
            self._confirm_when_drafted = False
            self.action_confirm()

    def _stale(self) -> bool:
        """Whether the reason or the message changed since the draft (the letter
        shows the message; a decision may need it)."""
        return self.draft is not None and self._texts() != self._drafted_texts

    def _prefill(self, draft: Draft) -> None:
        tr = self.tr
        codes = self.query_one("#decision-codes", SelectionList)
        codes.clear_options()
        if self.action == "reject":
            # The grounds an agent can give: what is not met (ticked) or not yet met.
            for result in draft.checklist.results:
                if result.status is not Status.MET:
                    failed = str(result.id) in draft.reason_codes
                    codes.add_option(
                        Selection(tr.render(CONDITION_LABELS[result.id]), str(result.id), failed)
                    )
            codes.display = codes.option_count > 0
        reason = self.query_one("#decision-reason", Input)
        if reason.value:
            return
        if self.action == "approve":
            reason.value = tr("Every condition is met.")
        elif self.action == "reject" and draft.reason_codes:
            reason.value = tr(
                "Not met: {conditions}",
                conditions=tr.items(
                    [tr.render(CONDITION_LABELS[ConditionId(c)]) for c in draft.reason_codes]
                ),
            )
        elif self.action == "suspend" and draft.untruthful:
            reason.value = tr(
                "Untruthful explanations: {refs}",
                refs=tr.items([visible(ref) for ref in draft.untruthful]),
            )
        # A selected draft, whether it arrived before the box took focus or
        # after: typing replaces it, ctrl+s keeps it; typing never runs on after it.
        reason.select_all()

    def _show(self, draft: Draft) -> None:
        tr = self.tr
        why = self.query_one("#decision-why", Static)
        why.update(
            data_text(tr.render(draft.why_not), lines=True)
            if draft.why_not is not None
            else Text("")
        )
        self.query_one("#decision-letter-title", Static).update(
            Text(
                tr(
                    "Letter to the professional, in {language}:",
                    language=language_name(draft.letter_language, tr),
                )
            )
        )
        self.query_one("#decision-letter-text", Static).update(data_text(draft.letter, lines=True))
        self._update_confirm()

    def _update_confirm(self) -> None:
        draft = self.draft
        ready = (
            draft is not None and draft.allowed and bool(self._reason().strip()) and not self._busy
        )
        self.query_one("#decision-confirm", Button).disabled = not ready

    @on(Input.Changed, "#decision-reason")
    @on(TextArea.Changed, "#decision-message")
    def _texts_changed(self) -> None:
        self._update_confirm()
        if self._timer is not None:
            self._timer.stop()
        # The letter shows the message, and whether the action is allowed may
        # depend on it.
        self._timer = self.set_timer(REDRAFT_DELAY, self._redraft)

    # --- confirming -------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "confirm":
            # Typed, then confirmed before the draft caught up: worth a new draft.
            return not self.query_one("#decision-confirm", Button).disabled or self._stale()
        return True

    @on(Button.Pressed, "#decision-confirm")
    def action_confirm(self) -> None:
        if self._stale():
            # Decided on the reason as typed, never on an older draft's verdict.
            self._confirm_when_drafted = True
            if self._timer is not None:
                self._timer.stop()
            self._redraft()
            return
        if self.query_one("#decision-confirm", Button).disabled:
            return
        codes = (
            list(self.query_one("#decision-codes", SelectionList).selected)
            if self.action == "reject"
            else None
        )
        ref, action, version, opened = self.claim_ref, self.action, self.version, self.opened_at
        reason, agent, at = self._reason(), self.gapp.agent, self.gapp.now()
        message = self._message()
        language = self.tr.language
        self._busy = True
        self._update_confirm()
        self.run_db(
            lambda db: decisions.decide(
                db,
                ref,
                action,
                reason=reason,
                agent=agent,
                at=at,
                seen_version=version,
                opened_at=opened,
                language=language,
                reason_codes=codes,
                message_for_professional=message,
            ),
            self._decided,
            group=f"decide-{ref}",
            on_error=self._refused,
        )

    def _decided(self, outcome: Outcome) -> None:
        self.dismiss(outcome)

    def _refused(self, error: BaseException) -> bool:
        self._busy = False
        refusal = isinstance(error, UserError) and not isinstance(
            error, decisions.ReasonRequired | StoreError
        )
        if refusal:
            assert isinstance(error, UserError)
            self.query_one("#decision-error", Static).update(
                data_text(error.describe(self.tr), lines=True)
            )
            self.query_one("#decision-confirm", Button).disabled = True
            return True
        self._update_confirm()
        return False

    @on(Button.Pressed, "#decision-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def others_acted(self, changes: list[Change]) -> None:
        """Closes the dialog when someone else decides or takes the claim meanwhile."""
        if not self.is_attached or self._superseded:
            return
        tr = self.tr
        for change in changes:
            if change.claim_ref != self.claim_ref or self.gapp.is_me(change.agent):
                continue
            agent = visible(change.agent or "?")
            if change.action in DECISIONS:
                notice = tr(
                    "{agent} has just decided claim {ref}: your decision was not recorded.",
                    agent=agent,
                    ref=visible(self.claim_ref),
                )
            elif change.action in TAKES:
                notice = tr(
                    "{agent} has just taken claim {ref}: your decision was not recorded.",
                    agent=agent,
                    ref=visible(self.claim_ref),
                )
            else:
                continue
            self._superseded = True
            app = self.app
            self.dismiss(None)
            # Shown over the claim beneath, the dialog gone.
            app.notify(notice, severity="warning", markup=False, timeout=10)
            return
