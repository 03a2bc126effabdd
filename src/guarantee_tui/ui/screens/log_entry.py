"""One log entry: exactly what was recorded, beside the claim as it is now.

For a decision: the letter and the checklist as recorded, and the claim's
current checklist next to them. Supervisors can reopen the decision (`o`)
or give their second opinion for the quality review (`a` agree, `d`
disagree); both ask for a note and are logged.

"The claim now" follows other agents' acts on the claim (a mark, a
decision, a reopening) as they happen (ui/app.py); a reason being typed to
reopen a claim that someone else has just reopened is set aside, saying so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import Group, RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, VerticalScroll
from textual.widgets import Static

from guarantee_tui.i18n import N_, Translator, language_name
from guarantee_tui.presentation import log_action_label, role_label
from guarantee_tui.services import claim_view, log
from guarantee_tui.services.claim_view import ClaimView
from guarantee_tui.services.log import DECISIONS, Entry
from guarantee_tui.text import visible
from guarantee_tui.ui.base import AppScreen
from guarantee_tui.ui.screens.claim import render_checklist, render_verdict
from guarantee_tui.ui.screens.letter import recorded_checklist
from guarantee_tui.ui.widgets.footer import AppFooter
from guarantee_tui.ui.widgets.top_bar import TopBar

if TYPE_CHECKING:
    from guarantee_tui.services.events import Change
    from guarantee_tui.ui.screens.prompt import PromptScreen

WIDE = 120


@dataclass(frozen=True, slots=True)
class _Loaded:
    entry: Entry
    current: ClaimView | None


def render_entry(entry: Entry, tr: Translator) -> RenderableType:
    head = Text()
    head.append(
        tr(
            "Entry {seq}: {action}",
            seq=tr.number(entry.seq),
            action=log_action_label(entry.action, tr),
        ),
        style="bold",
    )
    head.append(
        "\n"
        + tr(
            "{agent} ({role}), {at} UTC",
            agent=visible(entry.agent),
            role=role_label(entry.role, tr),
            at=tr.moment(entry.at),
        )
    )
    if entry.claim_ref:
        head.append(
            "\n"
            + tr(
                "Claim {claim} · professional {professional} · {market}",
                claim=visible(entry.claim_ref),
                professional=visible(entry.professional_ref or "—"),
                market=visible(entry.market or "—"),
            )
        )
    if entry.refund_credits is not None:
        head.append("\n" + tr("Credits: {credits}", credits=tr.credits(entry.refund_credits)))
    if entry.reason:
        head.append("\n" + tr("Reason: {reason}", reason=visible(entry.reason, lines=True)))
    if entry.details:
        details = json.loads(entry.details)
        if details.get("contact_ref"):
            head.append("\n" + tr("Contact: {ref}", ref=visible(str(details["contact_ref"]))))
        if details.get("reviewed_seq"):
            head.append("\n" + tr("Reviews entry {seq}", seq=details["reviewed_seq"]))
    head.append("\n" + tr("Hash {hash}", hash=entry.hash), style="dim")
    parts: list[RenderableType] = [head]
    if entry.letter_text:
        parts.append(
            Text(
                "\n"
                + tr(
                    "Letter, in {language}:",
                    language=language_name(entry.letter_language or "en", tr),
                ),
                style="bold underline",
            )
        )
        parts.append(Text(visible(entry.letter_text, lines=True)))
    return Group(*parts)


class LogEntryScreen(AppScreen):
    DEFAULT_CSS = """
    LogEntryScreen #entry-body { height: 1fr; layout: vertical; }
    LogEntryScreen #entry-body.wide { layout: horizontal; }
    LogEntryScreen #entry-recorded, LogEntryScreen #entry-now { height: 1fr; padding: 0 1; }
    LogEntryScreen #entry-body.wide #entry-recorded { width: 1fr; }
    LogEntryScreen #entry-body.wide #entry-now { width: 1fr; border-left: vkey $accent; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "reopen", N_("Reopen"), id="entry.reopen"),
        Binding("a", "review(1)", N_("Agree"), id="entry.agree"),
        Binding("d", "review(0)", N_("Disagree"), id="entry.disagree"),
        Binding("tab", "app.focus_next", N_("Next pane"), show=False, id="entry.pane"),
    ]

    def __init__(self, seq: int) -> None:
        super().__init__()
        self.seq = seq
        self.loaded: _Loaded | None = None
        # Another agent acted on the claim while a screen above hid this one.
        self._stale = False
        # The question "why reopen?", while it is open.
        self._reopening: PromptScreen | None = None

    def compose(self) -> ComposeResult:
        yield TopBar()
        with Container(id="entry-body"):
            with VerticalScroll(id="entry-recorded", can_focus=True):
                yield Static(id="entry-recorded-text")
            with VerticalScroll(id="entry-now", can_focus=True):
                yield Static(id="entry-now-text")
        yield AppFooter()

    def on_mount(self) -> None:
        self.query_one("#entry-recorded").focus()
        self.reload()

    def on_resize(self) -> None:
        self.query_one("#entry-body").set_class(self.app.size.width >= WIDE, "wide")

    def on_screen_resume(self) -> None:
        if self._stale:
            self._stale = False
            self.reload()

    def others_acted(self, changes: list[Change]) -> None:
        """Another agent's act on the entry's claim (ui/app.py): shown without a key press."""
        loaded = self.loaded
        claim_ref = loaded.entry.claim_ref if loaded is not None else None
        mine = [c for c in changes if claim_ref is not None and c.claim_ref == claim_ref]
        if not mine:
            return
        prompt = self._reopening
        reopened = next(
            (c for c in mine if c.action == "reopen" and not self.gapp.is_me(c.agent)), None
        )
        if reopened is not None and prompt is not None and prompt.is_attached:
            # Said before the supervisor types more: the reason would be refused.
            self._reopening = None
            prompt.dismiss(None)
            self.notify(
                self.tr(
                    "{agent} has just reopened claim {ref}: your reason was not recorded.",
                    agent=visible(reopened.agent or "?"),
                    ref=visible(claim_ref or ""),
                ),
                severity="warning",
                markup=False,
            )
        if self.gapp.in_view(self):
            self.reload()
        else:
            self._stale = True

    def reload(self) -> None:
        seq, agent, at = self.seq, self.gapp.agent, self.gapp.now()

        def load(db: Any) -> _Loaded:
            entry = log.get(db, seq, agent)
            current = None
            if entry.claim_ref:
                current = claim_view.load(db, entry.claim_ref, at)
            return _Loaded(entry, current)

        self.run_db(load, self._loaded, group=f"entry-{seq}")

    def _loaded(self, loaded: _Loaded) -> None:
        self.loaded = loaded
        self._paint()
        self.refresh_bindings()

    def retranslate(self) -> None:
        super().retranslate()
        self._paint()

    def _paint(self) -> None:
        loaded = self.loaded
        if loaded is None:
            return
        tr = self.tr
        recorded: list[RenderableType] = [render_entry(loaded.entry, tr)]
        if loaded.entry.checklist:
            recorded.append(Text("\n" + tr("Checklist as recorded:"), style="bold underline"))
            recorded.append(recorded_checklist(loaded.entry.checklist, tr))
        self.query_one("#entry-recorded-text", Static).update(Group(*recorded))
        now: list[RenderableType] = []
        if loaded.current is not None:
            view = loaded.current
            now.append(Text(tr("The claim now:"), style="bold underline"))
            now.append(render_verdict(view, tr))
            now.append(render_checklist(view, tr, self.app.size.width // 2))
        else:
            now.append(Text(tr("No claim to show."), style="dim"))
        self.query_one("#entry-now-text", Static).update(Group(*now))

    # --- actions ----------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        loaded = self.loaded
        supervisor = self.gapp.actor_role == "supervisor"
        if action in ("reopen", "review"):
            if loaded is None or not supervisor or loaded.entry.action not in DECISIONS:
                return None
            if action == "reopen":
                return loaded.current is not None and loaded.current.status != "open"
        return super().check_action(action, parameters)

    def action_reopen(self) -> None:
        from guarantee_tui.services.reopen import reopen
        from guarantee_tui.ui.screens.prompt import PromptScreen

        loaded = self.loaded
        if loaded is None or loaded.entry.claim_ref is None:
            return
        claim_ref = loaded.entry.claim_ref

        def reason_given(reason: str | None) -> None:
            self._reopening = None
            if not reason:
                return
            agent, at = self.gapp.agent, self.gapp.now()

            def reopened(_result: object) -> None:
                # Withdrawing the decision's effects is committed: sent now.
                self.gapp.link.wake()
                self._done(self.tr("Claim {ref} reopened.", ref=visible(claim_ref)))

            self.run_db(
                lambda db: reopen(db, claim_ref, reason=reason, agent=agent, at=at),
                reopened,
                group=f"reopen-{claim_ref}",
            )

        self._reopening = PromptScreen(
            self.tr("Why reopen claim {ref}? (recorded in the log)", ref=visible(claim_ref))
        )
        self.app.push_screen(self._reopening, reason_given)

    def action_review(self, agree: int) -> None:
        from guarantee_tui.ui.screens.prompt import PromptScreen

        seq = self.seq
        question = (
            self.tr("You agree with decision {seq}. A short note:", seq=seq)
            if agree
            else self.tr("You disagree with decision {seq}. Why?", seq=seq)
        )

        def noted(note: str | None) -> None:
            if not note:
                return
            agent, at = self.gapp.agent, self.gapp.now()
            self.run_db(
                lambda db: log.record_review(db, seq, bool(agree), note, agent, at),
                lambda entry: self._done(self.tr("Review recorded as entry {seq}.", seq=entry.seq)),
                group=f"review-{seq}",
            )

        self.app.push_screen(PromptScreen(question), noted)

    def _done(self, message: str) -> None:
        self.notify(message, markup=False)
        self.reload()
