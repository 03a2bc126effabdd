"""What every screen of the app shares: the translator, database calls,
retranslation, and the keys that mean the same everywhere.

The shared keys are declared once, here, with shared ids, so that one entry
of the config file's `[keymap]` rebinds "back" on every screen: `back`
(escape) and the moves `up`, `down`, `first`, `last` (↑/k, ↓/j, home/g,
end/G) on screens, `cancel` (escape) on dialogs. A screen gives a shared key its
meaning with the action of that name (`action_down`); a screen without it
hides the key.

Every screen draws through `InertCompositor` (ui/inert.py): no control
character from data reaches the terminal, whatever a widget shows.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from textual import events
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen, Screen

from guarantee_tui.i18n import N_, Translator
from guarantee_tui.text import visible
from guarantee_tui.ui.bindings import not_now, translate_bindings
from guarantee_tui.ui.inert import InertCompositor
from guarantee_tui.ui.later import Later

if TYPE_CHECKING:
    from guarantee_tui.services.database import Database
    from guarantee_tui.services.leases import Holding
    from guarantee_tui.ui.app import GuaranteeApp

T = TypeVar("T")
MOVES = ("up", "down", "first", "last")


class Translated:
    """A screen whose texts and key descriptions follow the UI language."""

    @property
    def gapp(self) -> GuaranteeApp:
        return cast("GuaranteeApp", cast(Screen[Any], self).app)

    @property
    def tr(self) -> Translator:
        return self.gapp.tr

    def retranslate(self) -> None:
        """Sets every text again in the current language (override, call super)."""
        screen = cast(Screen[Any], self)
        translate_bindings(screen, self.tr)
        for widget in screen.walk_children():
            translate_bindings(widget, self.tr)
        screen.refresh_bindings()

    def run_db(
        self,
        job: Callable[[Database], T],
        on_done: Callable[[T], None],
        *,
        group: str,
        on_error: Callable[[BaseException], bool] | None = None,
    ) -> None:
        """Runs `job` on the database in a thread; `on_done` gets its result here."""
        self.gapp.run_db(job, on_done, group=group, node=cast(Screen[Any], self), on_error=on_error)


# The screen each screen is opening, by the timer that shows it loading.
_opening: weakref.WeakKeyDictionary[AppScreen, Later] = weakref.WeakKeyDictionary()


def open_loaded(
    screen: AppScreen,
    load: Callable[[Database], T],
    push: Callable[[T | None], None],
    *,
    group: str,
    slow: float,
) -> None:
    """Loads what the next screen shows, then has `push` show it with it: the
    first frame is the complete one (pushing first and filling in later
    painted twice, the first time empty). A database slower than `slow`
    seconds gets the screen at once, loading (`push(None)`). A newer open
    from the same screen replaces this one; none shows once the agent has
    gone elsewhere."""
    earlier = _opening.pop(screen, None)
    if earlier is not None:
        earlier.stop()

    def show(loaded: T | None) -> None:
        timer.stop()
        # Once only, and not if the agent has gone elsewhere meanwhile.
        if _opening.get(screen) is timer and screen.is_current:
            del _opening[screen]
            push(loaded)

    def failed(_error: BaseException) -> bool:
        timer.stop()
        if _opening.get(screen) is timer:
            del _opening[screen]
        return False  # shown as any other database error

    timer = Later(screen, slow, lambda: show(None))
    _opening[screen] = timer
    screen.run_db(load, show, group=group, on_error=failed)


def _draw_inert(screen: Screen[Any]) -> None:
    # Textual's compositor, replaced before anything is drawn (a private:
    # tests/ui/test_textual_canaries.py).
    screen._compositor = InertCompositor()


class AppScreen(Translated, Screen[None]):
    """A screen of the app.

    Each screen names what has the focus first in Textual's AUTO_FOCUS: that
    focus is set before the first frame. A `focus()` in `on_mount` takes
    effect a frame later, so the first frames showed another widget focused
    and the footer without the focused widget's keys.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", N_("Back"), id="back"),
        # The same keys as the tables' (widgets/lazy_table.py), which share the ids.
        Binding("up,k", "up", N_("Up"), show=False, id="up"),
        Binding("down,j", "down", N_("Down"), show=False, id="down"),
        Binding("home,g", "first", N_("First"), show=False, id="first"),
        Binding("end,G", "last", N_("Last"), show=False, id="last"),
    ]

    def __init__(self) -> None:
        super().__init__()
        _draw_inert(self)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Subclasses end theirs with this: a move the screen lacks is hidden."""
        return not (action in MOVES and not hasattr(self, f"action_{action}"))

    def action_back(self) -> None:
        self.dismiss()

    def on_mount(self) -> None:
        # Textual runs every on_mount along the MRO, this one after a subclass's:
        # subclasses must not call super().on_mount(), or it runs twice.
        self.retranslate()


R = TypeVar("R")


class AppModal(Translated, ModalScreen[R]):
    """A dialog of the app; what it focuses first is its AUTO_FOCUS (see AppScreen)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), id="cancel"),
    ]

    def __init__(self) -> None:
        super().__init__()
        _draw_inert(self)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def bound_key(self, action: str) -> str:
        """The key bound to `action` on this dialog, as a keymap may have set it."""
        # As Textual does for the keys it dispatches: the node's bindings, then the
        # app's keymap (both private: tests/ui/test_textual_canaries.py).
        bindings = self._bindings.copy()
        bindings.apply_keymap(self.app._keymap)
        for key, found in bindings.key_to_bindings.items():
            if any(binding.action == action for binding in found):
                return key
        raise LookupError(f"no key for {action!r} on {type(self).__name__}")

    def with_key(self, label: str, key: str) -> str:
        """A button's label with the key that does the same ("Reject (^s)"): a
        dialog covers the footer, and nobody should need the mouse to find it."""
        return self.tr(
            "{label} ({key})", label=label, key=self.app.get_key_display(Binding(key, ""))
        )

    def on_mount(self) -> None:
        # Textual runs every on_mount along the MRO, this one after a subclass's:
        # subclasses must not call super().on_mount(), or it runs twice.
        self.retranslate()


# --- a claim worked by one agent at a time (services/leases.py) -------------


def since(moment: datetime, tr: Translator, *, in_text: bool = True) -> str:
    """When a lease began, in this desk's time: the time today, else date and
    time, as a sentence writes them unless not `in_text` (a table's cell)."""
    local = moment.astimezone()
    if _today(local):
        return tr.time(local)
    return tr.moment(local, in_text=in_text)


def _today(local: datetime) -> bool:
    return local.date() == datetime.now(UTC).astimezone().date()


def since_phrase(moment: datetime, tr: Translator) -> str:
    """ "since 10:02" or "since 1 June 2026 at 10:02", for a sentence: the
    languages put different words before a time and a date ("depuis 10:02",
    "depuis le 1er juin 2026 à 10:02"; "desde as 10:02")."""
    local = moment.astimezone()
    if _today(local):
        return tr("since {time}", time=tr.time(local))
    return tr("since {date_and_time}", date_and_time=tr.moment(local, in_text=True))


def on_claim(holding: Holding, tr: Translator) -> str:
    return tr(
        "{agent} is on this claim {since}",
        agent=visible(holding.holder),
        since=since_phrase(holding.since, tr),
    )


def held_notice(holding: Holding, tr: Translator, *, supervisor: bool, take_key: str | None) -> str:
    """Why the keys that act on a claim someone else holds are not available;
    `take_key`: the key that takes it over here (None: not on this screen)."""
    agent, at = visible(holding.holder), since_phrase(holding.since, tr)
    if not supervisor:
        return tr(
            "{agent} is on this claim {since}: ask them, or a supervisor to take it over.",
            agent=agent,
            since=at,
        )
    if take_key is None:
        return tr(
            "{agent} is on this claim {since}: take it over first, on the claim screen.",
            agent=agent,
            since=at,
        )
    return tr(
        "{agent} is on this claim {since}: take it over first ({key}).",
        agent=agent,
        since=at,
        key=take_key,
    )


class HeldClaimScreen(AppScreen):
    """A screen whose keys act on one claim, which another agent may hold."""

    # The ids of the keys that act on the claim as its holder.
    HOLDER_KEYS: ClassVar[frozenset[str]] = frozenset()
    # Who works the claim now (None: nobody), as last loaded.
    holding: Holding | None = None

    @property
    def held_by_other(self) -> bool:
        return self.holding is not None and not self.gapp.is_me(self.holding.holder)

    def take_key(self) -> str | None:
        """The key that takes the claim over on this screen (None: none here)."""
        return None

    def on_key(self, event: events.Key) -> None:
        # Textual ignores a key whose action is not available; this one says why.
        binding = not_now(self, event.key)
        holding = self.holding
        if binding is None or binding.id not in self.HOLDER_KEYS or holding is None:
            return
        if not self.held_by_other:
            return
        event.stop()
        self.notify(
            held_notice(
                holding,
                self.tr,
                supervisor=self.gapp.actor_role == "supervisor",
                take_key=self.take_key(),
            ),
            severity="warning",
            markup=False,
        )
