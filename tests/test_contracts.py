"""The fixed interfaces and texts the tool is built from, as copied into the repository.

Every test here reads the repository's copies (tests/data/, docs/), so it runs
in any clone. Only the comparison with the shared originals needs the
`shared` folder beside the checkout, and only that comparison skips without it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from openapi_spec_validator import OpenAPIV31SpecValidator, validate

from guarantee_tui.policy import ConditionId

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DATA = ROOT / "tests" / "data"
DOCS = ROOT / "docs"

# The repository's copy -> its original, relative to SHARED.
CONTRACTS = ("case-file.schema.json", "check-output.md", "marketplace-api.yaml")
SEEDS = ("000_9ade2786a4ce1f55.txt", "001_3122102cd43c2525.txt")
COPIES: dict[Path, str] = {
    **{DATA / name: f"contracts/{name}" for name in CONTRACTS},
    DOCS / "POLICY.md": "POLICY.md",
    DOCS / "DESIGN.md": "DESIGN.md",
    **{DOCS / "seeds" / name: f"seeds/{name}" for name in SEEDS},
}

needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason=f"{SHARED} is not beside this checkout"
)


def _id(path: Path) -> str:
    return str(path.relative_to(ROOT))


# --- the copies and their originals ---------------------------------------------------


@pytest.mark.parametrize("copy", list(COPIES), ids=_id)
def test_the_copy_is_in_the_repository(copy: Path) -> None:
    assert copy.is_file(), f"{_id(copy)} is missing: copy it from ../shared/{COPIES[copy]}"


@needs_shared
@pytest.mark.parametrize("copy", list(COPIES), ids=_id)
def test_the_copy_matches_the_shared_original(copy: Path) -> None:
    original = SHARED / COPIES[copy]
    assert original.is_file(), f"{original} is gone: remove {_id(copy)} or find its new home"
    assert copy.read_bytes() == original.read_bytes(), (
        f"{_id(copy)} differs from {original}: copy the original over it"
    )


@needs_shared
def test_every_shared_contract_and_seed_has_a_copy() -> None:
    shared = {
        str(p.relative_to(SHARED))
        for folder in ("contracts", "seeds")
        for p in (SHARED / folder).iterdir()
        if p.is_file()
    } | {p.name for p in SHARED.glob("*.md")}
    missing = sorted(shared - set(COPIES.values()))
    assert missing == [], f"copy these into the repository (and list them in COPIES): {missing}"


# --- each contract, read from the repository ------------------------------------------


def test_the_case_file_schema_is_a_valid_json_schema() -> None:
    schema = json.loads((DATA / "case-file.schema.json").read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema).check_schema(schema)
    assert schema["properties"]["format"] == {"const": "guarantee-case-file/1"}


def _api() -> dict[str, Any]:
    loaded = yaml.safe_load((DATA / "marketplace-api.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_the_marketplace_api_is_a_valid_openapi_3_1_document() -> None:
    api = _api()
    assert str(api["openapi"]).startswith("3.1.")
    # Also resolves every $ref: a dangling one raises here.
    validate(api, cls=OpenAPIV31SpecValidator)


def test_every_post_of_the_marketplace_api_takes_an_idempotency_key() -> None:
    # The outbox retries a call with the key it kept: a POST without one
    # could apply an effect twice.
    api = _api()
    posts = {path: ops["post"] for path, ops in api["paths"].items() if "post" in ops}
    assert posts
    key = "#/components/parameters/IdempotencyKey"
    assert api["components"]["parameters"]["IdempotencyKey"]["name"] == "Idempotency-Key"
    for path, post in posts.items():
        refs = [p.get("$ref") for p in post.get("parameters", [])]
        assert key in refs, f"POST {path} takes no Idempotency-Key"


def test_the_packaged_json_of_the_marketplace_api_is_the_contract() -> None:
    # The stand-in marketplace reads the contract at run time, where PyYAML
    # (a development tool here) is not installed: a JSON rendering, kept equal.
    packaged = ROOT / "src" / "guarantee_tui" / "marketplace_server" / "contract.json"
    assert json.loads(packaged.read_text(encoding="utf-8")) == _api()


def _policy_condition_ids() -> list[str]:
    text = (DOCS / "POLICY.md").read_text(encoding="utf-8")
    section = text.split("## Conditions (checklist order)", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([a-z0-9_]+)` \|", section, flags=re.MULTILINE)


def test_the_code_has_every_condition_of_the_policy_in_its_order() -> None:
    ids = _policy_condition_ids()
    assert len(ids) == 15
    assert [c.value for c in ConditionId] == ids


# --- what cites them ------------------------------------------------------------------

CITING = [
    ROOT / "README.md",
    ROOT / "CONTRIBUTING.md",
    *sorted((ROOT / "src").rglob("*.py")),
    *sorted((ROOT / "scripts").glob("*.py")),
    *sorted(p for p in (ROOT / "tests").rglob("*.py") if p != Path(__file__).resolve()),
]
CITED = re.compile(r"\b(?:docs|tests/data)/[\w./-]*\w\.(?:md|json|yaml|txt)\b")


def test_nothing_cites_the_shared_folder_instead_of_the_repository_copy() -> None:
    citing = [_id(p) for p in CITING if "../shared/" in p.read_text(encoding="utf-8")]
    assert citing == [], "cite docs/ or tests/data/ instead of ../shared/ in these files"


def test_every_cited_copy_exists() -> None:
    cited = {
        (_id(p), m.group(0)) for p in CITING for m in CITED.finditer(p.read_text(encoding="utf-8"))
    }
    assert cited, "README.md cites docs/POLICY.md: the pattern must find it"
    missing = sorted((where, path) for where, path in cited if not (ROOT / path).is_file())
    assert missing == []
