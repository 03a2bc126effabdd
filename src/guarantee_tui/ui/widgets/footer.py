"""Textual's footer, rebuilt only when the keys it shows have changed.

Textual's Footer rebuilds all its keys on every bindings refresh (a focus
change, a screen pushed, a translation), and restyling each key is slow: at
start-up that alone cost most of a second. This one compares what it would
show with what it shows, and keeps it when they are the same.

Each key Textual builds also starts compact and is then bound to the footer's
(not compact) setting, which restyles every key once more; this one builds
them in their final form.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class AppFooter(Footer):
    _shown: tuple[Any, ...] | None = None

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

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            # The palette's key is not bound to the footer's setting: left as built.
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                widget.set_reactive(FooterKey.compact, self.compact)
                widget.set_class(self.compact, "-compact", update=False)
            yield widget

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if self.is_attached and screen is self.screen:
            keys = self._keys(screen)
            if keys == self._shown:
                return
            self._shown = keys
        super().bindings_changed(screen)
