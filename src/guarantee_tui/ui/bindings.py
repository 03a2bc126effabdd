"""The keys of the app: translated, listed (help and palette), rebound by the user's keymap.

Textual reads a class's BINDINGS once, at import, so their descriptions are
English source strings. Each widget keeps its own copy of the bindings; this
replaces that copy's descriptions with translations, and does it again when
the language changes. Keys are left as they are, so a user's keymap holds.

Every binding of ours has an id: the bindings every screen shares ("back",
"up", "down", "first", "last", "cancel") are declared once, on the screen and
dialog base classes (`ui/base.py`); a screen's own are named "screen.what".
The config file's `[keymap]` rebinds them by id (`check_keymap`).

The help (`?`) and the command palette list the same entries: `listed`.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING, Any, Final

from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode
from textual.keys import REPLACED_KEYS, Keys, key_to_character

from guarantee_tui.config import ConfigError, KeymapSettings
from guarantee_tui.i18n import N_, Translator

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

PACKAGE = "guarantee_tui"
# Textual's own bindings that show in the footer or the help: the palette's key,
# added by Textual itself rather than declared in a BINDINGS.
PALETTE_ACTIONS = frozenset({"command_palette", "app.command_palette"})
TEXTUAL_DESCRIPTIONS = dict.fromkeys(PALETTE_ACTIONS, N_("palette"))
TEXTUAL_TOOLTIPS = dict.fromkeys(PALETTE_ACTIONS, N_("Open the command palette"))
MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})


def _declared(cls: type[DOMNode]) -> list[Binding]:
    return [binding for _key, binding in BindingsMap(cls.__dict__.get("BINDINGS", []))]


@cache
def _sources(cls: type[DOMNode]) -> Mapping[str, Binding]:
    """Our bindings of a class by id, as declared (English), the subclass's first."""
    sources: dict[str, Binding] = {}
    for base in cls.__mro__:
        if base.__module__.startswith(PACKAGE + ".") and issubclass(base, DOMNode):
            for binding in _declared(base):
                if binding.id is not None:
                    sources.setdefault(binding.id, binding)
    return sources


def is_ours(node: DOMNode, binding: Binding) -> bool:
    """Declared by one of our classes (Textual's own widgets' bindings are not listed)."""
    return (binding.id is not None and binding.id in _sources(type(node))) or (
        binding.action in PALETTE_ACTIONS
    )


def translate_bindings(node: DOMNode, tr: Translator) -> None:
    sources = _sources(type(node))
    # Textual keeps a node's bindings in `_bindings` and offers no public way to
    # change a description after import (tests/ui/test_textual_canaries.py).
    table = node._bindings.key_to_bindings
    for key, bindings in table.items():
        translated: list[Binding] = []
        for binding in bindings:
            source = sources.get(binding.id) if binding.id is not None else None
            english = source.description if source else TEXTUAL_DESCRIPTIONS.get(binding.action)
            tooltip = source.tooltip if source else TEXTUAL_TOOLTIPS.get(binding.action, "")
            translated.append(
                replace(
                    binding,
                    description=tr(english) if english else binding.description,
                    tooltip=tr(tooltip) if tooltip else binding.tooltip,
                )
            )
        table[key] = translated


# --- what the help and the palette list ----------------------------------


@dataclass(frozen=True, slots=True)
class Listed:
    """One action of a screen, with every key that runs it there."""

    keys: tuple[str, ...]  # as shown ("j", "↓")
    description: str  # translated
    enabled: bool
    node: DOMNode
    action: str

    @property
    def is_palette(self) -> bool:
        return self.action in PALETTE_ACTIONS


def listed(app: App[Any], screen: Screen[Any]) -> list[Listed]:
    """The actions of `screen` a person is told about, in the order Textual
    resolves its keys: ours only (not Textual's scrolling, focus, copying or
    the text box's editing keys), each once with all its keys, disabled ones
    included (the help says "not now")."""
    entries: dict[tuple[int, str], Listed] = {}
    for active in screen.active_bindings.values():
        binding, node = active.binding, active.node
        if not binding.description or binding.system or not is_ours(node, binding):
            continue
        shown = key_label(app, binding)
        found = entries.get((id(node), binding.action))
        if found is None:
            entries[(id(node), binding.action)] = Listed(
                (shown,), binding.description, active.enabled, node, binding.action
            )
        elif shown not in found.keys:
            entries[(id(node), binding.action)] = replace(found, keys=(*found.keys, shown))
    return list(entries.values())


# Key names as French and Portuguese keyboards print them, for the help and the
# palette (the footer keeps Textual's short forms, which its width is counted in).
KEY_NAMES: Final[Mapping[str, Mapping[str, str]]] = {
    "fr": {
        "home": "Début",
        "end": "Fin",
        "pageup": "Pg préc.",
        "pagedown": "Pg suiv.",
        "delete": "Suppr",
        "insert": "Inser",
        "escape": "Échap",
        "space": "Espace",
        "tab": "Tab",
        "backspace": "Retour arr.",
        "shift": "Maj",
    },
    "pt": {
        "home": "Início",
        "end": "Fim",
        "pageup": "PgUp",
        "pagedown": "PgDn",
        "delete": "Del",
        "insert": "Ins",
        "escape": "Esc",
        "space": "Espaço",
        "tab": "Tab",
        "backspace": "Retrocesso",
        "shift": "Shift",
    },
}


def key_label(app: App[Any], binding: Binding) -> str:
    """`binding`'s key as the help and the palette show it, in the app's language:
    Textual's display ("pgdn", "shift+tab") with the names a French or Portuguese
    keyboard prints ("Pg suiv.", "Maj+Tab")."""
    language = getattr(getattr(app, "tr", None), "language", "en")
    names = KEY_NAMES.get(language)
    if names is None or binding.key_display:
        return app.get_key_display(binding)
    modifiers, key = binding.parse_key()
    if key not in names and not any(m in names for m in modifiers):
        return app.get_key_display(binding)
    name = names.get(key) or app.get_key_display(Binding(key, ""))
    if "ctrl" in modifiers:
        modifiers.remove("ctrl")
        name = f"^{name}"
    return "+".join([*(names.get(m, m) for m in modifiers), name])


def not_now(screen: Screen[Any], key: str) -> Binding | None:
    """Our binding of `key` on `screen` when it is listed but not available now
    (the help says "not now"): Textual ignores such a key, and the screen may
    say why instead."""
    active = screen.active_bindings.get(key)
    if active is None or active.enabled or not is_ours(active.node, active.binding):
        return None
    return active.binding


def hidden_now(screen: Screen[Any], key: str) -> Binding | None:
    """The screen's own binding of `key` (after the user's keymap) when its
    `check_action` hides it now (False: not shown, not run) and no other
    binding answers the key: Textual ignores such a key, and the screen may
    say why instead. One binding per key, shown when it matters, still
    answering when it does not (a decision key on a decided claim)."""
    # A key bound on the screen and missing from its active bindings is hidden.
    if key in screen.active_bindings:
        return None
    # As Textual dispatches: the node's bindings, then the app's keymap (both
    # private: tests/ui/test_textual_canaries.py).
    bindings = screen._bindings.copy()
    bindings.apply_keymap(screen.app._keymap)
    return next((b for b in bindings.key_to_bindings.get(key, ()) if is_ours(screen, b)), None)


# --- the user's keymap ----------------------------------------------------


def our_classes() -> Iterator[type[DOMNode]]:
    """Every widget, screen and app class of ours (imports them all)."""
    # Here, not at the top: only a user's keymap asks, and the first paint need not.
    import pkgutil

    from guarantee_tui.ui import app, base, screens, widgets

    modules = [app, base]
    for package in (screens, widgets):
        for info in pkgutil.iter_modules(package.__path__):
            modules.append(importlib.import_module(f"{package.__name__}.{info.name}"))
    for module in modules:
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, DOMNode)
                and value.__module__ == module.__name__
            ):
                yield value


def binding_ids() -> dict[str, Binding]:
    """Every binding id of the app, with its first declaration (imports every screen)."""
    ids: dict[str, Binding] = {}
    for cls in our_classes():
        for binding in _declared(cls):
            if binding.id is not None:
                ids.setdefault(binding.id, binding)
    return ids


def key_problem(key: str) -> str | None:
    """Why `key` (one key, as in a keymap: "f", "ctrl+s", "question_mark") is no key."""
    if not key:
        return N_("an empty key")
    *modifiers, name = key.split("+")
    if any(modifier not in MODIFIERS for modifier in modifiers) or not name:
        return N_("unknown modifier (use ctrl, shift, alt, meta, super or hyper)")
    if len(name) == 1 and name.isprintable():
        return None
    if name in {k.value for k in Keys} and not name.startswith("<"):
        return None
    # Named characters, as Textual writes them: "slash", "question_mark", "full_stop".
    if key_to_character(REPLACED_KEYS.get(name, name)) is not None:
        return None
    return N_("unknown key (a character, or a name such as escape, enter, f5, ctrl+s, slash)")


def check_keymap(keymap: KeymapSettings) -> dict[str, str]:
    """The config file's keymap, as `App.set_keymap` takes it; a ConfigError
    names the file, the entry and what is wrong with it."""
    if not keymap.keys:
        return {}
    known = binding_ids()
    checked: dict[str, str] = {}
    for binding_id, keys in keymap.keys.items():
        where = f"keymap.{binding_id}"
        if binding_id not in known:
            raise ConfigError(
                keymap.source,
                where,
                N_("unknown binding id (the README lists them, under Configuration)"),
            )
        for key in keys.split(","):
            problem = key_problem(key.strip())
            if problem is not None:
                raise ConfigError(keymap.source, where, problem)
        checked[binding_id] = ",".join(key.strip() for key in keys.split(","))
    return checked
