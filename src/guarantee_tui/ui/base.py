"""What every screen of the app shares: the translator, database calls,
retranslation, and the keys that mean the same everywhere.

The shared keys are declared once, here, with shared ids, so that one entry
of the config file's `[keymap]` rebinds "back" on every screen: `back`
(escape) and the moves `up`, `down`, `first`, `last` (↑/k, ↓/j, home/g,
end/G) on screens, `cancel` (escape) on dialogs. A screen gives a shared key its
meaning with the action of that name (`action_down`); a screen without it
hides the key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from textual.binding import Binding, BindingType
from textual.screen import ModalScreen, Screen

from guarantee_tui.i18n import N_, Translator
from guarantee_tui.ui.bindings import translate_bindings

if TYPE_CHECKING:
    from guarantee_tui.services.database import Database
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


class AppScreen(Translated, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", N_("Back"), id="back"),
        # The same keys as the tables' (widgets/lazy_table.py), which share the ids.
        Binding("up,k", "up", N_("Up"), show=False, id="up"),
        Binding("down,j", "down", N_("Down"), show=False, id="down"),
        Binding("home,g", "first", N_("First"), show=False, id="first"),
        Binding("end,G", "last", N_("Last"), show=False, id="last"),
    ]

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
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), id="cancel"),
    ]

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
