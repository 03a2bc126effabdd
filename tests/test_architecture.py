"""The layers of DESIGN.md, enforced: imports point downwards only."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "guarantee_tui"


def imports_of(path: Path) -> set[str]:
    """Every module a file imports, at any depth (lazy imports count too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}: use absolute imports")
    return found


def modules(layer: str) -> list[Path]:
    base = PACKAGE / layer
    return sorted(base.rglob("*.py")) if base.is_dir() else [PACKAGE / f"{layer}.py"]


def _top(name: str) -> str:
    return name.split(".")[0]


def test_policy_is_pure() -> None:
    allowed_third_party = {"dateutil"}
    for path in modules("policy"):
        for name in imports_of(path):
            if name.startswith("guarantee_tui."):
                assert name.startswith("guarantee_tui.policy"), f"{path}: imports {name}"
                continue
            top = _top(name)
            assert top in sys.stdlib_module_names or top in allowed_third_party, (
                f"{path}: the policy must not import {name}"
            )
            assert top not in {
                "sqlite3",
                "socket",
                "subprocess",
                "urllib",
                "http",
                "io",
                "os",
                "pathlib",
                "shutil",
                "tempfile",
            }, f"{path}: the policy does no I/O, yet imports {name}"


@pytest.mark.parametrize(
    ("layer", "forbidden"),
    [
        (
            "store",
            {"textual", "rich", "guarantee_tui.ui", "guarantee_tui.services", "guarantee_tui.cli"},
        ),
        ("services", {"textual", "guarantee_tui.ui", "guarantee_tui.cli"}),
        (
            "i18n",
            {
                "sqlalchemy",
                "textual",
                "guarantee_tui.store",
                "guarantee_tui.services",
                "guarantee_tui.ui",
                "guarantee_tui.cli",
            },
        ),
        ("text", {"sqlalchemy", "textual", "guarantee_tui.store"}),
        # The screens hold no SQL: they ask services, in workers.
        ("ui", {"sqlalchemy", "alembic", "psycopg", "guarantee_tui.store", "guarantee_tui.cli"}),
    ],
)
def test_layer_does_not_import_upwards(layer: str, forbidden: set[str]) -> None:
    for path in modules(layer):
        for name in imports_of(path):
            for bad in forbidden:
                assert not (name == bad or name.startswith(bad + ".")), (
                    f"{path.relative_to(PACKAGE)}: {layer} must not import {name}"
                )


def _loaded_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    return set(out.split())


def test_importing_the_policy_loads_no_database_or_ui() -> None:
    # Every name of the package, which reads them from its modules on first use.
    loaded = _loaded_after("import guarantee_tui.policy as p; [getattr(p, n) for n in p.__all__]")
    assert "guarantee_tui.policy.conditions" in loaded
    for heavy in ("sqlalchemy", "textual", "rich", "babel", "psycopg", "alembic"):
        assert heavy not in loaded, f"importing the policy loaded {heavy}"


def test_the_check_command_does_not_load_the_ui() -> None:
    loaded = _loaded_after(
        "import guarantee_tui.cli as c, guarantee_tui.cli.check as k, guarantee_tui.services.checks"
    )
    assert "textual" not in loaded


def test_the_workspace_opens_without_building_the_policy_s_classes() -> None:
    """What the queue's first paint imports: the policy's words, not its facts,
    results, conditions and messages, nor SQLAlchemy, which come once it has
    painted (their classes took a tenth of the start-up: scripts/bench.py)."""
    loaded = _loaded_after(
        "import guarantee_tui.cli.app, guarantee_tui.ui.app, guarantee_tui.ui.screens.queue, "
        "guarantee_tui.services.first_page"
    )
    assert "guarantee_tui.policy.vocabulary" in loaded
    for later in ("conditions", "facts", "results", "messages"):
        assert f"guarantee_tui.policy.{later}" not in loaded
    assert "sqlalchemy" not in loaded
