"""The keys of the current screen, on one line at the bottom, never cutting the
keys that matter.

One widget paints the whole line. Textual's footer builds a widget per key
(and rebuilds them all at each focus change, screen push or translation):
styling those widgets was a tenth of the time the queue takes to show at
start, and a share of every screen push. It looks as Textual's footer looks
(the same theme variables: every snapshot shows the same cells), and a key is still
clicked or hovered on its own.

Textual's footer builds its keys after the frame that follows a change of
bindings, so a screen's first frame had an empty footer. This one takes the
keys from the screen's signal and paints them in the next frame, with what
changed them.

Textual's footer scrolls sideways and cuts whatever does not fit: at 80
columns in French that was the help key and the screen's own last actions.
This one leaves out the least important keys instead, whole: the app-wide
ones first (phone desk, log, quit), then the palette's word (its key stays),
then the screen's own from its last; back, cancel and help always stay, and
help lists everything.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, ClassVar, Final

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import App
from textual.color import Color
from textual.screen import Screen
from textual.widget import Widget

# Kept whatever the width: how to leave, and where every other key is listed.
ALWAYS: Final = frozenset({"help", "back", "cancel"})
# Keeps (tier, order): lower tiers are kept first.
_KEPT, _SCREEN, _APP = 0, 1, 2
# The palette's key: a bar on its left, a space on its right.
_PALETTE_FRAME: Final = 2


@dataclass(frozen=True, slots=True)
class FooterKey:
    """One action the footer offers, with the first key that runs it."""

    key: str  # as pressed (simulated on a click)
    key_display: str
    description: str
    action: str
    enabled: bool
    tooltip: str
    tier: int
    palette: bool = False

    @property
    def width(self) -> int:
        """Columns it takes: ` key description ` (the palette's: `▏key description `)."""
        keys = cell_len(self.key_display)
        if self.palette:
            words = keys + (1 + cell_len(self.description) if self.description else 0)
            return words + _PALETTE_FRAME
        return keys + 3 + cell_len(self.description) if self.description else keys


@dataclass(frozen=True, slots=True)
class Placed:
    """A key as painted: from column `x`, `width` columns."""

    key: FooterKey
    x: int
    width: int


def cells(key: FooterKey) -> int:
    """The columns a key is given room for when keys are left out."""
    keys = cell_len(key.key_display)
    return keys + cell_len(key.description) + 3 if key.description else keys


def fitting(keys: tuple[FooterKey, ...], width: int) -> tuple[FooterKey, ...]:
    """The keys shown in `width` columns, in their order: if all do not fit, the
    least important are left out whole (and the palette's word before any of
    the screen's own keys)."""
    palette = [k for k in keys if k.palette]
    # The palette's key is docked on the right, one column from the rest.
    room = width - sum(cells(k) + 1 for k in palette)
    candidates = [k for k in keys if not k.palette]
    used = sum(cells(k) for k in candidates)
    if used <= room:
        return keys
    words = [k.description for k in palette]
    screens = sum(cells(k) for k in candidates if k.tier != _APP)
    if screens > room:
        for i, key in enumerate(palette):
            palette[i] = replace(key, description="")
            room += cells(key) - cells(palette[i])
    order = sorted(enumerate(candidates), key=lambda item: (item[1].tier, item[0]))
    dropped: set[int] = set()
    for index, key in reversed(order):
        if used <= room:
            break
        if key.tier == _KEPT:
            continue
        used -= cells(key)
        dropped.add(index)
    # Leaving out a wide key may have made room for the palette's word again.
    for i, key in enumerate(palette):
        bare = cells(key)
        worded = replace(key, description=words[i])
        grown = cells(worded) - bare
        if used > room - grown:
            palette[i] = replace(key, description="")
        else:
            room -= grown
            palette[i] = worded
    kept = [k for i, k in enumerate(candidates) if i not in dropped]
    return (*kept, *palette)


class AppFooter(Widget, can_focus=False):
    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "app-footer--item",
        "app-footer--hover",
        "app-footer--key",
        "app-footer--description",
        "app-footer--palette-bar",
    }
    # Textual's footer's look (textual/widgets/_footer.py), key by key.
    DEFAULT_CSS = """
    AppFooter {
        dock: bottom;
        height: 1;
        width: 1fr;
        text-wrap: nowrap;
        text-overflow: clip;
        color: $footer-foreground;
        background: $footer-background;
        .app-footer--item { background: $footer-item-background; }
        .app-footer--hover {
            color: $footer-key-foreground;
            background: $block-hover-background;
        }
        .app-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .app-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .app-footer--palette-bar {
            color: $foreground 20%;
            background: $footer-item-background;
        }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._keys: tuple[FooterKey, ...] = ()
        self._hover: str | None = None  # the action under the mouse

    # --- the keys -----------------------------------------------------------

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if not (self.is_attached and screen is self.screen and self.app.app_focus):
            return
        keys = self._read(screen)
        if keys == self._keys:
            return
        self._keys = keys
        # In the next frame, with what changed them.
        self.refresh()

    def _read(self, screen: Screen[Any]) -> tuple[FooterKey, ...]:
        active = screen.active_bindings
        tiers: dict[str, int] = {}
        for binding_info in active.values():
            binding = binding_info.binding
            if binding.id in ALWAYS:
                tier = _KEPT
            elif isinstance(binding_info.node, App):
                tier = _APP
            else:
                tier = _SCREEN
            tiers[binding.action] = min(tier, tiers.get(binding.action, tier))
        keys: list[FooterKey] = []
        seen: set[str] = set()
        # One key per action, the first bound, as Textual's footer shows them.
        for _, binding, enabled, tooltip in active.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            keys.append(
                FooterKey(
                    binding.key,
                    self.app.get_key_display(binding),
                    binding.description,
                    binding.action,
                    enabled,
                    tooltip,
                    tiers[binding.action],
                )
            )
        app = self.app
        palette = active.get(app.COMMAND_PALETTE_BINDING) if app.ENABLE_COMMAND_PALETTE else None
        if palette is not None:
            binding = palette.binding
            keys.append(
                FooterKey(
                    binding.key,
                    app.get_key_display(binding),
                    binding.description,
                    binding.action,
                    palette.enabled,
                    binding.tooltip or binding.description,
                    _KEPT,
                    palette=True,
                )
            )
        return tuple(keys)

    def placed(self) -> list[Placed]:
        """The keys painted at the footer's width, where they are."""
        width = self.size.width or self.app.size.width
        shown = fitting(self._keys, width)
        placed: list[Placed] = []
        x = 0
        for key in shown:
            if not key.palette:
                placed.append(Placed(key, x, key.width))
                x += key.width
        for key in shown:
            if key.palette:
                # Docked on the right, over whatever would reach it.
                placed.append(Placed(key, max(0, width - key.width), key.width))
        return placed

    def actions(self) -> list[str]:
        """The actions of the keys shown, left to right (the palette's last)."""
        return [p.key.action for p in self.placed()]

    # --- painting -----------------------------------------------------------

    def _styles(self, key: FooterKey) -> tuple[Style, Style, Style]:
        hovered = key.action == self._hover
        item = self.get_component_rich_style("app-footer--hover" if hovered else "app-footer--item")
        if not key.enabled:
            item += Style(dim=True)
        keys, words = (
            self._over(name, item) if hovered else self.get_component_rich_style(name)
            for name in ("app-footer--key", "app-footer--description")
        )
        return item, keys, words

    def _over(self, name: str, item: Style) -> Style:
        """A part's style over the hovered key's background, as Textual blends a
        child's background over its parent's."""
        style = self.get_component_rich_style(name)
        if item.bgcolor is None:
            return style
        background = (
            Color.from_rich_color(item.bgcolor) + self.get_component_styles(name).background
        )
        return style + Style(bgcolor=background.rich_color)

    def _paint(self, key: FooterKey) -> Text:
        item, keys, words = self._styles(key)
        if key.palette:
            text = Text.assemble((key.key_display, keys))
            if key.description:
                text.append(f" {key.description}", words)
            text.stylize_before(item)
            bar = self.get_component_rich_style("app-footer--palette-bar")
            # The space on its right as Textual paints a padding: its background alone.
            return Text.assemble(("▏", bar), text, (" ", Style(bgcolor=item.bgcolor)))
        if not key.description:
            text = Text.assemble((key.key_display, keys))
        else:
            text = Text.assemble((f" {key.key_display} ", keys), (f"{key.description} ", words))
        text.stylize_before(item)
        return text

    def render(self) -> Text:
        width = self.size.width
        line = Text(no_wrap=True, overflow="crop", end="")
        right: list[Placed] = []
        for placed in self.placed():
            if placed.key.palette:
                right.append(placed)
                continue
            line.append_text(self._paint(placed.key))
        for placed in right:
            line.truncate(placed.x)
            line.pad_right(placed.x - line.cell_len)
            line.append_text(self._paint(placed.key))
        line.truncate(width)
        return line

    # --- the mouse ----------------------------------------------------------

    def _key_at(self, x: int) -> FooterKey | None:
        for placed in reversed(self.placed()):  # the palette's is over the rest
            if placed.x <= x < placed.x + placed.width:
                return placed.key
        return None

    def on_mouse_move(self, event: events.MouseMove) -> None:
        key = self._key_at(event.x)
        hover = key.action if key is not None else None
        if hover != self._hover:
            self._hover = hover
            self.tooltip = key.tooltip or None if key is not None else None
            self.styles.pointer = "pointer" if key is not None else "default"
            self.refresh()

    def on_leave(self, event: events.Leave) -> None:
        if self._hover is not None:
            self._hover = None
            self.tooltip = None
            self.styles.pointer = "default"
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        key = self._key_at(event.x)
        if key is None:
            return
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()
