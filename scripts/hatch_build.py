"""Build hook: compile the gettext catalogs into the wheel.

A source checkout compiles `.po` files in memory at start-up
(guarantee_tui.i18n); an installed package gets ready `.mo` files.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CatalogBuildHook(BuildHookInterface):  # type: ignore[misc]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        root = Path(self.root)
        out = Path(tempfile.mkdtemp(prefix="guarantee-tui-mo-"))
        for po in sorted((root / "locales").glob("*/LC_MESSAGES/*.po")):
            with po.open("rb") as f:
                catalog = read_po(f)
            relative = po.relative_to(root / "locales").with_suffix(".mo")
            target = out / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("wb") as f:
                write_mo(f, catalog, use_fuzzy=False)
            build_data["force_include"][str(target)] = f"guarantee_tui/locales/{relative}"
