"""Confirming a decision: the reason, the grounds, the letter, then confirm.

Nothing is decided by one key: `a`, `r` or `s` only open this dialog. It
keeps the claim's key facts in view, says why an action is not available,
pre-fills the grounds from the unmet conditions, and shows the letter
exactly as it will be recorded. As every dialog: ctrl+s confirms (and says
why when it cannot), Escape cancels; ctrl+n confirms, then opens the next
open claim of the queue. The reason is a multi-line box; a drafted reason
is selected whole, so that typing replaces it.

If another agent decides the claim, or takes it, while the dialog is open,
it closes with a notice before the agent types more (ui/app.py follows the
other agents' acts).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, SelectionList, Static, TextArea
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
from guarantee_tui.ui.later import TypingPause

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
    AUTO_FOCUS = "#decision-reason"
    DEFAULT_CSS = """
    DecisionScreen { align: center middle; }
    DecisionScreen > Vertical {
        width: 100; max-width: 98%; height: 95%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    DecisionScreen #decision-title { text-style: bold; height: auto; }
    DecisionScreen #decision-context { height: auto; max-height: 3; color: $text-muted; }
    /* The buttons stay on screen whatever the dialog holds; the letter takes what is left. */
    DecisionScreen #decision-buttons { dock: bottom; }
    DecisionScreen #decision-reason { height: auto; min-height: 3; max-height: 5; }
    DecisionScreen #decision-why { color: $error; height: auto; }
    DecisionScreen #decision-codes { height: auto; max-height: 6; }
    /* One line until the agent writes more: the buttons stay on an 80x24 screen. */
    DecisionScreen #decision-message { height: auto; min-height: 3; max-height: 6; }
    DecisionScreen #decision-letter-title { height: 1; margin-top: 1; color: $text-muted; }
    DecisionScreen #decision-letter {
        height: 1fr; min-height: 3; border: round $panel; padding: 0 1;
    }
    DecisionScreen #decision-error { color: $error; height: auto; }
    DecisionScreen Horizontal { height: auto; align-horizontal: right; }
    DecisionScreen Button { margin-left: 2; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "confirm", N_("Confirm"), id="decision.confirm"),
        Binding("ctrl+n", "confirm_next", N_("Confirm, next claim"), id="decision.next"),
    ]

    def __init__(
        self,
        claim_ref: str,
        action: str,
        version: int,
        opened_at: datetime | None,
        context: RenderableType | None = None,
    ) -> None:
        super().__init__()
        # The claim's key facts, rendered inert by the claim screen.
        self.context = context
        # Confirmed with ctrl+n: the claim screen opens the next claim.
        self.then_next = False
        self.claim_ref = claim_ref
        self.action = action
        self.version = version
        self.opened_at = opened_at
        self.draft: Draft | None = None
        self._redraft_pause = TypingPause(self)
        self._busy = False
        # The reason and message the current draft was made with, and whether
        # a confirm waits for the draft of the texts as typed now.
        self._drafted_texts = ("", "")
        self._confirm_when_drafted = False
        self._superseded = False
        # The last refusal of the service, as the dialog shows it.
        self._refusal = ""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(id="decision-title")
            yield Static(self.context or "", id="decision-context")
            yield Static(id="decision-why")
            yield SelectionList[str](id="decision-codes")
            yield TextArea(id="decision-reason", soft_wrap=True, show_line_numbers=False)
            # For the professional, in the letter's language: the reason never
            # reaches the letter (services/letters.py).
            yield TextArea(id="decision-message", soft_wrap=True, show_line_numbers=False)
            yield Static(id="decision-letter-title")
            with VerticalScroll(id="decision-letter"):
                yield Static(id="decision-letter-text")
            yield Static(id="decision-error")
            with Horizontal(id="decision-buttons"):
                yield Button(id="decision-cancel")
                yield Button(id="decision-next", disabled=True)
                yield Button(
                    id="decision-confirm",
                    disabled=True,
                    variant="success" if self.action == "approve" else "error",
                )

    def on_mount(self) -> None:
        self.query_one("#decision-codes").display = self.action == "reject"
        self.query_one("#decision-message").display = self.action != "approve"
        self.query_one("#decision-context").display = self.context is not None
        self._redraft()

    def retranslate(self) -> None:
        super().retranslate()
        tr = self.tr
        self.query_one("#decision-title", Static).update(
            Text(tr(TITLES[self.action], ref=visible(self.claim_ref)))
        )
        self.query_one("#decision-reason", TextArea).placeholder = tr(
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
        self.query_one("#decision-next", Button).label = self.with_key(
            tr("…and next claim"), self.bound_key("confirm_next")
        )
        if self.draft is not None:
            self._show(self.draft)

    # --- the draft --------------------------------------------------------

    def _reason(self) -> str:
        return self.query_one("#decision-reason", TextArea).text

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
        """Whether the message changed since the draft (the letter shows it; a
        decision may need it). The reason never reaches the draft."""
        return self.draft is not None and self._texts()[1] != self._drafted_texts[1]

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
        reason = self.query_one("#decision-reason", TextArea)
        if reason.text:
            return
        drafted = ""
        if self.action == "approve":
            # Only where it is true: approving a claim that is not eligible is
            # refused, and the dialog says why instead (#decision-why).
            if draft.allowed:
                drafted = tr("Every condition is met.")
        elif self.action == "reject" and draft.reason_codes:
            drafted = tr(
                "Not met: {conditions}",
                conditions=tr.items(
                    [tr.render(CONDITION_LABELS[ConditionId(c)]) for c in draft.reason_codes]
                ),
            )
        elif self.action == "suspend" and draft.untruthful:
            drafted = tr(
                "Untruthful explanations: {refs}",
                refs=tr.items([visible(ref) for ref in draft.untruthful]),
            )
        if not drafted:
            return  # the placeholder says what to write
        reason.text = drafted
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
        why.display = draft.why_not is not None
        if self.action == "approve" and not draft.allowed:
            # No letter saying credits were refunded for a refund that cannot be.
            self.query_one("#decision-letter-title", Static).update(
                Text(tr("No letter: this claim cannot be approved now."))
            )
            self.query_one("#decision-letter").display = False
        else:
            self.query_one("#decision-letter-title", Static).update(
                Text(
                    tr(
                        "Letter to the professional, in {language}:",
                        language=language_name(draft.letter_language, tr),
                    )
                )
            )
            self.query_one("#decision-letter").display = True
            self.query_one("#decision-letter-text", Static).update(
                data_text(draft.letter, lines=True)
            )
        self._update_confirm()

    def _update_confirm(self) -> None:
        draft = self.draft
        ready = (
            draft is not None and draft.allowed and bool(self._reason().strip()) and not self._busy
        )
        self.query_one("#decision-confirm", Button).disabled = not ready
        self.query_one("#decision-next", Button).disabled = not ready

    def _why_disabled(self) -> str:
        """Why confirming does nothing now, for the notice."""
        tr, draft = self.tr, self.draft
        if self._busy or draft is None:
            return tr("One moment: the decision is being prepared.")
        if draft.why_not is not None:
            return visible(tr.render(draft.why_not), lines=True)
        if not self._reason().strip():
            return tr("Write the reason first: the log records why you decide so.")
        return self._refusal or tr("This decision cannot be confirmed now.")

    @on(TextArea.Changed, "#decision-reason")
    @on(TextArea.Changed, "#decision-message")
    def _texts_changed(self) -> None:
        self._update_confirm()
        if self.draft is not None and not self._stale():
            # The reason alone changed (typed, or prefilled from the draft): the
            # draft and its letter stay what they are.
            return
        # The letter shows the message, and whether the action is allowed may
        # depend on it.
        self._redraft_pause.after(REDRAFT_DELAY, self._redraft)

    # --- confirming -------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Always available: a confirm that cannot go ahead says why.
        return True

    @on(Button.Pressed, "#decision-next")
    def action_confirm_next(self) -> None:
        self.then_next = True
        self.action_confirm()

    @on(Button.Pressed, "#decision-confirm")
    def action_confirm(self) -> None:
        if self._stale():
            # Decided on the reason as typed, never on an older draft's verdict.
            self._confirm_when_drafted = True
            self._redraft_pause.cancel()
            self._redraft()
            return
        if self.query_one("#decision-confirm", Button).disabled:
            self.then_next = False
            self.notify(self._why_disabled(), severity="warning", markup=False)
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
            self._refusal = error.describe(self.tr)
            self.query_one("#decision-error", Static).update(data_text(self._refusal, lines=True))
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
