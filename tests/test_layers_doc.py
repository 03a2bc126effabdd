"""CONTRIBUTING.md's layer list tells the truth: every module is in it, every import points down."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Final

ROOT: Final = Path(__file__).resolve().parent.parent
PACKAGE: Final = ROOT / "src" / "guarantee_tui"
# Not layers: the entry point, and the stand-in marketplace (CONTRIBUTING says so).
OUTSIDE: Final = {"__init__", "__main__", "marketplace_server"}
ENTRY: Final = re.compile(r"^    (?P<name>[a-z0-9_]+)(?:/|\.py) ")


def documented_layers() -> list[str]:
    """The layer list of CONTRIBUTING.md, top first."""
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text.split("## Layers", 1)[1].split("\n## ", 1)[0]
    return [m["name"] for m in map(ENTRY.match, section.splitlines()) if m]


def top_level_modules() -> set[str]:
    found = {p.stem for p in PACKAGE.glob("*.py")}
    found |= {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    return found - OUTSIDE


def imports_between_layers() -> set[tuple[str, str, str]]:
    """(importing layer, imported layer, file) for every import of another layer."""
    edges: set[tuple[str, str, str]] = set()
    for path in PACKAGE.rglob("*.py"):
        layer = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                parts = name.split(".")
                if parts[0] == "guarantee_tui" and len(parts) > 1 and parts[1] != layer:
                    edges.add((layer, parts[1], str(path.relative_to(PACKAGE))))
    return edges


def test_the_list_names_every_top_level_module_once() -> None:
    layers = documented_layers()
    assert len(layers) == len(set(layers)), f"listed twice: {layers}"
    missing = sorted(top_level_modules() - set(layers))
    assert missing == [], f"add these to CONTRIBUTING.md's layer list: {missing}"


def test_every_import_points_down_the_list() -> None:
    rank = {name: i for i, name in enumerate(documented_layers())}
    upwards = sorted(
        f"{where}: {low} imports {high}"
        for low, high, where in imports_between_layers()
        if low in rank and high in rank and rank[high] <= rank[low]
    )
    assert upwards == [], "imports against CONTRIBUTING.md's layer order:\n" + "\n".join(upwards)


def test_nothing_of_the_layers_imports_what_stands_outside_them() -> None:
    inward = sorted(
        f"{where}: {low} imports {high}"
        for low, high, where in imports_between_layers()
        if high in OUTSIDE and low not in OUTSIDE
    )
    assert inward == []


def test_the_parser_reads_the_list() -> None:
    layers = documented_layers()
    assert layers[0] == "cli"
    assert {"policy", "store", "services", "ui", "i18n"} <= set(layers)
