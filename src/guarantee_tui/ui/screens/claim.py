"""One claim: who the professional is, the live checklist, and what its
decision did on the marketplace.

The checklist is evaluated again every second in a worker: if another agent
or process changes the data, or time crosses a boundary such as the end of
the waiting period, the screen follows without a key press. The effects of
the claim's acts (the refund, the suspension, the letter; a reopening's
reversal or lift) are read in the same worker, so each one's state (sent,
retrying, failed, cancelled) follows the marketplace's answers as they come.

A claim is worked by one agent at a time (services/leases.py): the screen
says who is on it, a claim someone else holds cannot be decided here (the
keys say why), and deciding a claim nobody holds takes it first. While the
agent is at work the lease is renewed; `R` gives it back, and a supervisor
takes a claim over with `t` once they confirm.
"""

from __future__ import annotations

from datetime import datetime
from time import monotonic
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from guarantee_tui.i18n import N_, Translator, local_moment
from guarantee_tui.policy import CONDITION_LABELS, Action, ConditionId, Status
from guarantee_tui.policy.markets import rules_for
from guarantee_tui.policy.results import ConditionResult
from guarantee_tui.presentation import (
    action_label,
    claim_status_label,
    status_label,
    status_mark,
    status_style,
    verdict_label,
    verdict_style,
)
from guarantee_tui.services import claim_view, effect_view, leases
from guarantee_tui.services.claim_view import ClaimView
from guarantee_tui.services.effect_view import EffectView
from guarantee_tui.services.leases import Holding
from guarantee_tui.text import visible
from guarantee_tui.ui.base import AppScreen, HeldClaimScreen, on_claim, open_loaded, since_phrase
from guarantee_tui.ui.bindings import hidden_now
from guarantee_tui.ui.inert import data_text, inert
from guarantee_tui.ui.screens.effects import effect_line
from guarantee_tui.ui.widgets.claim_reviews import ClaimReviews
from guarantee_tui.ui.widgets.footer import AppFooter
from guarantee_tui.ui.widgets.top_bar import TopBar
from guarantee_tui.ui.widgets.two_columns import TwoColumns

if TYPE_CHECKING:
    from guarantee_tui.services.events import Change

LIVE_INTERVAL = 1.0
# The lease is renewed this often at most (a third of it when shorter), if
# the agent pressed a key since the last renewal.
RENEW_EVERY = 60.0
# From this width the checklist is a two-column table.
WIDE = 110


# A database slower than this gets the claim screen at once, saying it is loading.
SLOW_OPEN = 0.15


def open_claim(screen: AppScreen, claim_ref: str) -> None:
    """Loads the claim, then shows it.

    Loading first (a few milliseconds) and pushing a screen that already has
    its data costs one layout; pushing first and filling in later costs two,
    and the second is what made Enter feel slow on a busy queue.
    """
    at = screen.gapp.now()

    def push(loaded: _Loaded | None) -> None:
        view, effects, holding = loaded if loaded is not None else (None, [], None)
        screen.app.push_screen(ClaimScreen(claim_ref, view, effects, holding))

    open_loaded(
        screen, lambda db: _load(db, claim_ref, at), push, group="open-claim", slow=SLOW_OPEN
    )


_Loaded = tuple[ClaimView, list[EffectView], Holding | None]


def _load(db: Any, claim_ref: str, at: datetime) -> _Loaded:
    return (
        claim_view.load(db, claim_ref, at),
        effect_view.claim_effects(db, claim_ref),
        leases.holder_of(db, claim_ref),
    )


def render_effects(effects: list[EffectView], tr: Translator, zone: str) -> tuple[Table, str]:
    """The claim's effects on the marketplace, one line each, oldest first (a
    long one wraps under itself), and the same as plain text."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    head = Text(tr("Marketplace:"), style="bold")
    # What the marketplace answered is data: shown, never acted on.
    lines = [inert(effect_line(effect, tr, zone)) for effect in effects]
    for i, line in enumerate(lines):
        grid.add_row(head if i == 0 else "", line)
    return grid, "\n".join([head.plain, *(line.plain for line in lines)])


# What decides first: the failed conditions, then the open ones, then the met.
_ORDER = {Status.NOT_MET: 0, Status.PENDING: 1, Status.UNKNOWN: 1, Status.MET: 2}


def decisive_first(results: tuple[ConditionResult, ...]) -> list[ConditionResult]:
    """The conditions failed first, then pending, then met; each group in the
    policy's order."""
    return sorted(results, key=lambda result: _ORDER[result.status])


def render_checklist(view: ClaimView, tr: Translator, width: int) -> RenderableType:
    """Two columns on a wide terminal; on a narrow one each condition is a paragraph
    (label, then evidence), which wastes no line on a wrapped label. Failed and
    pending conditions come first: on a small screen they show without scrolling."""
    legend = Text("  ".join(f"{status_mark(s)} {status_label(s, tr)}" for s in Status), style="dim")
    results = decisive_first(view.checklist.results)
    if width < WIDE:
        lines: list[RenderableType] = []
        for result in results:
            style = status_style(result.status)
            line = Text(f"{status_mark(result.status)} ", style=style)
            line.append(tr.render(CONDITION_LABELS[result.id]), style=f"bold {style}")
            line.append(" — ")
            line.append(visible(tr.render(result.evidence), lines=True))
            lines.append(line)
        return Group(*lines, legend)
    # The mark and the label's colour carry the status; the legend spells it out.
    rows = [
        (
            Text(status_mark(result.status), style=status_style(result.status)),
            Text(tr.render(CONDITION_LABELS[result.id]), style=status_style(result.status)),
            data_text(tr.render(result.evidence), lines=True),
        )
        for result in results
    ]
    return Group(TwoColumns((tr("Condition"), tr("Evidence")), rows), legend)


def render_verdict(view: ClaimView, tr: Translator) -> Text:
    """Open: the verdict, what to do and the refund (and, to wait, whose move
    it is). Decided: the decision, who made it and when, and its refund,
    instead of a recommendation nobody follows any more."""
    checklist = view.checklist
    zone = rules_for(str(checklist.market)).zone
    text = Text()
    if view.status != "open":
        text.append(
            tr("Decided: {status}", status=claim_status_label(view.status, tr)),
            style="bold reverse",
        )
        decision = view.decision
        if decision is not None:
            text.append(
                " "
                + tr(
                    "by {agent} on {at}",
                    agent=visible(decision.agent),
                    at=local_moment(tr, decision.decided_at, zone, in_text=True),
                )
            )
            if decision.refund_credits is not None:
                text.append("   ")
                text.append(tr("Refund: "), style="bold")
                text.append(tr.credits(decision.refund_credits))
        return text
    text.append(tr("Verdict: "), style="bold")
    text.append(verdict_label(checklist.verdict, tr), style=verdict_style(checklist.verdict))
    text.append("   ")
    text.append(tr("Recommended: "), style="bold")
    text.append(action_label(checklist.action, tr))
    text.append("   ")
    text.append(tr("Refund: "), style="bold")
    text.append(
        tr.credits(checklist.refund_credits) if checklist.refund_credits is not None else "—"
    )
    if checklist.action == Action.WAIT:
        text.append("\n")
        text.append(waiting_for(view, tr), style="yellow")
    if view.reopening is not None:
        r = view.reopening
        text.append("\n")
        text.append(
            tr(
                "Reopened by {agent} on {at}: {reason}",
                agent=visible(r.agent),
                at=local_moment(tr, r.at, zone, in_text=True),
                reason=visible(r.text, lines=True),
            ),
            style="bold",
        )
    return text


def waiting_for(view: ClaimView, tr: Translator) -> str:
    """Whose move it is while the claim waits: the agent's own verification,
    time (until when), or both."""
    checklist = view.checklist
    pending = [r for r in checklist.results if r.status in (Status.PENDING, Status.UNKNOWN)]
    mine = view.unverified if any(r.id == ConditionId.EXPLANATIONS_VERIFIED for r in pending) else 0
    others = [r for r in pending if r.id != ConditionId.EXPLANATIONS_VERIFIED]
    zone = rules_for(str(checklist.market)).zone
    labels = tr.items([tr.render(CONDITION_LABELS[r.id]) for r in others])
    until = checklist.stable_until
    if mine and not others:
        return tr.plural(
            "Your move: verify {n} explanation (c), then decide.",
            "Your move: verify {n} explanations (c), then decide.",
            mine,
        )
    if not others:
        return tr("Waiting: nothing is left for you to do now.")
    if until is None:
        time_part = tr("Waiting for {conditions}.", conditions=labels)
    else:
        time_part = tr(
            "Waiting for {conditions}, until {at}.",
            conditions=labels,
            at=local_moment(tr, until, zone, in_text=True),
        )
    if mine:
        return (
            time_part
            + " "
            + tr.plural(
                "Meanwhile, your move: verify {n} explanation (c).",
                "Meanwhile, your move: verify {n} explanations (c).",
                mine,
            )
        )
    return time_part


def key_facts(view: ClaimView, tr: Translator) -> Text:
    """What a decision dialog keeps in view of the claim: who, the verdict, the
    refund, and the conditions failed or still open."""
    checklist = view.checklist
    text = Text()
    text.append(visible(f"{view.claim_ref} · {view.professional.company}"), style="bold")
    text.append(visible(f" · {view.professional.market} · "))
    text.append(tr("Verdict: "), style="bold")
    text.append(verdict_label(checklist.verdict, tr), style=verdict_style(checklist.verdict))
    if checklist.refund_credits is not None:
        text.append("  ")
        text.append(tr("Refund: "), style="bold")
        text.append(tr.credits(checklist.refund_credits))
    failed = [r for r in checklist.results if r.status is Status.NOT_MET]
    pending = [r for r in checklist.results if r.status in (Status.PENDING, Status.UNKNOWN)]
    for label, results in ((tr("Not met: "), failed), (tr("Pending: "), pending)):
        if results:
            text.append("\n")
            text.append(label, style="bold")
            text.append(tr.items([tr.render(CONDITION_LABELS[r.id]) for r in results]))
    return text


def render_notes(view: ClaimView, tr: Translator) -> Text | None:
    """The team's notes on the claim, newest first (None: none)."""
    if not view.notes:
        return None
    zone = rules_for(str(view.checklist.market)).zone
    text = Text()
    text.append(tr("Notes (internal, never in a letter):"), style="bold")
    for note in view.notes:
        text.append("\n")
        text.append(
            f"{visible(note.agent)} · {local_moment(tr, note.at, zone, in_text=True)}: ",
            style="dim",
        )
        text.append(visible(note.text, lines=True))
    return text


def render_summary(view: ClaimView, tr: Translator) -> Text:
    pro = view.professional
    zone = rules_for(pro.market).zone
    text = Text()
    text.append(visible(view.claim_ref), style="bold")
    text.append(" · ")
    text.append(visible(pro.company), style="bold")
    text.append(visible(f" · {pro.ref} · {pro.market}"))
    if pro.status == "suspended":
        text.append(" · ")
        text.append(tr("profile suspended"), style="bold red")
    text.append("\n")
    details = [
        tr("submitted {at}", at=local_moment(tr, view.submitted_at, zone, in_text=True)),
        visible(pro.email) if pro.email else tr("no e-mail"),
        visible(pro.phone) if pro.phone else tr("no phone"),
    ]
    text.append(" · ".join(details))
    text.append("\n")
    more = [
        tr(
            "pack: {pack}",
            pack=visible(view.active_pack) if view.active_pack else tr("none active"),
        ),
        tr("balance: {credits}", credits=tr.credits(pro.balance)),
        tr("profile: {percent}", percent=tr.percent(view.latest_completeness))
        if view.latest_completeness is not None
        else tr("profile: unknown"),
        tr.plural("{n} claim", "{n} claims", pro.claims),
    ]
    text.append(" · ".join(more))
    return text


class ClaimScreen(HeldClaimScreen):
    AUTO_FOCUS = "#claim-checklist"
    DEFAULT_CSS = """
    ClaimScreen #claim-holder { padding: 0 1; height: auto; text-style: bold; }
    ClaimScreen #claim-holder.other { background: $warning-muted; }
    ClaimScreen #claim-summary { padding: 0 1; height: auto; }
    ClaimScreen #claim-verdict {
        padding: 0 1; height: auto; background: $boost; margin: 0 0 1 0;
    }
    ClaimScreen #claim-notes { padding: 0 1; height: auto; max-height: 4; margin: 0 0 1 0; }
    ClaimScreen #claim-checklist { height: 1fr; padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "contacts", N_("Contacts"), id="claim.contacts"),
        Binding("a", "decide('approve')", N_("Approve"), id="claim.approve"),
        Binding("r", "decide('reject')", N_("Reject"), id="claim.reject"),
        Binding("s", "decide('suspend')", N_("Suspend"), id="claim.suspend"),
        Binding("d", "letter", N_("Decision"), id="claim.letter"),
        Binding("N", "note", N_("Note"), id="claim.note"),
        Binding("t", "take", N_("Take"), id="claim.take", show=False),
        Binding("R", "release", N_("Give back"), id="claim.release", show=False),
    ]
    HOLDER_KEYS: ClassVar[frozenset[str]] = frozenset(
        {"claim.approve", "claim.reject", "claim.suspend", "claim.take"}
    )

    def __init__(
        self,
        claim_ref: str,
        view: ClaimView | None = None,
        effects: list[EffectView] | None = None,
        holding: Holding | None = None,
    ) -> None:
        super().__init__()
        self.claim_ref = claim_ref
        # A view loaded before the push lets the first layout show the claim
        # (and the footer its keys) at once, instead of a second layout later.
        self.view: ClaimView | None = view
        self.effects: list[EffectView] = effects or []
        self._preloaded = view is not None
        self._wide: bool | None = None
        self.opened_at: datetime | None = None
        self._shown: tuple[str, ...] | None = None
        # Who works the claim now (None: nobody), as last loaded.
        self.holding = holding
        self._renewed_activity = monotonic()

    @property
    def mine(self) -> bool:
        return self.holding is not None and self.gapp.is_me(self.holding.holder)

    def compose(self) -> ComposeResult:
        yield TopBar()
        yield Static(id="claim-holder")
        yield Static(id="claim-summary")
        yield Static(id="claim-verdict")
        yield ClaimReviews(self.claim_ref)
        yield Static(id="claim-notes")
        with VerticalScroll(id="claim-checklist", can_focus=True):
            yield Static(id="claim-conditions")
        yield AppFooter()

    def on_mount(self) -> None:
        self.opened_at = self.gapp.now()
        # A preloaded view is painted by retranslate(), which AppScreen runs on mount.
        if self.view is None:
            self.query_one("#claim-summary", Static).update(Text(self.tr("Loading…")))
        # The first load comes with ScreenResume, which follows every push.
        self.set_interval(LIVE_INTERVAL, self.reload)
        self.set_interval(min(RENEW_EVERY, self.gapp.lease_minutes * 20.0), self._renew)
        self._paint_holder()

    def on_screen_resume(self) -> None:
        if self._preloaded:
            # Just loaded; the live interval takes over from here.
            self._preloaded = False
            return
        self.reload()

    def reload(self) -> None:
        ref, at = self.claim_ref, self.gapp.now()
        self.run_db(lambda db: _load(db, ref, at), self._loaded, group=f"claim-{ref}")

    def _loaded(self, loaded: _Loaded) -> None:
        previous, holding = self.view, self.holding
        self.view, self.effects, self.holding = loaded
        view = self.view
        signature = self._signature(view)
        if signature != self._shown:
            self._shown = signature
            self._paint()
        if previous is None or previous.status != view.status or holding != self.holding:
            self.refresh_bindings()

    def _signature(self, view: ClaimView) -> tuple[str, ...]:
        # What the screen shows, as text: re-render only when it would change.
        tr = self.tr
        return (
            tr.language,
            view.status,
            str(view.version),
            self._holder_text(),
            render_summary(view, tr).plain,
            render_verdict(view, tr).plain,
            self._effects(view)[1],
            *(f"{n.at}:{n.agent}:{n.text}" for n in view.notes),
            *(f"{r.status}:{tr.render(r.evidence)}" for r in view.checklist.results),
        )

    def _effects(self, view: ClaimView) -> tuple[Table | None, str]:
        if not self.effects:
            return None, ""
        zone = rules_for(str(view.checklist.market)).zone
        return render_effects(self.effects, self.tr, zone)

    def _paint(self) -> None:
        view = self.view
        if view is None:
            return
        tr = self.tr
        self._paint_holder()
        self.query_one("#claim-summary", Static).update(render_summary(view, tr))
        verdict = render_verdict(view, tr)
        effects, _plain = self._effects(view)
        self.query_one("#claim-verdict", Static).update(
            verdict if effects is None else Group(verdict, effects)
        )
        notes = render_notes(view, tr)
        box = self.query_one("#claim-notes", Static)
        box.update(notes if notes is not None else "")
        box.display = notes is not None
        width = self.app.size.width
        self._wide = width >= WIDE
        self.query_one("#claim-conditions", Static).update(render_checklist(view, tr, width))

    def _holder_text(self) -> str:
        holding = self.holding
        if holding is None:
            return ""
        if self.gapp.is_me(holding.holder):
            return self.tr("You are on this claim: others see it is yours.")
        return on_claim(holding, self.tr)

    def _paint_holder(self) -> None:
        line = self.query_one("#claim-holder", Static)
        text = self._holder_text()
        line.update(Text(text))
        line.display = bool(text)
        line.set_class(self.held_by_other, "other")

    def on_resize(self) -> None:
        # Only the form of the checklist depends on the width, and re-rendering
        # the two-column table is the costliest part of showing a claim.
        if self._wide != (self.app.size.width >= WIDE):
            self._paint()

    def retranslate(self) -> None:
        super().retranslate()
        self._shown = None
        if self.view is not None:
            self._shown = self._signature(self.view)
            self._paint()

    # --- actions ----------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        view = self.view
        if action in ("decide", "contacts"):
            if view is None:
                return None
            if action == "decide" and view.status != "open":
                # Hidden rather than shown disabled: on a decided claim the footer's
                # room goes to what still applies (d, the decision), and at 80
                # columns a/r/s pushed it out. Pressed, they still say why (on_key).
                return False
            if action == "decide" and self.held_by_other:
                return None
        if action == "letter":
            return view is not None and view.decision is not None
        if action == "note":
            return view is not None
        if action == "take":
            if view is None or view.status != "open" or self.mine:
                return False
            # Listed, not available: pressing it says who is on the claim.
            return None if self.held_by_other and not self._supervisor else True
        if action == "release":
            return self.mine
        return super().check_action(action, parameters)

    def on_key(self, event: events.Key) -> None:
        # A decision key on a decided claim, hidden (check_action): say why
        # nothing happens (a claim someone else holds is said by HeldClaimScreen).
        binding = hidden_now(self, event.key)
        view = self.view
        if binding is None or view is None or view.status == "open":
            return
        if binding.action.startswith("decide"):
            event.prevent_default()
            event.stop()
            self.notify(
                self.tr(
                    "Claim {ref} is already decided ({status}): d shows the decision; "
                    "only a supervisor can reopen it, from the log.",
                    ref=visible(self.claim_ref),
                    status=claim_status_label(view.status, self.tr),
                ),
                severity="warning",
                markup=False,
            )

    @property
    def _supervisor(self) -> bool:
        return self.gapp.actor_role == "supervisor"

    def take_key(self) -> str | None:
        for active in self.active_bindings.values():
            if active.binding.action == "take":
                return self.app.get_key_display(active.binding)
        return "take"

    # --- the lease --------------------------------------------------------

    def _renew(self) -> None:
        activity = self.gapp.last_activity
        if not self.mine or activity <= self._renewed_activity:
            return
        self._renewed_activity = activity
        ref, agent, minutes = self.claim_ref, self.gapp.agent, self.gapp.lease_minutes
        self.run_db(
            lambda db: leases.renew(db, ref, agent, minutes=minutes),
            self._renewed,
            group=f"renew-{ref}",
        )

    def _renewed(self, holding: Holding | None) -> None:
        if holding is None:
            # Lost meanwhile (expired and taken, or taken over): show who has it.
            self.reload()

    def _take(self, then: Any = None) -> None:
        """Holds the claim for this agent (a no-op renewal if already theirs)."""
        ref, agent, minutes = self.claim_ref, self.gapp.agent, self.gapp.lease_minutes

        def taken(holding: Holding) -> None:
            self.holding = holding
            self._renewed_activity = monotonic()
            self._paint_holder()
            self.refresh_bindings()
            if then is not None:
                then()

        def refused(_error: BaseException) -> bool:
            self.reload()
            return False  # told as any refusal: who is on it since when

        self.run_db(
            lambda db: leases.take(db, ref, agent, minutes=minutes),
            taken,
            group=f"take-{ref}",
            on_error=refused,
        )

    def action_take(self) -> None:
        holding = self.holding
        if holding is None or not self.held_by_other:
            self._take(
                lambda: self.notify(
                    self.tr(
                        "You are on claim {ref}: it stays yours while you work on it.",
                        ref=visible(self.claim_ref),
                    ),
                    markup=False,
                )
            )
            return
        if not self._supervisor:
            return
        from guarantee_tui.ui.screens.confirm import ConfirmScreen

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._take_over()

        self.app.push_screen(
            ConfirmScreen(
                self.tr(
                    "{agent} is on claim {ref} {since}. Take it over? The decision log records it.",
                    agent=visible(holding.holder),
                    ref=visible(self.claim_ref),
                    since=since_phrase(holding.since, self.tr),
                ),
                self.tr("Take over"),
            ),
            confirmed,
        )

    def _take_over(self) -> None:
        ref, agent, minutes = self.claim_ref, self.gapp.agent, self.gapp.lease_minutes
        at = self.gapp.now()

        def taken(holding: Holding) -> None:
            self.holding = holding
            self._renewed_activity = monotonic()
            self.notify(self.tr("You took claim {ref} over.", ref=visible(ref)), markup=False)
            self.reload()

        self.run_db(
            lambda db: leases.take_over(db, ref, agent, at=at, minutes=minutes),
            taken,
            group=f"take-{ref}",
        )

    def action_release(self) -> None:
        ref, agent = self.claim_ref, self.gapp.agent

        def released(done: bool) -> None:
            self.notify(
                self.tr("Claim {ref} is free for others to take.", ref=visible(ref))
                if done
                else self.tr("You no longer held claim {ref}.", ref=visible(ref)),
                markup=False,
            )
            self.reload()

        self.run_db(lambda db: leases.release(db, ref, agent), released, group=f"release-{ref}")

    def others_acted(self, changes: list[Change]) -> None:
        """Another agent's act (ui/app.py): shown now rather than at the next look."""
        mine = [c for c in changes if c.claim_ref == self.claim_ref]
        if not mine:
            return
        from guarantee_tui.ui.screens.decision import DecisionScreen

        # An open dialog says it itself as it closes.
        if self.mine and not isinstance(self.app.screen, DecisionScreen):
            for change in mine:
                if change.action == "take_over" and not self.gapp.is_me(change.agent):
                    self.notify(
                        self.tr(
                            "{agent} took claim {ref} over.",
                            agent=visible(change.agent or "?"),
                            ref=visible(self.claim_ref),
                        ),
                        severity="warning",
                        markup=False,
                    )
        self.reload()

    def action_down(self) -> None:
        self.query_one("#claim-checklist", VerticalScroll).scroll_relative(y=1, animate=False)

    def action_up(self) -> None:
        self.query_one("#claim-checklist", VerticalScroll).scroll_relative(y=-1, animate=False)

    def action_contacts(self) -> None:
        from guarantee_tui.ui.screens.contacts import open_contacts

        view = self.view
        # The claim as this screen last read it (every second) shows at once.
        open_contacts(self, self.claim_ref, None if view is None else (view, self.holding))

    def action_decide(self, action: str) -> None:
        view = self.view
        if view is None or view.status != "open":
            return
        if self.mine:
            self._open_decision(action, view)
        else:
            # Whoever decides works the claim: taken first, so that nobody
            # else starts on it meanwhile.
            self._take(lambda: self._open_decision(action, view))

    def _open_decision(self, action: str, view: ClaimView) -> None:
        from guarantee_tui.ui.screens.decision import DecisionScreen

        if not self.is_current:
            return  # the agent went on elsewhere while the claim was being taken

        dialog = DecisionScreen(
            self.claim_ref,
            action,
            view.version,
            self.opened_at,
            context=key_facts(view, self.tr),
        )

        def decided(outcome: Any) -> None:
            if outcome is not None:
                self.notify(
                    self.tr(
                        "Claim {ref}: {status}. The letter is recorded.",
                        ref=visible(self.claim_ref),
                        status=claim_status_label(outcome.status, self.tr),
                    ),
                    markup=False,
                )
                # Its effects are committed: sent now, not at the next look.
                self.gapp.link.wake()
                if dialog.then_next:
                    self._open_next()
                    return
            self.reload()

        self.app.push_screen(dialog, decided)

    def _open_next(self) -> None:
        """Opens the queue's next open claim, in the queue's current order."""
        from guarantee_tui.filters import QueueFilter, QueueSort
        from guarantee_tui.services import next_claim
        from guarantee_tui.ui.screens.queue import QueueScreen

        queue = next((s for s in self.app.screen_stack if isinstance(s, QueueScreen)), None)
        f = queue.filter if queue is not None else QueueFilter(statuses=frozenset({"open"}))
        sort = queue.sort if queue is not None else QueueSort()
        ref, agent = self.claim_ref, self.gapp.agent

        def found(next_ref: str | None) -> None:
            if next_ref is None or queue is None:
                self.notify(self.tr("No open claim is left in the queue."), markup=False)
                self.reload()
                return
            if self.is_current:
                self.dismiss()
            open_claim(queue, next_ref)

        self.run_db(
            lambda db: next_claim.after(db, ref, f, sort, agent=agent),
            found,
            group=f"next-{ref}",
        )

    def action_note(self) -> None:
        from guarantee_tui.ui.screens.prompt import PromptScreen

        view = self.view
        if view is None:
            return
        ref = self.claim_ref

        def written(text: str | None) -> None:
            if text:
                self._add_note(text)

        self.app.push_screen(
            PromptScreen(
                self.tr(
                    "Note on claim {ref}, for the team (logged, never in a letter):",
                    ref=visible(ref),
                ),
                placeholder=self.tr("e.g. called the professional, will send the missing review"),
                context=render_summary(view, self.tr),
            ),
            written,
        )

    def _add_note(self, text: str) -> None:
        from guarantee_tui.services import notes

        ref, agent, at = self.claim_ref, self.gapp.agent, self.gapp.now()

        def added(_noted: object) -> None:
            self.notify(self.tr("Note added to claim {ref}.", ref=visible(ref)), markup=False)
            self.reload()

        self.run_db(
            lambda db: notes.add_note(db, ref, text, agent=agent, at=at),
            added,
            group=f"note-{ref}",
        )

    def action_letter(self) -> None:
        from guarantee_tui.ui.screens.letter import LetterScreen

        view = self.view
        if view is not None and view.decision is not None:
            self.app.push_screen(LetterScreen(view.decision, view.claim_ref))
