"""The repository's copies of the fixed interfaces match the shared originals."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "contracts"


@pytest.mark.parametrize("name", ["case-file.schema.json", "check-output.md"])
def test_copy_matches_the_shared_contract(name: str) -> None:
    original = SHARED / name
    if not original.exists():
        pytest.skip(f"{original} is not beside this checkout")
    assert (ROOT / "tests" / "data" / name).read_bytes() == original.read_bytes()
