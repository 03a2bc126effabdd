"""Migration 0005 re-keys what an older version stored: the professionals' search
keys and the phone desk's tokens, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from guarantee_tui.store import search
from guarantee_tui.store.engine import make_engine
from guarantee_tui.store.migrate import upgrade
from guarantee_tui.text import parse_query

AT = datetime(2026, 1, 1, tzinfo=UTC).isoformat()
# As the version before 0005 stored them: the ligature kept, the extension
# merged into the number, the foreign calling code kept.
OLD = [
    # id, ref, company, phone, company_key, phone_key, tokens
    (
        1,
        "FR-1",
        "Cœur de Maçon",
        "+33 6 12 34 56 78 poste 12",
        "cœur de macon",
        "61234567812",
        [("company", "cœur"), ("company", "de"), ("company", "macon"), ("phone", "61234567812")],
    ),
    (
        2,
        "PT-2",
        "Œuvres Lusas",
        "+44 20 7946 0958",
        "œuvres lusas",
        "442079460958",
        [("company", "œuvres"), ("company", "lusas"), ("phone", "442079460958")],
    ),
]
# More than one batch of the migration, none of them changed.
UNCHANGED = 1100


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def old_database(request: pytest.FixtureRequest, tmp_path: Path) -> Engine:
    if request.param == "sqlite":
        url = str(tmp_path / "old.db")
    else:
        url = request.getfixturevalue("fresh_pg_url")
    engine = make_engine(url, create=True)
    upgrade(engine, "0003_phone_desk")
    with engine.begin() as conn:
        for pid, ref, company, phone, company_key, phone_key, tokens in OLD:
            conn.execute(
                text(
                    "INSERT INTO professionals (id, ref, market, company_name, email, phone, "
                    "created_at, company_key, email_key, phone_key) VALUES "
                    "(:id, :ref, 'FR', :company, NULL, :phone, :at, :ck, NULL, :pk)"
                ),
                {
                    "id": pid,
                    "ref": ref,
                    "company": company,
                    "phone": phone,
                    "at": AT,
                    "ck": company_key,
                    "pk": phone_key,
                },
            )
            conn.execute(
                text(
                    "INSERT INTO search_tokens (professional_id, kind, token) "
                    "VALUES (:pid, :kind, :token)"
                ),
                [{"pid": pid, "kind": k, "token": t} for k, t in [*tokens, ("ref", ref.lower())]],
            )
        conn.execute(
            text(
                "INSERT INTO claims (id, professional_id, ref, submitted_at, status, version) "
                "VALUES (1, 1, 'CL-9', :at, 'open', 1)"
            ),
            {"at": AT},
        )
        conn.execute(
            text("INSERT INTO search_tokens VALUES (1, 'claim', 'cl-9')"),
        )
        conn.execute(
            text(
                "INSERT INTO professionals (id, ref, market, company_name, email, phone, "
                "created_at, company_key, email_key, phone_key) VALUES "
                "(:id, :ref, 'PT', 'Obras Silva', 'geral@silva.pt', '910 000 000', :at, "
                "'obras silva', 'geral@silva.pt', '910000000')"
            ),
            [{"id": 10 + n, "ref": f"PT-{10 + n}", "at": AT} for n in range(UNCHANGED)],
        )
    return engine


def _keys(engine: Engine, pid: int) -> tuple[str, str | None, set[tuple[str, str]]]:
    with engine.connect() as conn:
        company_key, phone_key = conn.execute(
            text("SELECT company_key, phone_key FROM professionals WHERE id = :id"), {"id": pid}
        ).one()
        tokens = {
            (kind, token)
            for kind, token in conn.execute(
                text("SELECT kind, token FROM search_tokens WHERE professional_id = :id"),
                {"id": pid},
            )
        }
    return company_key, phone_key, tokens


def test_the_migration_re_keys_what_was_stored(old_database: Engine) -> None:
    engine = old_database
    upgrade(engine, "0005_search_keys")
    assert _keys(engine, 1) == (
        "coeur de macon",
        "612345678",
        {
            ("company", "coeur"),
            ("company", "de"),
            ("company", "macon"),
            ("phone", "612345678"),
            ("ref", "fr-1"),
            ("claim", "cl-9"),
        },
    )
    assert _keys(engine, 2) == (
        "oeuvres lusas",
        "2079460958",
        {("company", "oeuvres"), ("company", "lusas"), ("phone", "2079460958"), ("ref", "pt-2")},
    )
    # The same function the importer and the seed use, for every batch.
    for pid in (10, 10 + UNCHANGED - 1):
        company_key, phone_key, tokens = _keys(engine, pid)
        assert (company_key, phone_key) == ("obras silva", "910000000")
        assert tokens == search.tokens_for(
            f"PT-{pid}", "Obras Silva", "geral@silva.pt", "910 000 000"
        )
    engine.dispose()


def test_the_re_keyed_database_is_found_by_the_new_queries(old_database: Engine) -> None:
    engine = old_database
    upgrade(engine)
    with engine.connect() as conn:
        for query, pid, matched_on in (
            ("coeur", 1, "company"),
            ("Cœur", 1, "company"),
            ("oeuvres", 2, "company"),
            ("+33 6 12 34 56 78", 1, "phone"),
            ("06 12 34 56 78 poste 12", 1, "phone"),
            ("020 7946 0958", 2, "phone"),
            ("+44 20 7946 0958", 2, "phone"),
        ):
            hits = search.find(conn, parse_query(query))
            assert [(h.professional_id, h.matched_on, h.exact) for h in hits] == [
                (pid, matched_on, True)
            ], query
    engine.dispose()
