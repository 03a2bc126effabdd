"""Exporting case files: the contract's format, byte for byte the same for the same data."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import Engine

from guarantee_tui.i18n import translator
from guarantee_tui.services.case_files import (
    UnknownProfessionals,
    export_case_file,
    exporter,
    import_case_file,
)
from guarantee_tui.store.engine import make_engine
from tests.strategies import FORMAT, changed, load_schema, sample, write_case_file

EN = translator("en")


def export(engine: Engine, refs: list[str] | None = None) -> str:
    out = io.StringIO()
    export_case_file(engine, out, refs, client_data=True)
    return out.getvalue()


def loaded(engine: Engine, tmp_path: Path, doc: Any = None) -> Engine:
    import_case_file(engine, write_case_file(tmp_path / "f.json", doc or sample()))
    return engine


def test_an_empty_database(engine: Engine) -> None:
    out = io.StringIO()
    assert export_case_file(engine, out) == 0
    assert out.getvalue() == '{"format": "guarantee-case-file/1", "professionals": [\n]}\n'


def test_the_layout_one_professional_per_line(engine: Engine, tmp_path: Path) -> None:
    text = export(loaded(engine, tmp_path))
    lines = text.split("\n")
    assert lines[0] == '{"format": "guarantee-case-file/1", "professionals": ['
    assert lines[-2:] == ["]}", ""]
    assert [json.loads(line.rstrip(","))["ref"] for line in lines[1:-2]] == ["P-1", "P-2"]
    assert lines[2] == (
        '{"ref": "P-2", "market": "PT", "company_name": "Obras Lda", '
        '"created_at": "2026-01-07T09:00:00Z", "profile_completeness": [], "trust_labels": [], '
        '"packs": [], "payment_incidents": [], "contact_purchases": [{"ref": "C-3", '
        '"purchased_at": "2026-01-12T10:00:00Z", "price_credits": 9, "channel": "standard", '
        '"first_contacted_at": null, "job_won": false}], "reviews": [], "claims": []}'
    )


def test_values_nulls_and_timestamps(engine: Engine, tmp_path: Path) -> None:
    pro = json.loads(export(loaded(engine, tmp_path)).split("\n")[1].rstrip(","))
    assert pro["email"] == " Contact@Energie.FR "
    assert pro["created_at"] == "2026-01-05T08:00:00Z"
    assert pro["trust_labels"] == [
        {"kind": "trade_license", "activated_at": "2026-01-05T08:00:00Z", "revoked_at": None},
        {"kind": "verified_company", "activated_at": "2026-01-05T08:00:00Z", "revoked_at": None},
    ]
    second = pro["contact_purchases"][1]
    assert second["purchased_at"] == "2026-01-11T09:00:00.250000Z"
    assert "client_name" not in second
    assert pro["reviews"][1] == {
        "ref": "R-2",
        "at": "2026-01-21T10:00:00Z",
        "rating": 3,
        "source": "former_client",
        "contact_ref": None,
    }
    assert pro["claims"][0]["explanations"][1] == {
        "contact_ref": "C-2",
        "text": "Wrong number.",
        "verification": None,
    }


def test_the_export_follows_the_contract(engine: Engine, tmp_path: Path) -> None:
    validator = Draft202012Validator(
        load_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    validator.validate(json.loads(export(loaded(engine, tmp_path))))


def test_named_professionals_in_ref_order(engine: Engine, tmp_path: Path) -> None:
    loaded(engine, tmp_path)
    out = io.StringIO()
    assert export_case_file(engine, out, ["P-2", "P-1", "P-2"], client_data=True) == 2
    assert out.getvalue() == export(engine)
    only = json.loads(export(engine, ["P-2"]))
    assert [p["ref"] for p in only["professionals"]] == ["P-2"]


def test_unknown_refs_are_named_and_nothing_is_written(engine: Engine, tmp_path: Path) -> None:
    loaded(engine, tmp_path)
    out = io.StringIO()
    with pytest.raises(UnknownProfessionals) as info:
        export_case_file(engine, out, ["P-1", "P-9", "X"])
    assert info.value.describe(EN) == "No professionals with refs P-9 and X."
    assert out.getvalue() == ""
    with pytest.raises(UnknownProfessionals) as info:
        export_case_file(engine, out, ["P-9"])
    assert info.value.describe(EN) == "No professional with ref P-9."


def _shuffled(doc: dict[str, Any]) -> dict[str, Any]:
    """The same content, every list reversed and every instant in another offset."""
    text = json.dumps(doc).replace('Z"', '+00:00"')
    doc = json.loads(text)
    doc["professionals"].reverse()
    for pro in doc["professionals"]:
        for value in pro.values():
            if isinstance(value, list):
                value.reverse()
    return doc


def test_the_same_content_gives_the_same_bytes(
    engine: Engine, tmp_path: Path, sqlite_template: Path
) -> None:
    refs = ["b", "B", "a", "É", "e", "A-10", "A-9", "_x"]
    doc = sample()
    doc["professionals"] += [
        changed(doc["professionals"][1], ("ref",), ref) | {"contact_purchases": []} for ref in refs
    ]
    loaded(engine, tmp_path, doc)
    # On SQLite whatever the first backend: the bytes must not depend on it either.
    other = tmp_path / "other"
    other.mkdir()
    shutil.copyfile(sqlite_template, other / "second.db")
    second = make_engine(str(other / "second.db"))
    try:
        loaded(second, other, _shuffled(doc))
        assert export(engine) == export(second)
    finally:
        second.dispose()
    order = [p["ref"] for p in json.loads(export(engine))["professionals"]]
    # Code-point order, whatever the database's collation.
    assert order == sorted(order)
    assert order[:4] == ["A-10", "A-9", "B", "P-1"]


def test_small_chunks_give_the_same_bytes(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded(engine, tmp_path)
    expected = export(engine)
    monkeypatch.setattr(exporter, "CHUNK_SIZE", 1)
    assert export(engine) == expected
    assert export(engine, ["P-1", "P-2"]) == expected


def test_timestamps_are_utc_with_microseconds_only_when_there_are_some() -> None:
    from datetime import UTC, datetime, timedelta, timezone

    paris = timezone(timedelta(hours=1))
    assert exporter.timestamp(datetime(2026, 3, 12, 14, 5, tzinfo=paris)) == "2026-03-12T13:05:00Z"
    assert exporter.timestamp(datetime(2026, 3, 12, 13, 5, 0, 120, tzinfo=UTC)) == (
        "2026-03-12T13:05:00.000120Z"
    )
    assert exporter.timestamp(datetime(999, 1, 1, tzinfo=UTC)) == "0999-01-01T00:00:00Z"


def test_the_output_is_read_back_by_the_import(engine: Engine, tmp_path: Path) -> None:
    text = export(loaded(engine, tmp_path))
    path = tmp_path / "export.json"
    path.write_text(text, encoding="utf-8")
    report = import_case_file(engine, path)
    assert not report.changed
    assert json.loads(text)["format"] == FORMAT
