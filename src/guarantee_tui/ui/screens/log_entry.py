"""One log entry: exactly what was recorded, beside the claim as it is now.

For a decision: the letter and the checklist as recorded (its labels and
evidence in the reader's language), the reviews given on it, and the
claim's current checklist next to them. Enter opens the claim. Supervisors
can reopen the decision (`o`, after being told what it reverses) or give
their second opinion for the quality review (`a` agree, `d` disagree); both
ask for a note and are logged. Where these keys do nothing (an agent, an
entry that is no decision, a decision already reviewed) they say why.

"The claim now" follows other agents' acts on the claim (a mark, a
decision, a reopening) as they happen (ui/app.py); a reason being typed to
reopen a claim that someone else has just reopened is set aside, saying so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, VerticalScroll
from textual.widgets import Static

from guarantee_tui.i18n import N_, Translator, language_name, local_moment, market_zone
from guarantee_tui.policy import CONDITION_LABELS, ConditionId
from guarantee_tui.policy.messages import Message
from guarantee_tui.presentation import (
    claim_status_label,
    log_action_label,
    role_label,
    status_label,
    status_mark,
    status_style,
)
from guarantee_tui.services import claim_view, log
from guarantee_tui.services.claim_view import ClaimView
from guarantee_tui.services.log import DECISIONS, Entry
from guarantee_tui.text import visible
from guarantee_tui.ui.base import AppScreen
from guarantee_tui.ui.inert import data_text
from guarantee_tui.ui.screens.claim import render_checklist, render_verdict
from guarantee_tui.ui.widgets.footer import AppFooter
from guarantee_tui.ui.widgets.top_bar import TopBar

if TYPE_CHECKING:
    from guarantee_tui.services.events import Change
    from guarantee_tui.services.reopen import ReopenPreview
    from guarantee_tui.ui.screens.prompt import PromptScreen

WIDE = 120


@dataclass(frozen=True, slots=True)
class _Loaded:
    entry: Entry
    current: ClaimView | None
    # The reviews given on this entry, if it is a decision (oldest first).
    reviews: tuple[Entry, ...] = ()


def render_entry(entry: Entry, tr: Translator) -> RenderableType:
    head = Text()
    head.append(
        tr(
            "Entry {seq}: {action}",
            seq=tr.number(entry.seq),
            action=log_action_label(entry.action, tr, entry.details),
        ),
        style="bold",
    )
    head.append(
        "\n"
        + tr(
            "{agent} ({role}), {at}",
            agent=visible(entry.agent),
            role=role_label(entry.role, tr),
            at=local_moment(tr, entry.at, market_zone(entry.market), in_text=True),
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


def render_hash(entry: Entry, tr: Translator) -> Text:
    """The entry's place in the hash chain: for checking, not for reading."""
    return Text(
        "\n" + tr("Hash in the log's chain: {hash}", hash=entry.hash), style="dim", overflow="fold"
    )


def render_reviews(entry: Entry, reviews: tuple[Entry, ...], tr: Translator) -> Text:
    text = Text()
    text.append("\n" + tr("Reviews of this decision:"), style="bold underline")
    if not reviews:
        text.append("\n" + tr("None yet."), style="dim")
    for r in reviews:
        agrees = r.action == "review_agree"
        text.append("\n")
        text.append(
            tr("{reviewer} agrees", reviewer=visible(r.agent))
            if agrees
            else tr("{reviewer} disagrees", reviewer=visible(r.agent)),
            style="bold green" if agrees else "bold red",
        )
        text.append(
            " · "
            + tr(
                "“{note}”, {at}",
                note=visible(" ".join((r.reason or "").split())),
                at=local_moment(tr, r.at, market_zone(r.market), in_text=True),
            )
        )
    return text


def checklist_as_recorded(checklist_json: str, tr: Translator) -> Table:
    """The recorded checklist in the reader's language: each condition's
    evidence is rendered again from the message recorded with it, so that
    labels and evidence never mix two languages. Evidence recorded before
    messages were kept is shown as written, saying in which language."""
    data = json.loads(checklist_json)
    recorded_in = str(data.get("language") or "")
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
        message = condition.get("message")
        evidence: Text
        try:
            evidence = (
                data_text(tr.render(Message.from_json(message)), lines=True)
                if isinstance(message, dict)
                else _as_written(str(condition.get("evidence", "")), recorded_in, tr)
            )
        except (KeyError, TypeError, ValueError):
            evidence = _as_written(str(condition.get("evidence", "")), recorded_in, tr)
        table.add_row(
            Text(status_mark(status), style=status_style(status)),
            Text(label) + Text("\n" + status_label(status, tr), style=status_style(status)),
            evidence,
        )
    return table


def _as_written(evidence: str, language: str, tr: Translator) -> Text:
    text = data_text(evidence, lines=True)
    if language and language != tr.language:
        try:
            name = language_name(language, tr)
        except ValueError:
            name = visible(language)
        text.append(" " + tr("(as written, in {language})", language=name), style="dim")
    return text


def reopen_question(preview: ReopenPreview, tr: Translator) -> str:
    """What reopening reverses, said before the supervisor confirms."""
    zone = market_zone(preview.market)
    lines = [
        tr(
            "Reopening claim {ref} withdraws the decision “{status}” taken by {agent}, {at}:",
            ref=preview.claim_ref,
            status=claim_status_label(preview.previous_status, tr),
            agent=preview.decided_by,
            at=local_moment(tr, preview.decided_at, zone, in_text=True),
        )
    ]
    if preview.reversed_credits:
        lines.append(
            "• "
            + tr(
                "{credits} will be taken back from the professional (the refund is reversed);",
                credits=tr.credits(-preview.reversed_credits),
            )
        )
    if preview.lifts_suspension:
        lines.append("• " + tr("the professional's suspension will be lifted;"))
    if preview.letter_state == "delivered":
        when = (
            local_moment(tr, preview.letter_sent_at, zone, in_text=True)
            if preview.letter_sent_at is not None
            else "—"
        )
        lines.append(
            "• "
            + tr(
                "the letter already went to the professional ({at}): it cannot be unsent;",
                at=when,
            )
        )
    elif preview.letter_state is not None:
        lines.append(
            "• " + tr("the letter, not sent yet, still goes out unless cancelled in the effects;")
        )
    lines.append(
        "• " + tr("the claim goes back to the queue, open; no letter tells the professional.")
    )
    return "\n".join(lines)


class LogEntryScreen(AppScreen):
    AUTO_FOCUS = "#entry-recorded"
    DEFAULT_CSS = """
    LogEntryScreen #entry-body { height: 1fr; layout: vertical; }
    LogEntryScreen #entry-body.wide { layout: horizontal; }
    LogEntryScreen #entry-recorded, LogEntryScreen #entry-now { height: 1fr; padding: 0 1; }
    LogEntryScreen #entry-body.wide #entry-recorded { width: 1fr; }
    LogEntryScreen #entry-body.wide #entry-now { width: 1fr; border-left: vkey $accent; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_claim", N_("Open claim"), id="entry.claim"),
        Binding("o", "reopen", N_("Reopen"), id="entry.reopen"),
        Binding("a", "review(1)", N_("Agree"), id="entry.agree"),
        Binding("d", "review(0)", N_("Disagree"), id="entry.disagree"),
        # The same keys where they cannot act: they say why, rather than nothing.
        Binding("o", "why_not('reopen')", N_("Reopen"), show=False, id="entry.reopen_why"),
        Binding("a", "why_not('review')", N_("Agree"), show=False, id="entry.agree_why"),
        Binding("d", "why_not('review')", N_("Disagree"), show=False, id="entry.disagree_why"),
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
            reviews = tuple(log.reviews_of_decision(db, seq, agent))
            return _Loaded(entry, current, reviews)

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
        entry = loaded.entry
        recorded: list[RenderableType] = [render_entry(entry, tr)]
        if entry.action in DECISIONS:
            recorded.append(render_reviews(entry, loaded.reviews, tr))
        if entry.checklist:
            recorded.append(Text("\n" + tr("Checklist as recorded:"), style="bold underline"))
            recorded.append(checklist_as_recorded(entry.checklist, tr))
        recorded.append(render_hash(entry, tr))
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

    def _refusal(self, action: str) -> str | None:
        """Why `action` ("reopen", "review", "open_claim") cannot act on this
        entry now, or None when it can."""
        loaded = self.loaded
        tr = self.tr
        if loaded is None:
            return tr("Loading…")
        entry = loaded.entry
        if action == "open_claim":
            return None if entry.claim_ref else tr("This entry is about no claim.")
        if self.gapp.actor_role != "supervisor":
            return (
                tr("Only a supervisor reopens a decision.")
                if action == "reopen"
                else tr("Only a supervisor reviews decisions.")
            )
        if entry.action not in DECISIONS:
            if action == "reopen":
                return tr(
                    "Entry {seq} ({action}) is not a decision: there is nothing to reopen.",
                    seq=tr.number(entry.seq),
                    action=log_action_label(entry.action, tr, entry.details),
                )
            return tr(
                "Entry {seq} ({action}) is not a decision: there is nothing to review.",
                seq=tr.number(entry.seq),
                action=log_action_label(entry.action, tr, entry.details),
            )
        if action == "reopen":
            current = loaded.current
            if current is None:
                return tr("The claim of this entry is no longer here.")
            if current.status == "open":
                return tr(
                    "Claim {ref} is open: there is no decision to reopen.", ref=current.claim_ref
                )
            if current.decision is not None and current.decision.log_seq != entry.seq:
                return tr(
                    "This decision no longer stands: claim {ref} was reopened and is now {status} "
                    "(entry {seq}).",
                    ref=current.claim_ref,
                    status=claim_status_label(current.status, tr),
                    seq=tr.number(current.decision.log_seq),
                )
            return None
        mine = [r for r in loaded.reviews if self.gapp.is_me(r.agent)]
        if mine:
            last = mine[-1]
            return tr(
                "You have already reviewed decision {seq}: {verdict}, “{note}”.",
                seq=tr.number(entry.seq),
                verdict=tr("you agree") if last.action == "review_agree" else tr("you disagree"),
                note=visible(" ".join((last.reason or "").split())),
            )
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("reopen", "review"):
            return self._refusal(action) is None
        if action == "why_not":
            return self._refusal(str(parameters[0])) is not None
        if action == "open_claim":
            return self.loaded is not None and self.loaded.entry.claim_ref is not None
        return super().check_action(action, parameters)

    def action_why_not(self, action: str) -> None:
        why = self._refusal(action)
        if why is not None:
            self.notify(why, severity="warning", markup=False)

    def action_open_claim(self) -> None:
        from guarantee_tui.ui.screens.claim import open_claim

        loaded = self.loaded
        if loaded is not None and loaded.entry.claim_ref:
            open_claim(self, loaded.entry.claim_ref)

    def action_reopen(self) -> None:
        from guarantee_tui.services.reopen import preview_reopen

        loaded = self.loaded
        if loaded is None or loaded.entry.claim_ref is None:
            return
        claim_ref = loaded.entry.claim_ref
        self.run_db(
            lambda db: preview_reopen(db, claim_ref),
            self._ask_reopen,
            group=f"reopen-preview-{claim_ref}",
        )

    def _ask_reopen(self, preview: ReopenPreview) -> None:
        from guarantee_tui.services.reopen import reopen
        from guarantee_tui.ui.screens.prompt import PromptScreen

        claim_ref = preview.claim_ref

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
            reopen_question(preview, self.tr)
            + "\n\n"
            + self.tr("Why reopen claim {ref}? (recorded in the log)", ref=visible(claim_ref))
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
