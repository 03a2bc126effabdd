"""The marketplace's effects as people read them, and the supervisors' screen
of those that need attention.

`e` in the log (or the palette there): every failed effect, and every one
still undelivered a quarter of an hour after its act, across claims; only
the first of each professional's queue, the one that holds the others back.
`r` tries it again, `c` gives it up with a reason (recorded in the decision
log), `enter` opens its claim. Agents are told it is the supervisors' work.
The list reads itself again every two seconds (the marketplace's answers),
and at once when another agent's act may change it (a decision, a
reopening, an effect cancelled: ui/app.py); the cursor stays on its effect.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Final

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from guarantee_tui.i18n import N_, Translator
from guarantee_tui.presentation import effect_kind_label
from guarantee_tui.text import visible
from guarantee_tui.ui.base import AppScreen, open_loaded
from guarantee_tui.ui.widgets.footer import AppFooter
from guarantee_tui.ui.widgets.lazy_table import Column, LazyTable, Row
from guarantee_tui.ui.widgets.top_bar import TopBar

if TYPE_CHECKING:
    from guarantee_tui.services.effect_view import EffectView
    from guarantee_tui.services.events import Change

LIVE_INTERVAL: Final = 2.0
# A database slower than this to read the list gets the screen at once, loading.
SLOW_OPEN: Final = 0.15
# The logged acts that add, withdraw or settle effects.
EFFECT_ACTS: Final = frozenset({"approve", "reject", "suspend", "reopen", "cancel_effect"})
UTC_ZONE: Final = "UTC"
MARKS: Final = {
    "delivered": ("✔", "green"),
    "pending": ("…", "yellow"),
    "sending": ("…", "yellow"),
    "retrying": ("↻", "yellow"),
    "failed": ("✘", "bold red"),
    "cancelled": ("–", "dim"),
}
WAITING_FOR: Final = {
    "credit": N_("waiting for the credit adjustment"),
    "suspension": N_("waiting for the suspension"),
    "lift": N_("waiting for the lift of the suspension"),
    "letter": N_("waiting for the letter"),
}


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def effect_label(effect: EffectView, tr: Translator) -> str:
    """What the effect does: "Credit adjustment +240 credits", "Letter"."""
    label = capitalised(effect_kind_label(effect.kind, tr))
    amount = effect.amount_credits
    if amount is None:
        return label
    credits = tr.credits(abs(amount))
    return f"{label} {'+' if amount > 0 else '−'}{credits}"


def effect_state(effect: EffectView, tr: Translator, zone: str) -> str:
    """Where the effect stands: "sent at 14:05 · balance 1 234 credits", "retrying,
    next try at 14:10, 3 tries, last error 503 unavailable", "failed: 404 unknown
    professional", "waiting for the suspension", "cancelled: reason"."""
    state = effect.state
    if state == "delivered":
        when = tr.moment(effect.delivered_at or effect.created_at, zone, in_text=True)
        if effect.balance_credits is not None:
            return tr(
                "sent at {when} · balance {balance}",
                when=when,
                balance=tr.credits(effect.balance_credits),
            )
        return tr("sent at {when}", when=when)
    if state == "retrying":
        error = visible(effect.short_error or "—")
        tries = tr.number(effect.tries)
        if effect.next_try_at is None:
            return tr.plural(
                "retrying, {tries} try, last error {error}",
                "retrying, {tries} tries, last error {error}",
                effect.tries,
                tries=tries,
                error=error,
            )
        when = tr.moment(effect.next_try_at, zone, in_text=True)
        return tr.plural(
            "retrying, next try at {when}, {tries} try, last error {error}",
            "retrying, next try at {when}, {tries} tries, last error {error}",
            effect.tries,
            when=when,
            tries=tries,
            error=error,
        )
    if state == "failed":
        return tr("failed: {error}", error=visible(effect.short_error or "—"))
    if state == "cancelled":
        if effect.cancel_reason:
            return tr("cancelled: {reason}", reason=visible(" ".join(effect.cancel_reason.split())))
        return tr("cancelled")
    if state == "sending":
        return tr("being sent")
    if effect.waiting_for is not None:
        return tr(WAITING_FOR.get(effect.waiting_for, N_("waiting to be sent")))
    return tr("waiting to be sent")


def effect_line(effect: EffectView, tr: Translator, zone: str) -> Text:
    """One line of the claim screen: "✔ Letter: sent at 14:05"."""
    mark, style = MARKS.get(effect.state, ("?", ""))
    label = effect_label(effect, tr)
    line = Text(tr("{what}: {state}", what=label, state=effect_state(effect, tr, zone)))
    start = line.plain.find(label)
    if start >= 0:
        line.stylize("bold", start, start + len(label))
    if effect.state == "failed":
        line.stylize(style, start + len(label) if start >= 0 else 0)
    return Text.assemble((mark, style), " ", line)


class EffectsScreen(AppScreen):
    AUTO_FOCUS = "#effects-table"
    DEFAULT_CSS = """
    EffectsScreen #effects-summary { height: auto; padding: 0 1; }
    EffectsScreen #effects-detail {
        height: auto; max-height: 5; padding: 0 1; background: $boost;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "retry", N_("Retry"), id="effects.retry"),
        Binding("c", "cancel_effect", N_("Cancel effect"), id="effects.cancel_effect"),
        Binding("enter", "open_claim", N_("Claim"), id="effects.open"),
    ]

    def __init__(self, effects: list[EffectView] | None = None) -> None:
        super().__init__()
        # Read before the push (open_effects): painted from the first frame,
        # the footer offering what they allow.
        self.effects: list[EffectView] | None = effects
        self._shown: tuple[Any, ...] | None = None

    def compose(self) -> ComposeResult:
        yield TopBar()
        yield Static(id="effects-summary")
        yield LazyTable(self._columns(), id="effects-table")
        # The highlighted effect in full: a narrow table cuts the state short.
        yield Static(id="effects-detail")
        yield AppFooter()

    def _columns(self) -> list[Column]:
        tr = self.tr
        return [
            Column("id", "#", width=5, align="right", priority=30),
            Column("claim", tr("Claim"), width=11, priority=95),
            Column("professional", tr("Professional"), width=13, priority=50),
            Column("kind", tr("Effect"), width=22, priority=90),
            Column("since", tr("Since (UTC)"), width=17, priority=40),
            Column("state", tr("State"), width=None, min_width=30, priority=100),
        ]

    @property
    def table(self) -> LazyTable:
        return self.query_one("#effects-table", LazyTable)

    def on_mount(self) -> None:
        self._summary()
        # The first load comes with ScreenResume, which follows every push.
        self.set_interval(LIVE_INTERVAL, self.reload)

    def on_screen_resume(self) -> None:
        self.reload()

    def others_acted(self, changes: list[Change]) -> None:
        """Another agent's act (ui/app.py) that may change the list: read it again now.
        Hidden under another screen, the list is read again when it shows."""
        if self.gapp.in_view(self) and any(
            c.seq is not None and c.action in EFFECT_ACTS for c in changes
        ):
            self.reload()

    def reload(self) -> None:
        from guarantee_tui.services.effect_view import needing_attention

        at = self.gapp.now()
        self.run_db(lambda db: needing_attention(db, at), self._loaded, group="effects-list")

    def _loaded(self, effects: list[EffectView]) -> None:
        shown = (self.tr.language, tuple(effects))
        if shown == self._shown:
            return
        self._shown = shown
        self.effects = effects
        # Retry, cancel and open depend on there being effects (check_action).
        self.refresh_bindings()
        self._paint()

    def _paint(self) -> None:
        effects = self.effects
        self._summary()
        if effects is None:
            return
        table = self.table
        # The cursor stays on its effect when others come or go above it.
        current = table.cursor
        generation = table.reset(len(effects), keep_rows=True)
        table.set_rows(generation, 0, [self._row(e) for e in effects])
        if current is not None:
            keys = [str(e.id) for e in effects]
            if current.key in keys:
                table.cursor_row = keys.index(current.key)
        self._detail()

    def _detail(self) -> None:
        detail = self.query_one("#effects-detail", Static)
        effect = self._current()
        detail.display = effect is not None
        if effect is None:
            return
        tr = self.tr
        text = Text.assemble(
            (effect_label(effect, tr), "bold"),
            " · ",
            tr(
                "claim {claim} · professional {professional} · since {since} (UTC)",
                claim=visible(effect.claim or "—"),
                professional=visible(effect.professional),
                since=tr.moment(effect.created_at, UTC_ZONE, in_text=True),
            ),
            "\n",
        )
        mark, style = MARKS.get(effect.state, ("?", ""))
        text.append(mark, style=style)
        text.append(" " + effect_state(effect, tr, UTC_ZONE))
        if effect.last_error and effect.state in ("retrying", "failed"):
            text.append("\n")
            text.append(
                tr("The marketplace said: {error}", error=visible(effect.last_error, lines=True)),
                style="dim",
            )
        detail.update(text)

    @on(LazyTable.Highlighted)
    def _highlighted(self, event: LazyTable.Highlighted) -> None:
        self._detail()

    def _summary(self) -> None:
        tr = self.tr
        effects = self.effects
        if effects is None:
            text = tr("Loading…")
        elif not effects:
            text = tr("Nothing needs attention: no effect failed, none is late.")
        else:
            text = tr.plural(
                "{n} effect needs attention (failed, or waiting for 15 min or more).",
                "{n} effects need attention (failed, or waiting for 15 min or more).",
                len(effects),
                n=tr.number(len(effects)),
            )
        self.query_one("#effects-summary", Static).update(Text(text))

    def _row(self, effect: EffectView) -> Row:
        tr = self.tr
        mark, style = MARKS.get(effect.state, ("?", ""))
        state = Text(mark + " ", style=style)
        state.append(effect_state(effect, tr, UTC_ZONE))
        return Row(
            key=str(effect.id),
            cells=(
                tr.number(effect.id),
                visible(effect.claim or "—"),
                visible(effect.professional),
                # The amount is in the detail below.
                capitalised(effect_kind_label(effect.kind, tr)),
                f"{tr.date(effect.created_at.date(), short=True)} {tr.time(effect.created_at)}",
                state,
            ),
        )

    def retranslate(self) -> None:
        super().retranslate()
        self.table.set_columns(self._columns())
        self._shown = None
        self._paint()

    # --- actions ----------------------------------------------------------

    def _current(self) -> EffectView | None:
        row = self.table.cursor
        if row is None or not self.effects:
            return None
        return next((e for e in self.effects if str(e.id) == row.key), None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("retry", "cancel_effect", "open_claim"):
            return bool(self.effects)
        return super().check_action(action, parameters)

    def action_retry(self) -> None:
        from guarantee_tui.services.effects import retry_effect

        effect = self._current()
        if effect is None:
            return
        agent, at, effect_id = self.gapp.agent, self.gapp.now(), effect.id

        def done(_result: object) -> None:
            self.notify(self.tr("Effect {id} will be tried again now.", id=effect_id), markup=False)
            self.gapp.link.wake()
            self.reload()

        self.run_db(
            lambda db: retry_effect(db, effect_id, agent=agent, at=at),
            done,
            group=f"effect-retry-{effect_id}",
        )

    def action_cancel_effect(self) -> None:
        from guarantee_tui.services.effects import cancel_effect
        from guarantee_tui.ui.screens.prompt import PromptScreen

        effect = self._current()
        if effect is None:
            return
        effect_id = effect.id
        tr = self.tr

        def reason_given(reason: str | None) -> None:
            if not reason:
                return
            agent, at = self.gapp.agent, self.gapp.now()

            def done(_result: object) -> None:
                self.notify(
                    self.tr("Effect {id} cancelled; the log records why.", id=effect_id),
                    markup=False,
                )
                self.gapp.link.wake()
                self.reload()

            self.run_db(
                lambda db: cancel_effect(db, effect_id, reason=reason, agent=agent, at=at),
                done,
                group=f"effect-cancel-{effect_id}",
            )

        self.app.push_screen(
            PromptScreen(
                tr(
                    "Why give up effect {id} ({what}, claim {claim})? Nothing more will be "
                    "sent for it. (recorded in the log)",
                    id=effect_id,
                    what=effect_label(effect, tr),
                    claim=visible(effect.claim or "—"),
                )
            ),
            reason_given,
        )

    def action_open_claim(self) -> None:
        from guarantee_tui.ui.screens.claim import open_claim

        effect = self._current()
        if effect is not None and effect.claim is not None:
            open_claim(self, effect.claim)

    @on(LazyTable.Selected)
    def _selected(self, event: LazyTable.Selected) -> None:
        event.stop()
        self.action_open_claim()


def open_effects(screen: AppScreen) -> None:
    """The supervisors' screen; agents are told it is not theirs."""
    if screen.gapp.actor_role != "supervisor":
        screen.notify(
            screen.tr(
                "Only supervisors handle the marketplace's failed effects: ask one to "
                "retry or cancel them."
            ),
            severity="warning",
            markup=False,
        )
        return
    if isinstance(screen.app.screen, EffectsScreen):
        return
    from guarantee_tui.services.effect_view import needing_attention

    at = screen.gapp.now()

    def push(effects: list[EffectView] | None) -> None:
        screen.app.push_screen(EffectsScreen(effects))

    open_loaded(
        screen, lambda db: needing_attention(db, at), push, group="open-effects", slow=SLOW_OPEN
    )
