"""Textual's footer, rebuilt only when the keys it shows have changed.

Textual's Footer rebuilds all its keys on every bindings refresh (a focus
change, a screen pushed, a translation), and restyling each key is slow: at
start-up that alone cost most of a second. This one compares what it would
show with what it shows, and keeps it when they are the same.
"""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widgets import Footer


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

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if self.is_attached and screen is self.screen:
            keys = self._keys(screen)
            if keys == self._shown:
                return
            self._shown = keys
        super().bindings_changed(screen)
