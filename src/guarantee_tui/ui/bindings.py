"""Key bindings whose descriptions follow the UI language.

Textual reads a class's BINDINGS once, at import, so their descriptions are
English source strings. Each widget keeps its own copy of the bindings; this
replaces that copy's descriptions with translations, and does it again when
the language changes. Keys are left as they are, so a user's keymap holds.
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode

from guarantee_tui.i18n import N_, Translator

# Textual's own bindings that show in the footer or the help.
TEXTUAL_DESCRIPTIONS = {
    "command_palette": N_("palette"),
    "app.command_palette": N_("palette"),
}


def _sources(node: DOMNode) -> dict[str, Binding]:
    merged = type(node)._merged_bindings or BindingsMap()
    sources: dict[str, Binding] = {}
    for _key, binding in merged:
        sources.setdefault(binding.id or binding.action, binding)
    return sources


def translate_bindings(node: DOMNode, tr: Translator) -> None:
    sources = _sources(node)
    table = node._bindings.key_to_bindings
    for key, bindings in table.items():
        translated: list[Binding] = []
        for binding in bindings:
            source = sources.get(binding.id or binding.action)
            english = source.description if source else TEXTUAL_DESCRIPTIONS.get(binding.action)
            tooltip = source.tooltip if source else ""
            translated.append(
                replace(
                    binding,
                    description=tr(english) if english else binding.description,
                    tooltip=tr(tooltip) if tooltip else binding.tooltip,
                )
            )
        table[key] = translated
