"""What the importer writes, the phone desk finds at once (search tokens in step)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from guarantee_tui.services import phone
from guarantee_tui.services.case_files import import_case_file
from tests.strategies import changed, sample, write_case_file


def refs(engine: Engine, query: str) -> list[tuple[str, str]]:
    return [(r.professional_ref, r.matched_on) for r in phone.lookup(engine, query).results]


def test_imported_professionals_are_found(engine: Engine, tmp_path: Path) -> None:
    import_case_file(engine, write_case_file(tmp_path / "a.json", sample()))
    assert refs(engine, "energie") == [("P-1", "company")]
    assert refs(engine, "0184888246") == [("P-1", "phone")]
    assert refs(engine, "contact@energie.fr") == [("P-1", "email")]
    assert refs(engine, "l-1") == [("P-1", "claim")]
    assert refs(engine, "c-3") == [("P-2", "contact")]
    assert refs(engine, "obras") == [("P-2", "company")]


def test_a_new_name_or_claim_is_found_after_a_second_import(engine: Engine, tmp_path: Path) -> None:
    import_case_file(engine, write_case_file(tmp_path / "a.json", sample()))
    doc = changed(sample(), ("professionals", 1, "company_name"), "Remodelações Rocha")
    doc = changed(
        doc,
        ("professionals", 1, "claims"),
        [{"ref": "L-9", "submitted_at": "2026-05-02T10:00:00Z", "explanations": []}],
    )
    import_case_file(engine, write_case_file(tmp_path / "b.json", doc))
    assert refs(engine, "obras") == []
    assert refs(engine, "rocha") == [("P-2", "company")]
    assert refs(engine, "L-9") == [("P-2", "claim")]


def test_an_imported_extension_ligature_or_foreign_code_is_searchable(
    engine: Engine, tmp_path: Path
) -> None:
    doc = changed(sample(), ("professionals", 0, "company_name"), "Cœur de Maçon")
    doc = changed(doc, ("professionals", 0, "phone"), "+33 6 12 34 56 78 poste 12")
    doc = changed(doc, ("professionals", 1, "phone"), "+44 20 7946 0958")
    import_case_file(engine, write_case_file(tmp_path / "a.json", doc))
    assert refs(engine, "coeur") == [("P-1", "company")]
    assert refs(engine, "maçon") == [("P-1", "company")]
    assert [
        (r.professional_ref, r.exact) for r in phone.lookup(engine, "06 12 34 56 78").results
    ] == [("P-1", True)]
    assert refs(engine, "020 7946 0958") == [("P-2", "phone")]
    assert refs(engine, "+44 20 7946 0958") == [("P-2", "phone")]
