"""Importing case files: refs are the keys, twice is once, a bad file changes nothing."""

from __future__ import annotations

import io
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, text, update

from guarantee_tui.i18n import translator
from guarantee_tui.services.case_files import (
    CaseFileChanged,
    Counts,
    ImportConflict,
    ImportReport,
    InvalidCaseFile,
    describe_report,
    export_case_file,
    import_case_file,
    importer,
    validate,
)
from guarantee_tui.services.case_files.validate import validate_case_file
from guarantee_tui.services.case_files.writer import ChunkWriter
from guarantee_tui.store.engine import make_engine
from guarantee_tui.store.errors import DatabaseMissing, SchemaEmpty, SchemaNewer
from guarantee_tui.store.location import SCHEMA_REVISION
from guarantee_tui.store.models import Claim, ContactPurchase, Explanation, Professional
from tests.strategies import DELETE, FORMAT, changed, sample, write_case_file

EN = translator("en")
P0 = ("professionals", 0)
KEYED = ("contact_purchases", "reviews", "claims")


def export(engine: Engine) -> str:
    out = io.StringIO()
    export_case_file(engine, out, client_data=True)
    return out.getvalue()


def load(engine: Engine, tmp_path: Path, doc: Any, name: str = "f.json") -> ImportReport:
    return import_case_file(engine, write_case_file(tmp_path / name, doc))


def counts(report: ImportReport) -> dict[str, tuple[int, int, int]]:
    kinds = ("professionals", "contact_purchases", "reviews", "claims", "explanations")
    return {k: (c.new, c.updated, c.unchanged) for k in kinds for c in [getattr(report, k)]}


def scalar(engine: Engine, stmt: Any) -> Any:
    with engine.connect() as conn:
        return conn.execute(stmt).scalar_one()


def test_a_first_import_counts_everything_new(engine: Engine, tmp_path: Path) -> None:
    report = load(engine, tmp_path, sample())
    assert counts(report) == {
        "professionals": (2, 0, 0),
        "contact_purchases": (3, 0, 0),
        "reviews": (2, 0, 0),
        "claims": (1, 0, 0),
        "explanations": (2, 0, 0),
    }
    assert report.changed
    assert not report.created_database


def test_importing_twice_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    load(engine, tmp_path, sample())
    before = export(engine)
    version = scalar(engine, select(Claim.version))
    report = load(engine, tmp_path, sample())
    assert counts(report) == {
        "professionals": (0, 0, 2),
        "contact_purchases": (0, 0, 3),
        "reviews": (0, 0, 2),
        "claims": (0, 0, 1),
        "explanations": (0, 0, 2),
    }
    assert not report.changed
    assert export(engine) == before
    assert scalar(engine, select(Claim.version)) == version


def test_the_report_in_words(tmp_path: Path) -> None:
    report = ImportReport(
        source=Path("cases.json"),
        professionals=Counts(12, 3, 1045),
        contact_purchases=Counts(1, 0, 0),
        reviews=Counts(),
        claims=Counts(0, 2, 0),
        explanations=Counts(0, 0, 1),
    )
    assert describe_report(report, EN) == (
        "Imported cases.json: 1,060 professionals (12 new, 3 updated, 1,045 unchanged); "
        "1 contact purchase (1 new, 0 updated, 0 unchanged); "
        "0 reviews (0 new, 0 updated, 0 unchanged); "
        "2 claims (0 new, 2 updated, 0 unchanged); "
        "1 explanation (0 new, 0 updated, 1 unchanged)."
    )


def test_the_same_instants_in_other_offsets_are_unchanged(engine: Engine, tmp_path: Path) -> None:
    load(engine, tmp_path, sample())
    doc = changed(sample(), (*P0, "created_at"), "2026-01-05T08:00:00Z")
    doc = changed(doc, (*P0, "contact_purchases", 0, "purchased_at"), "2026-01-10T12:00:00+02:00")
    assert not load(engine, tmp_path, doc).changed


def test_a_changed_record_is_updated(engine: Engine, tmp_path: Path) -> None:
    load(engine, tmp_path, sample())
    doc = changed(sample(), (*P0, "company_name"), "Énergie Moins")
    doc = changed(doc, (*P0, "email"), "NEW@example.PT")
    doc = changed(doc, (*P0, "contact_purchases", 1, "price_credits"), 16)
    doc = changed(doc, (*P0, "reviews", 1, "rating"), 4)
    report = load(engine, tmp_path, doc)
    assert counts(report) == {
        "professionals": (0, 1, 1),
        "contact_purchases": (0, 1, 2),
        "reviews": (0, 1, 1),
        "claims": (0, 0, 1),
        "explanations": (0, 0, 2),
    }
    with engine.connect() as conn:
        row = conn.execute(select(Professional).where(Professional.ref == "P-1")).one()
        price = conn.execute(
            select(ContactPurchase.price_credits).where(ContactPurchase.ref == "C-2")
        ).scalar_one()
    assert (row.company_name, row.company_key) == ("Énergie Moins", "energie moins")
    assert (row.email, row.email_key) == ("NEW@example.PT", "new@example.pt")
    assert row.phone_key == "184888246"
    assert price == 16


def test_keys_the_file_leaves_out_keep_what_is_stored(engine: Engine, tmp_path: Path) -> None:
    load(engine, tmp_path, sample())
    before = export(engine)
    doc = sample()
    pro = doc["professionals"][0]
    for key in ("email", "phone", "profile_completeness", "trust_labels", "packs"):
        del pro[key]
    del pro["payment_incidents"]
    for key in ("first_contacted_at", "job_won", "client_name", "city"):
        del pro["contact_purchases"][0][key]
    del pro["reviews"][0]["contact_ref"]
    del pro["reviews"][0]["text"]
    del pro["claims"][0]["status"]
    del pro["claims"][0]["explanations"][0]["verification"]
    assert not load(engine, tmp_path, doc).changed
    # Keyed records absent from the file are not deleted either.
    del pro["contact_purchases"][1]
    del pro["reviews"]
    del pro["claims"][0]["explanations"]
    del doc["professionals"][1]
    assert not load(engine, tmp_path, doc).changed
    assert export(engine) == before


def test_null_clears_a_value(engine: Engine, tmp_path: Path) -> None:
    load(engine, tmp_path, sample())
    doc = changed(sample(), (*P0, "contact_purchases", 0, "first_contacted_at"), None)
    doc = changed(doc, (*P0, "reviews", 0, "contact_ref"), None)
    report = load(engine, tmp_path, doc)
    assert (report.contact_purchases.updated, report.reviews.updated) == (1, 1)
    with engine.connect() as conn:
        first = conn.execute(
            select(ContactPurchase.first_contacted_at).where(ContactPurchase.ref == "C-1")
        ).scalar_one()
    assert first is None


def test_a_keyless_collection_given_replaces_the_stored_one(engine: Engine, tmp_path: Path) -> None:
    load(engine, tmp_path, sample())
    # The same entries in another order are the same collection.
    labels = sample()["professionals"][0]["trust_labels"]
    doc = changed(sample(), (*P0, "trust_labels"), list(reversed(labels)))
    assert not load(engine, tmp_path, doc).changed

    doc = changed(sample(), (*P0, "trust_labels"), [])
    doc = changed(doc, (*P0, "packs", 0, "price_eur"), 39)
    doc = changed(
        doc, (*P0, "profile_completeness"), [{"at": "2026-03-01T00:00:00Z", "percent": 80}]
    )
    report = load(engine, tmp_path, doc)
    assert (report.professionals.updated, report.professionals.unchanged) == (1, 1)
    exported = export(engine)
    assert '"trust_labels": [], "packs": [{"name": "Pro"' in exported
    assert '"price_eur": 39.0' in exported
    assert '"profile_completeness": [{"at": "2026-03-01T00:00:00Z", "percent": 80}]' in exported


def _verify(engine: Engine, contact_ref: str, verification: str) -> None:
    """What an agent's verification writes."""
    with engine.begin() as conn:
        conn.execute(
            update(Explanation)
            .where(Explanation.contact_ref == contact_ref)
            .values(
                verification=verification,
                verified_by="agent-7",
                verified_at=datetime(2026, 5, 2, tzinfo=UTC),
                verification_note="called the client",
            )
        )


def _explanation(engine: Engine, contact_ref: str) -> tuple[Any, ...]:
    with engine.connect() as conn:
        row = conn.execute(
            select(
                Explanation.text,
                Explanation.verification,
                Explanation.verified_by,
                Explanation.verified_at,
                Explanation.verification_note,
            ).where(Explanation.contact_ref == contact_ref)
        ).one()
    return tuple(row)


def test_a_verification_survives_an_import_without_one(engine: Engine, tmp_path: Path) -> None:
    load(engine, tmp_path, sample())
    _verify(engine, "C-2", "truthful")
    assert not load(engine, tmp_path, sample()).changed
    assert _explanation(engine, "C-2")[1:3] == ("truthful", "agent-7")


def test_a_new_text_clears_the_verification(engine: Engine, tmp_path: Path) -> None:
    load(engine, tmp_path, sample())
    _verify(engine, "C-2", "truthful")
    version = scalar(engine, select(Claim.version))
    text_path = (*P0, "claims", 0, "explanations", 1, "text")
    report = load(engine, tmp_path, changed(sample(), text_path, "Number no longer exists."))
    assert (report.claims.updated, report.explanations.updated) == (1, 1)
    assert _explanation(engine, "C-2") == ("Number no longer exists.", None, None, None, None)
    assert scalar(engine, select(Claim.version)) == version + 1


def test_a_verification_given_by_the_file_is_set(engine: Engine, tmp_path: Path) -> None:
    load(engine, tmp_path, sample())
    _verify(engine, "C-1", "truthful")
    where = (*P0, "claims", 0, "explanations", 0, "verification")
    # The same verdict keeps who gave it.
    assert not load(engine, tmp_path, changed(sample(), where, "truthful")).changed
    assert _explanation(engine, "C-1")[2] == "agent-7"
    # Another one replaces it, and who gave the old one no longer holds.
    load(engine, tmp_path, changed(sample(), where, "untruthful"))
    assert _explanation(engine, "C-1") == ("No answer.", "untruthful", None, None, None)
    # The sample's explicit null clears it again.
    load(engine, tmp_path, sample())
    assert _explanation(engine, "C-1")[1] is None


def test_a_claim_status_is_set_only_when_given(engine: Engine, tmp_path: Path) -> None:
    doc = changed(sample(), (*P0, "claims", 0, "status"), DELETE)
    load(engine, tmp_path, doc)
    assert scalar(engine, select(Claim.status)) == "open"
    assert scalar(engine, select(Claim.version)) == 1
    with engine.begin() as conn:
        conn.execute(update(Claim).values(status="approved", version=3))
    assert not load(engine, tmp_path, doc).changed
    assert scalar(engine, select(Claim.status)) == "approved"
    report = load(engine, tmp_path, sample())
    assert report.claims.updated == 1
    assert (scalar(engine, select(Claim.status)), scalar(engine, select(Claim.version))) == (
        "open",
        4,
    )


def test_new_explanations_of_an_existing_claim(engine: Engine, tmp_path: Path) -> None:
    doc = changed(sample(), (*P0, "claims", 0, "explanations"), [])
    load(engine, tmp_path, doc)
    report = load(engine, tmp_path, sample())
    assert counts(report)["explanations"] == (2, 0, 0)
    assert counts(report)["claims"] == (0, 1, 0)
    assert scalar(engine, select(Claim.version)) == 2


def test_claims_of_changed_professionals_get_their_verdict_refreshed(
    engine: Engine, tmp_path: Path
) -> None:
    first = datetime(2026, 6, 1, tzinfo=UTC)
    import_case_file(engine, write_case_file(tmp_path / "f.json", sample()), at=first)
    stored = select(Claim.verdict, Claim.recommended_action, Claim.checked_at)
    verdict, action, checked = scalar_row(engine, stored)
    assert (verdict, action, checked) == ("not_eligible", "reject", first)
    # Nothing changed: nothing is written, not even the verdict.
    later = datetime(2026, 7, 1, tzinfo=UTC)
    import_case_file(engine, write_case_file(tmp_path / "f.json", sample()), at=later)
    assert scalar_row(engine, stored)[2] == first
    # A purchase of the claim's professional changed: its verdict is computed again.
    doc = changed(sample(), (*P0, "contact_purchases", 1, "price_credits"), 1)
    import_case_file(engine, write_case_file(tmp_path / "f.json", doc), at=later)
    assert scalar_row(engine, stored)[2] == later


def scalar_row(engine: Engine, stmt: Any) -> tuple[Any, ...]:
    with engine.connect() as conn:
        return tuple(conn.execute(stmt).one())


def test_small_chunks_give_the_same_result(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(engine, tmp_path, sample())
    expected = export(engine)
    with engine.begin() as conn:
        for table in ("explanations", "claims", "reviews", "contact_purchases", "professionals"):
            conn.execute(text(f"DELETE FROM {table}"))
    monkeypatch.setattr(validate, "CHUNK_SIZE", 1)
    monkeypatch.setattr(importer, "CHUNK_SIZE", 1)
    load(engine, tmp_path, sample())
    assert export(engine) == expected
    assert not load(engine, tmp_path, sample()).changed
    # A duplicate across chunks is still one.
    doc = changed(sample(), ("professionals", 1, "contact_purchases", 0, "ref"), "C-2")
    with pytest.raises(InvalidCaseFile, match="duplicate ref"):
        load(engine, tmp_path, doc)


# --- nothing or everything --------------------------------------------------------


def test_a_bad_file_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    load(engine, tmp_path, sample())
    before = export(engine)
    doc = changed(sample(), (*P0, "company_name"), "Changed")
    doc = changed(doc, ("professionals", 1, "created_at"), "2026-01-07T09:00:00")
    with pytest.raises(InvalidCaseFile):
        load(engine, tmp_path, doc)
    assert export(engine) == before


def test_a_failure_while_writing_changes_nothing(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(engine, tmp_path, changed(sample(), (*P0, "company_name"), "Before"))
    before = export(engine)
    monkeypatch.setattr(importer, "CHUNK_SIZE", 1)
    calls = []
    write = ChunkWriter.write

    def failing(self: ChunkWriter, chunk: Any) -> None:
        calls.append(chunk)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        write(self, chunk)

    monkeypatch.setattr(ChunkWriter, "write", failing)
    with pytest.raises(RuntimeError):
        load(engine, tmp_path, sample())
    assert export(engine) == before


def test_a_file_changed_between_the_passes_changes_nothing(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(engine, tmp_path, sample())
    before = export(engine)
    path = write_case_file(tmp_path / "f.json", changed(sample(), (*P0, "company_name"), "New"))

    def validate_then_edit(source: Path, owners: Any) -> bytes:
        digest = validate_case_file(source, owners)
        write_case_file(source, changed(sample(), (*P0, "company_name"), "Newer"))
        return digest

    monkeypatch.setattr(importer, "validate_case_file", validate_then_edit)
    with pytest.raises(CaseFileChanged) as info:
        import_case_file(engine, path)
    assert info.value.describe(EN) == (
        f"{path} changed while it was being imported; nothing was imported. Import it again."
    )
    assert export(engine) == before


def test_a_conflict_found_only_by_the_database_changes_nothing(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As if another writer had added C-1 under P-1 after the file was validated.
    load(engine, tmp_path, sample())
    before = export(engine)
    monkeypatch.setattr(
        importer,
        "validate_case_file",
        lambda source, owners: validate_case_file(source, None),
    )
    first = {k: v for k, v in sample()["professionals"][0].items() if k not in KEYED}
    pro = changed(sample()["professionals"][1], ("contact_purchases", 0, "ref"), "C-1")
    doc = {"format": FORMAT, "professionals": [first, pro]}
    path = write_case_file(tmp_path / "f.json", doc)
    with pytest.raises(ImportConflict) as info:
        import_case_file(engine, path)
    assert info.value.describe(EN) == (
        f'The database changed while {path} was being imported: "C-1" now belongs to another '
        "professional. Nothing was imported; import the file again."
    )
    # The same, for a professional the chunk does not hold: the unique index says so.
    pro = {**pro, "ref": "P-3"}
    path = write_case_file(tmp_path / "f.json", {"format": FORMAT, "professionals": [pro]})
    with pytest.raises(ImportConflict) as info:
        import_case_file(engine, path)
    assert info.value.describe(EN).startswith(
        f"The database changed while {path} was being imported ("
    )
    assert export(engine) == before


# --- the database itself ------------------------------------------------------------


def test_a_new_sqlite_database_is_created_after_validation(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    engine = make_engine(str(db), create=True)
    try:
        with pytest.raises(InvalidCaseFile):
            load(engine, tmp_path, changed(sample(), (*P0, "market"), "ES"))
        assert list(tmp_path.glob("new.db*")) == []
        report = load(engine, tmp_path, sample())
        assert report.created_database
        assert report.professionals.new == 2
        assert not load(engine, tmp_path, sample()).changed
    finally:
        engine.dispose()


def test_an_empty_database_gets_the_tables(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    sqlite3.connect(db).close()
    engine = make_engine(str(db))
    try:
        report = load(engine, tmp_path, sample())
        assert not report.created_database
        assert report.professionals.new == 2
    finally:
        engine.dispose()


@pytest.mark.pg
def test_an_empty_postgresql_database_gets_the_tables(fresh_pg_url: str, tmp_path: Path) -> None:
    engine = make_engine(fresh_pg_url)
    try:
        with pytest.raises(InvalidCaseFile):
            load(engine, tmp_path, changed(sample(), (*P0, "market"), "ES"))
        with engine.connect() as conn:
            assert (
                conn.execute(
                    text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
                ).scalar_one()
                == 0
            )
        assert load(engine, tmp_path, sample()).professionals.new == 2
    finally:
        engine.dispose()


def test_without_create_schema_a_missing_database_is_an_error(tmp_path: Path) -> None:
    engine = make_engine(str(tmp_path / "none.db"), create=True)
    path = write_case_file(tmp_path / "f.json", sample())
    with pytest.raises(DatabaseMissing):
        import_case_file(engine, path, create_schema=False)
    sqlite3.connect(tmp_path / "empty.db").close()
    with pytest.raises(SchemaEmpty):
        import_case_file(make_engine(str(tmp_path / "empty.db")), path, create_schema=False)


def test_a_database_at_another_revision_is_refused(engine: Engine, tmp_path: Path) -> None:
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    try:
        with pytest.raises(SchemaNewer):
            load(engine, tmp_path, sample())
    finally:
        # The PostgreSQL database is shared by the tests of this process.
        with engine.begin() as conn:
            conn.execute(text(f"UPDATE alembic_version SET version_num = '{SCHEMA_REVISION}'"))
