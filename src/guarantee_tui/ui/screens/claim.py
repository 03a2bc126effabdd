"""One claim: who the professional is, and the live checklist.

The checklist is evaluated again every second in a worker: if another agent
or process changes the data, or time crosses a boundary such as the end of
the waiting period, the screen follows without a key press.
"""

from __future__ import annotations

import weakref
from datetime import datetime
from typing import Any, ClassVar

from rich.console import Group, RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.timer import Timer
from textual.widgets import Static

from guarantee_tui.i18n import N_, Translator
from guarantee_tui.policy import CONDITION_LABELS, Status
from guarantee_tui.policy.markets import rules_for
from guarantee_tui.presentation import (
    action_label,
    claim_status_label,
    status_label,
    status_mark,
    status_style,
    verdict_label,
    verdict_style,
)
from guarantee_tui.services import claim_view
from guarantee_tui.services.claim_view import ClaimView
from guarantee_tui.ui.base import AppScreen
from guarantee_tui.ui.widgets.footer import AppFooter
from guarantee_tui.ui.widgets.top_bar import TopBar
from guarantee_tui.ui.widgets.two_columns import TwoColumns

LIVE_INTERVAL = 1.0
# From this width the checklist is a two-column table.
WIDE = 110


# A database slower than this gets the claim screen at once, saying it is loading.
SLOW_OPEN = 0.15
_opening: weakref.WeakKeyDictionary[AppScreen, Timer] = weakref.WeakKeyDictionary()


def open_claim(screen: AppScreen, claim_ref: str) -> None:
    """Loads the claim, then shows it.

    Loading first (a few milliseconds) and pushing a screen that already has
    its data costs one layout; pushing first and filling in later costs two,
    and the second is what made Enter feel slow on a busy queue.
    """
    at = screen.gapp.now()
    earlier = _opening.pop(screen, None)
    if earlier is not None:
        earlier.stop()

    def show(view: ClaimView | None) -> None:
        timer.stop()
        # Once only, and not if the agent has gone elsewhere meanwhile.
        if _opening.get(screen) is timer and screen.is_current:
            del _opening[screen]
            screen.app.push_screen(ClaimScreen(claim_ref, view))

    def failed(error: BaseException) -> bool:
        timer.stop()
        if _opening.get(screen) is timer:
            del _opening[screen]
        return False  # shown as any other database error

    timer = screen.set_timer(SLOW_OPEN, lambda: show(None))
    _opening[screen] = timer
    screen.run_db(
        lambda db: claim_view.load(db, claim_ref, at), show, group="open-claim", on_error=failed
    )


def render_checklist(view: ClaimView, tr: Translator, width: int) -> RenderableType:
    """Two columns on a wide terminal; on a narrow one each condition is a paragraph
    (label, then evidence), which wastes no line on a wrapped label."""
    legend = Text("  ".join(f"{status_mark(s)} {status_label(s, tr)}" for s in Status), style="dim")
    if width < WIDE:
        lines: list[RenderableType] = []
        for result in view.checklist.results:
            style = status_style(result.status)
            line = Text(f"{status_mark(result.status)} ", style=style)
            line.append(tr(CONDITION_LABELS[result.id]), style=f"bold {style}")
            line.append(" — ")
            line.append(tr.render(result.evidence))
            lines.append(line)
        return Group(*lines, legend)
    # The mark and the label's colour carry the status; the legend spells it out.
    rows = [
        (
            Text(status_mark(result.status), style=status_style(result.status)),
            Text(tr(CONDITION_LABELS[result.id]), style=status_style(result.status)),
            Text(tr.render(result.evidence)),
        )
        for result in view.checklist.results
    ]
    return Group(TwoColumns((tr("Condition"), tr("Evidence")), rows), legend)


def render_verdict(view: ClaimView, tr: Translator) -> Text:
    checklist = view.checklist
    text = Text()
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
    if view.status != "open":
        text.append("\n")
        text.append(
            tr("Decided: {status}", status=claim_status_label(view.status, tr)),
            style="bold reverse",
        )
        if view.decision is not None:
            text.append(
                " "
                + tr(
                    "by {agent} on {at}",
                    agent=view.decision.agent,
                    at=tr.moment(
                        view.decision.decided_at, rules_for(str(view.checklist.market)).zone
                    ),
                )
            )
    return text


def render_summary(view: ClaimView, tr: Translator) -> Text:
    pro = view.professional
    zone = rules_for(pro.market).zone
    text = Text()
    text.append(f"{view.claim_ref}", style="bold")
    text.append(" · ")
    text.append(pro.company, style="bold")
    text.append(f" · {pro.ref} · {pro.market}")
    if pro.status == "suspended":
        text.append(" · ")
        text.append(tr("profile suspended"), style="bold red")
    text.append("\n")
    details = [
        tr("submitted {at}", at=tr.moment(view.submitted_at, zone)),
        pro.email or tr("no e-mail"),
        pro.phone or tr("no phone"),
    ]
    text.append(" · ".join(details))
    text.append("\n")
    more = [
        tr("pack: {pack}", pack=view.active_pack or tr("none active")),
        tr("balance: {credits}", credits=tr.credits(pro.balance)),
        tr("profile: {percent}", percent=tr.percent(view.latest_completeness))
        if view.latest_completeness is not None
        else tr("profile: unknown"),
        tr.plural("{n} claim", "{n} claims", pro.claims),
    ]
    text.append(" · ".join(more))
    return text


class ClaimScreen(AppScreen):
    DEFAULT_CSS = """
    ClaimScreen #claim-summary { padding: 0 1; height: auto; }
    ClaimScreen #claim-verdict {
        padding: 0 1; height: auto; background: $boost; margin: 0 0 1 0;
    }
    ClaimScreen #claim-checklist { height: 1fr; padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", N_("Back"), id="claim.back"),
        Binding("c", "contacts", N_("Contacts"), id="claim.contacts"),
        Binding("a", "decide('approve')", N_("Approve"), id="claim.approve"),
        Binding("r", "decide('reject')", N_("Reject"), id="claim.reject"),
        Binding("s", "decide('suspend')", N_("Suspend"), id="claim.suspend"),
        Binding("d", "letter", N_("Decision"), id="claim.letter"),
        Binding("j,down", "scroll(1)", N_("Down"), show=False, id="claim.down"),
        Binding("k,up", "scroll(-1)", N_("Up"), show=False, id="claim.up"),
    ]

    def __init__(self, claim_ref: str, view: ClaimView | None = None) -> None:
        super().__init__()
        self.claim_ref = claim_ref
        # A view loaded before the push lets the first layout show the claim
        # (and the footer its keys) at once, instead of a second layout later.
        self.view: ClaimView | None = view
        self._preloaded = view is not None
        self._wide: bool | None = None
        self.opened_at: datetime | None = None
        self._shown: tuple[str, ...] | None = None

    def compose(self) -> ComposeResult:
        yield TopBar()
        yield Static(id="claim-summary")
        yield Static(id="claim-verdict")
        with VerticalScroll(id="claim-checklist", can_focus=True):
            yield Static(id="claim-conditions")
        yield AppFooter()

    def on_mount(self) -> None:
        self.opened_at = self.gapp.now()
        self.query_one("#claim-checklist").focus()
        # A preloaded view is painted by retranslate(), which AppScreen runs on mount.
        if self.view is None:
            self.query_one("#claim-summary", Static).update(Text(self.tr("Loading…")))
        # The first load comes with ScreenResume, which follows every push.
        self.set_interval(LIVE_INTERVAL, self.reload)

    def on_screen_resume(self) -> None:
        if self._preloaded:
            # Just loaded; the live interval takes over from here.
            self._preloaded = False
            return
        self.reload()

    def reload(self) -> None:
        ref, at = self.claim_ref, self.gapp.now()
        self.run_db(lambda db: claim_view.load(db, ref, at), self._loaded, group=f"claim-{ref}")

    def _loaded(self, view: ClaimView) -> None:
        previous = self.view
        self.view = view
        signature = self._signature(view)
        if signature != self._shown:
            self._shown = signature
            self._paint()
        if previous is None or previous.status != view.status:
            self.refresh_bindings()

    def _signature(self, view: ClaimView) -> tuple[str, ...]:
        # What the screen shows, as text: re-render only when it would change.
        tr = self.tr
        return (
            tr.language,
            view.status,
            str(view.version),
            render_summary(view, tr).plain,
            render_verdict(view, tr).plain,
            *(f"{r.status}:{tr.render(r.evidence)}" for r in view.checklist.results),
        )

    def _paint(self) -> None:
        view = self.view
        if view is None:
            return
        tr = self.tr
        self.query_one("#claim-summary", Static).update(render_summary(view, tr))
        self.query_one("#claim-verdict", Static).update(render_verdict(view, tr))
        width = self.app.size.width
        self._wide = width >= WIDE
        self.query_one("#claim-conditions", Static).update(render_checklist(view, tr, width))

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
                return None
        if action == "letter":
            return view is not None and view.decision is not None
        return True

    def action_back(self) -> None:
        self.dismiss()

    def action_scroll(self, delta: int) -> None:
        self.query_one("#claim-checklist", VerticalScroll).scroll_relative(y=delta, animate=False)

    def action_contacts(self) -> None:
        from guarantee_tui.ui.screens.contacts import ContactsScreen

        self.app.push_screen(ContactsScreen(self.claim_ref))

    def action_decide(self, action: str) -> None:
        from guarantee_tui.ui.screens.decision import DecisionScreen

        view = self.view
        if view is None or view.status != "open":
            return

        def decided(outcome: Any) -> None:
            if outcome is not None:
                self.notify(
                    self.tr(
                        "Claim {ref}: {status}. The letter is recorded.",
                        ref=self.claim_ref,
                        status=claim_status_label(outcome.status, self.tr),
                    ),
                    markup=False,
                )
            self.reload()

        self.app.push_screen(
            DecisionScreen(self.claim_ref, action, view.version, self.opened_at), decided
        )

    def action_letter(self) -> None:
        from guarantee_tui.ui.screens.letter import LetterScreen

        view = self.view
        if view is not None and view.decision is not None:
            self.app.push_screen(LetterScreen(view.decision, view.claim_ref))
