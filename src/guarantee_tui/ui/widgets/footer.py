"""Textual's footer, rebuilt only when the keys it shows have changed, and never
cutting the keys that matter.

Textual's Footer rebuilds all its keys on every bindings refresh (a focus
change, a screen pushed, a translation), and restyling each key is slow: at
start-up that alone cost most of a second. This one compares what it would
show with what it shows, and keeps it when they are the same.

Each key Textual builds also starts compact and is then bound to the footer's
(not compact) setting, which restyles every key once more; this one builds
them in their final form.

Textual's footer builds its keys after the frame that follows a change of
bindings, so every screen's first frame had an empty footer. This one builds
them before the next frame: a screen's first frame shows its keys.

Textual's footer scrolls sideways and cuts whatever does not fit: at 80
columns in French that was the help key and the screen's own last actions.
This one leaves out the least important keys instead, whole: the app-wide
ones first (phone desk, log, quit), then the palette's word (its key stays),
then the screen's own from its last; back, cancel and help always stay, and
help lists everything.
"""

from __future__ import annotations

from typing import Any, Final

from rich.cells import cell_len
from textual.app import App, ComposeResult
from textual.events import Resize
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

# Kept whatever the width: how to leave, and where every other key is listed.
ALWAYS: Final = frozenset({"help", "back", "cancel"})
# Keeps (tier, order): lower tiers are kept first.
_KEPT, _SCREEN, _APP = 0, 1, 2


class AppFooter(Footer):
    _shown: tuple[Any, ...] | None = None
    _width: int = 0

    def _keys(self, screen: Screen[Any]) -> tuple[Any, ...]:
        return tuple(
            (
                key,
                active.binding.description,
                active.binding.show,
                active.enabled,
                self.app.get_key_display(active.binding),
            )
            for key, active in screen.active_bindings.items()
        )

    def _tiers(self) -> dict[str, int]:
        """Each shown action's tier, by the node that binds it."""
        tiers: dict[str, int] = {}
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if binding.id in ALWAYS:
                tier = _KEPT
            elif isinstance(active.node, App):
                tier = _APP
            else:
                tier = _SCREEN
            tiers[binding.action] = min(tier, tiers.get(binding.action, tier))
        return tiers

    def _cells(self, key: FooterKey) -> int:
        words = cell_len(key.key_display) + cell_len(key.description)
        if not key.description:
            return cell_len(key.key_display)
        return words + (1 if self.compact else 3)

    def _fitting(self, widgets: list[Widget]) -> list[Widget]:
        width = self.app.size.width
        keys = [w for w in widgets if isinstance(w, FooterKey)]
        palette = [k for k in keys if k.has_class("-command-palette")]
        # The palette's key is docked on the right, one column from the rest.
        room = width - sum(self._cells(k) + 1 for k in palette)
        candidates = [k for k in keys if not k.has_class("-command-palette")]
        used = sum(self._cells(k) for k in candidates)
        if used <= room:
            return widgets
        tiers = self._tiers()
        # Before any of the screen's own keys goes, the palette's shows its key alone.
        screens = sum(self._cells(k) for k in candidates if tiers.get(k.action) != _APP)
        words = {id(key): key.description for key in palette}
        if screens > room:
            for key in palette:
                room += self._cells(key)
                key.description = ""
                room -= self._cells(key)
        order = sorted(
            enumerate(candidates),
            key=lambda item: (tiers.get(item[1].action, _SCREEN), item[0]),
        )
        dropped: set[int] = set()
        for _, key in reversed(order):
            if used <= room:
                break
            if tiers.get(key.action) == _KEPT:
                continue
            used -= self._cells(key)
            dropped.add(id(key))
        # Leaving out a wide key may have made room for the palette's word again.
        for key in palette:
            bare = self._cells(key)
            key.description = words[id(key)]
            if used > room - (self._cells(key) - bare):
                key.description = ""
            else:
                room -= self._cells(key) - bare
        return [w for w in widgets if id(w) not in dropped]

    def compose(self) -> ComposeResult:
        built: list[Widget] = []
        for widget in super().compose():
            # The palette's key is not bound to the footer's setting: left as built.
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                widget.set_reactive(FooterKey.compact, self.compact)
                widget.set_class(self.compact, "-compact", update=False)
            built.append(widget)
        kept = self._fitting(built)
        self._width = self.app.size.width
        yield from kept

    def on_resize(self, event: Resize) -> None:
        if self.app.size.width != self._width and self._shown is not None:
            self.refresh(recompose=True)

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if not (self.is_attached and screen is self.screen and self.app.app_focus):
            return
        keys = self._keys(screen)
        if keys == self._shown:
            return
        self._shown = keys
        self._bindings_ready = True
        # Before the next frame, not after it as Textual's footer does: a
        # screen's first frame shows its keys (with the focus its screen sets
        # first, AUTO_FOCUS), and a change of keys shows with what changed them.
        self.refresh(recompose=True)
