"""Property-based: import(export(db)) round-trips, and the validator agrees with the schema."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from sqlalchemy import Engine

from guarantee_tui.services.case_files import (
    InvalidCaseFile,
    export_case_file,
    import_case_file,
    validate_case_file,
)
from guarantee_tui.services.case_files.tables import (
    CLAIMS,
    EXPLANATIONS,
    KEYLESS,
    PROFESSIONALS,
    PURCHASES,
    REVIEWS,
)
from tests.strategies import case_files, expected_export, load_schema, walk, write_case_file

SCHEMA = Draft202012Validator(load_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)
QUICK = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _empty(engine: Engine) -> None:
    """Deletes what an import writes (the append-only log refuses deletes)."""
    with engine.begin() as conn:
        for table in (EXPLANATIONS, CLAIMS, REVIEWS, PURCHASES, *(t for _, t, _ in KEYLESS)):
            conn.execute(table.delete())
        conn.execute(PROFESSIONALS.delete())


def _export(engine: Engine) -> str:
    out = io.StringIO()
    export_case_file(engine, out, client_data=True)
    return out.getvalue()


def test_import_then_export_round_trips(engine: Engine, tmp_path: Path) -> None:
    examples = 30 if engine.dialect.name == "sqlite" else 10
    sizes: list[int] = []

    @settings(QUICK, max_examples=examples)
    @given(doc=case_files())
    def round_trip(doc: dict[str, Any]) -> None:
        sizes.append(len(json.dumps(doc)))
        _empty(engine)
        import_case_file(engine, write_case_file(tmp_path / "in.json", doc))
        exported = _export(engine)
        assert json.loads(exported) == expected_export(doc)

        again = tmp_path / "out.json"
        again.write_text(exported, encoding="utf-8")
        report = import_case_file(engine, again)
        assert not report.changed
        assert report.professionals.unchanged == len(doc["professionals"])
        assert _export(engine) == exported

    round_trip()
    assert len(sizes) >= examples
    if examples >= 30:
        assert max(sizes) > 2000, "the strategy draws only small files"


@settings(QUICK, max_examples=60)
@given(doc=case_files())
def test_generated_files_follow_the_contract(doc: dict[str, Any]) -> None:
    SCHEMA.validate(doc)


# --- targeted mutations: whatever the schema refuses, the validator refuses ----------

# Object kind (the key of the array holding it) -> its required keys.
REQUIRED = {
    "professionals": ("ref", "market", "company_name", "created_at"),
    "profile_completeness": ("at", "percent"),
    "trust_labels": ("kind", "activated_at"),
    "packs": ("name", "starts_at"),
    "payment_incidents": ("at", "kind"),
    "contact_purchases": ("ref", "purchased_at", "price_credits", "channel"),
    "reviews": ("ref", "at", "rating", "source"),
    "claims": ("ref", "submitted_at"),
    "explanations": ("contact_ref", "text"),
}
# Key -> values the schema refuses there.
REFUSED: dict[str, list[Any]] = {
    "ref": ["", 7, None],
    "market": ["ES", "fr", None],
    "company_name": ["", 1.5],
    "email": [None, 3],
    "phone": [[], None],
    "percent": [-1, 101, 50.5, "80"],
    "kind": [None, 0],
    "name": [None],
    "price_eur": [-0.01, "1", None],
    "price_credits": [-1, 1.5, "12", True],
    "channel": ["phone", None],
    "job_won": ["false", 0, None],
    "client_name": [None],
    "city": [0],
    "rating": [0, 6, 4.5, None],
    "source": ["web"],
    "contact_ref": [5],
    "text": [None, []],
    "status": ["closed", None],
    "explanations": [{}, "none"],
    "verification": ["yes", True],
    "at": [None, 5],
    "revoked_at": [1],
    "activated_at": [None],
    "format": ["guarantee-case-file/2", None],
}
KINDS: dict[str, list[Any]] = {"trust_labels": ["unknown_label"], "payment_incidents": [None, 0]}
TIMESTAMP_KEYS = {
    "created_at",
    "at",
    "activated_at",
    "revoked_at",
    "starts_at",
    "ends_at",
    "resolved_at",
    "purchased_at",
    "first_contacted_at",
    "submitted_at",
}
# Not date-times the schema's format allows, refused by the validator. jsonschema
# checks "date-time" only when rfc3339-validator is installed (the lock has it, through
# openapi-spec-validator); without it these are refused by ours alone.
BAD_TIMESTAMPS = ["2026-03-12T13:05:00", "2026-03-12", "2026-13-01T00:00:00Z", "yesterday"]
DATE_TIME_CHECKED = "date-time" in Draft202012Validator.FORMAT_CHECKER.checkers


def _container(path: str) -> str:
    """The array an object path is in: professionals[0].reviews[1] -> reviews."""
    return path.rsplit(".", 1)[-1].split("[")[0]


def _set(doc: Any, path: str, value: Any) -> None:
    """Sets (or with value=KeyError, deletes) the value at a walk() path."""
    parts: list[str | int] = []
    for segment in path.replace("[", ".[").split("."):
        if segment.startswith("["):
            parts.append(int(segment[1:-1]))
        elif segment:
            parts.append(segment)
    target = doc
    for part in parts[:-1]:
        target = target[part]
    if value is KeyError:
        del target[parts[-1]]
    else:
        target[parts[-1]] = value


def _mutations(doc: dict[str, Any]) -> list[tuple[str, str, Any, bool]]:
    """(path set, problem path, value, whether jsonschema refuses it too)."""
    found: list[tuple[str, str, Any, bool]] = []
    for path, value in walk(doc):
        key = path.rsplit(".", 1)[-1]
        if isinstance(value, dict) and path:
            found.append((f"{path}.surplus", f"{path}.surplus", 1, True))
            for required in REQUIRED[_container(path)]:
                found.append((f"{path}.{required}", f"{path}.{required}", KeyError, True))
        if "[" in key or not path:
            continue
        refused = REFUSED.get(key, [])
        if key == "kind":
            refused = KINDS[_container(path.rsplit(".", 1)[0])]
        found.extend((path, path, bad, True) for bad in refused)
        if key in TIMESTAMP_KEYS:
            found.extend((path, path, bad, DATE_TIME_CHECKED) for bad in BAD_TIMESTAMPS)
    return found


@settings(QUICK, max_examples=150)
@given(doc=case_files(max_professionals=2), data=st.data())
def test_the_validator_refuses_what_the_schema_refuses(
    doc: dict[str, Any], data: st.DataObject, tmp_path: Path
) -> None:
    where, problem_path, value, schema_refuses = data.draw(st.sampled_from(_mutations(doc)))
    _set(doc, where, value)
    assert SCHEMA.is_valid(doc) is not schema_refuses
    path = write_case_file(tmp_path / "bad.json", doc)
    with pytest.raises(InvalidCaseFile) as info:
        validate_case_file(path, None)
    assert [p.path for p in info.value.problems] == [problem_path]
