"""ruff and mypy run beside the tests, in the README's test command, not inside pytest.

Inside pytest, mypy alone took a worker for 15 to 70 s (cold cache) while the
other waited; beside it, it runs once, before the tests, and its output is
its own. This checks that the gates stay in the command CI runs (tests/test_ci.py
checks that CI runs that command verbatim).
"""

from __future__ import annotations

import shlex
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GATES = [
    [".venv/bin/ruff", "check", "."],
    [".venv/bin/ruff", "format", "--check", "."],
    [".venv/bin/mypy"],
]


def _test_command() -> list[list[str]]:
    """The README's test command (the one that runs pytest), split at `&&`."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = [
        line.strip()
        for line in text.splitlines()
        if line.startswith("    python3 -m venv") and "pytest" in line
    ]
    assert len(lines) == 1, lines
    return [shlex.split(part) for part in lines[0].split("&&")]


def test_the_test_command_runs_ruff_and_mypy_before_pytest() -> None:
    steps = _test_command()
    pytest_at = next(i for i, step in enumerate(steps) if step[0].endswith("/pytest"))
    for gate in GATES:
        assert gate in steps[:pytest_at], f"{' '.join(gate)} is not run before pytest"


def test_mypy_checks_the_tests_and_scripts_too() -> None:
    # Without arguments mypy checks what pyproject.toml lists.
    with (ROOT / "pyproject.toml").open("rb") as f:
        files = tomllib.load(f)["tool"]["mypy"]["files"]
    assert {"src", "tests", "scripts"} <= set(files), files
