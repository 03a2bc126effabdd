"""The phone desk's queries: tokens, matching, ranking, and that every query is an
index seek (store/search.py), on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, select, text, update

from guarantee_tui.policy import Market
from guarantee_tui.store import search
from guarantee_tui.store.engine import make_engine
from guarantee_tui.store.migrate import upgrade
from guarantee_tui.store.models import Professional, SearchToken
from guarantee_tui.text import parse_query
from tests.builders import claim_for, eligible_professional, tagged
from tests.store.helpers import insert

PEOPLE = [
    # tag, market, company, e-mail, phone, claim ref
    ("A", Market.FR, "Rénovation Dupont", "contact@dupont.fr", "01 84 88 82 46", "CL-000123"),
    ("B", Market.FR, "Dupont & Fils Plomberie", "Plombier_Dupont@Fils.fr", "06 12 34 56 78", None),
    ("C", Market.PT, "Construções Silva, Lda.", "geral@silva.pt", "+351 910 000 000", "CL-000124"),
    ("D", Market.PT, "Remodelações Ferreira", "ferreira@x.pt", "912 345 678", None),
    ("E", Market.FR, "[b]x[/b] [link=x]y[/link]", "markup@x.fr", None, None),
    ("F", Market.FR, "Énergie Rénov 100%", None, "+33 1 84 88 82 47", None),
    ("G", Market.FR, "Cœur de Maçon", None, "+33 6 98 76 54 32 poste 12", None),
    ("H", Market.PT, "Œuvres Lusas", None, "+44 20 7946 0958", None),
]


@pytest.fixture
def people(engine: Engine) -> Engine:
    for tag, market, company, email, phone, claim_ref in PEOPLE:
        pro = tagged(eligible_professional(market, n=3), tag)
        claims = [replace(claim_for(pro), ref=claim_ref)] if claim_ref else []
        insert(engine, pro, *claims, company=company, email=email, phone=phone)
    return engine


def found(engine: Engine, query: str, limit: int = 50) -> list[tuple[str, str, bool]]:
    with engine.connect() as conn:
        hits = search.find(conn, parse_query(query), limit)
        rows = search.professionals(conn, [h.professional_id for h in hits])
    return [(rows[h.professional_id].ref[0], h.matched_on, h.exact) for h in hits]


def tags(engine: Engine, query: str) -> list[str]:
    return [tag for tag, _, _ in found(engine, query)]


# --- tokens ---------------------------------------------------------------------


def test_tokens_of_a_professional() -> None:
    assert search.tokens_for(
        "FR-00001", "Rénovation Dupont-Fils", " Contact@Dupont.FR", "+33 1 84 88 82 46", ["CL-1"]
    ) == {
        ("company", "renovation"),
        ("company", "dupont"),
        ("company", "fils"),
        ("email", "contact@dupont.fr"),
        ("phone", "184888246"),
        ("ref", "fr-00001"),
        ("claim", "cl-1"),
    }


def test_tokens_of_a_number_with_an_extension_and_a_ligature() -> None:
    assert search.tokens_for("FR-2", "Cœur", None, "+33 6 12 34 56 78 poste 12") == {
        ("company", "coeur"),
        ("phone", "612345678"),
        ("ref", "fr-2"),
    }


def test_tokens_without_e_mail_or_phone() -> None:
    assert search.tokens_for("X-1", "!!!", None, "n/a") == {("ref", "x-1")}


@pytest.mark.parametrize(
    ("prefix", "bound"),
    [
        ("abc", "abd"),
        ("a", "b"),
        ("09", "0:"),
        ("\ud7ff", "\ue000"),
        ("a\U0010ffff", "b"),
        ("", None),
    ],
)
def test_upper_bound_of_a_prefix(prefix: str, bound: str | None) -> None:
    assert search.upper_bound(prefix) == bound


# --- matching -------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["01 84 88 82 46", "0184888246", "+33 1 84 88 82 46", "0033184888246"]
)
def test_a_phone_in_any_writing(people: Engine, query: str) -> None:
    assert found(people, query)[0] == ("A", "phone", True)


def test_a_phone_prefix_lists_the_exact_number_first(people: Engine) -> None:
    assert tags(people, "01 84 88 82") == ["A", "F"]
    assert [e for _, _, e in found(people, "01 84 88 82")] == [False, False]
    assert tags(people, "0184888247") == ["F"]


@pytest.mark.parametrize("query", ["+351 910 000 000", "910000000", "910 000 000"])
def test_a_portuguese_phone(people: Engine, query: str) -> None:
    assert found(people, query) == [("C", "phone", True)]


@pytest.mark.parametrize(
    "query", ["06 98 76 54 32", "+33 6 98 76 54 32", "+33 6 98 76 54 32 poste 12"]
)
def test_an_extension_is_not_part_of_the_stored_number(people: Engine, query: str) -> None:
    assert found(people, query) == [("G", "phone", True)]


@pytest.mark.parametrize("query", ["+44 20 7946 0958", "0044 20 7946 0958", "020 7946 0958"])
def test_a_foreign_number_is_found_in_its_usual_writings(people: Engine, query: str) -> None:
    assert found(people, query) == [("H", "phone", True)]


def test_ligatures_are_spelled_out(people: Engine) -> None:
    assert found(people, "coeur") == [("G", "company", True)]
    assert found(people, "Cœur") == [("G", "company", True)]
    assert tags(people, "COEUR mac") == ["G"]
    assert tags(people, "oeuvre") == ["H"]


def test_e_mail_ignores_case(people: Engine) -> None:
    assert found(people, "GERAL@SILVA.PT") == [("C", "email", True)]
    assert found(people, "plombier_dupont@") == [("B", "email", False)]


def test_underscore_and_percent_are_not_wildcards(people: Engine) -> None:
    assert found(people, "plombier%dupont@") == []
    assert tags(people, "plombier_") == ["B"]  # a start of an e-mail, literally
    assert tags(people, "plombierxdupont@fils.fr") == []


def test_company_partial_accent_and_case_insensitive(people: Engine) -> None:
    assert tags(people, "dupont") == ["A", "B"]
    assert tags(people, "DUP") == ["A", "B"]
    assert tags(people, "renovation") == ["A"]
    assert tags(people, "rénov") == ["F", "A"]  # the whole word "renov" first
    assert tags(people, "construcoes") == ["C"]
    assert tags(people, "Construções silva") == ["C"]


def test_every_word_must_match(people: Engine) -> None:
    assert tags(people, "dupont fils") == ["B"]
    assert tags(people, "fils dupont") == ["B"]
    assert tags(people, "dupont ferreira") == []


def test_markup_in_a_company_name_is_just_words(people: Engine) -> None:
    assert tags(people, "[b]x[/b]") == ["E"]
    assert tags(people, "[link=x]") == ["E"]


def test_refs_ignore_case_and_may_be_cut(people: Engine) -> None:
    assert found(people, "a-fr-0001") == [("A", "ref", True)]
    assert found(people, "A-FR-0001") == [("A", "ref", True)]
    assert found(people, "c-pt-00") == [("C", "ref", False)]


def test_a_claim_ref(people: Engine) -> None:
    assert found(people, "CL-000123") == [("A", "claim", True)]
    assert found(people, "cl-000124") == [("C", "claim", True)]
    assert tags(people, "cl-00012") == ["A", "C"]


def test_a_contact_ref_exactly_in_any_case(people: Engine) -> None:
    assert found(people, "D-L-02") == [("D", "contact", True)]
    assert found(people, "d-l-02") == [("D", "contact", True)]
    assert found(people, "d-l-0") == []  # contacts are matched whole


def test_letters_alone_do_not_list_a_market(people: Engine) -> None:
    assert tags(people, "fr") == []


def test_results_are_limited_and_each_professional_comes_once(people: Engine) -> None:
    assert len(tags(people, "x")) == len(set(tags(people, "x")))
    assert len(found(people, "dupont", limit=1)) == 1


@pytest.mark.parametrize(
    "query",
    [
        "",
        "!!!",
        "%",
        "_",
        "'; DROP TABLE professionals; --",
        "\x00@x",
        "a\ud800@b",
        "€" * 300,
        "[/]",
        "0" * 40,
        "@@@@",
    ],
)
def test_odd_queries_find_nothing_and_break_nothing(people: Engine, query: str) -> None:
    assert found(people, query) == []
    with people.connect() as conn:
        assert conn.execute(select(Professional.id)).first() is not None


# --- keeping tokens in step ------------------------------------------------------


def test_sync_follows_a_change_of_name(people: Engine) -> None:
    with people.begin() as conn:
        conn.execute(
            update(Professional)
            .where(Professional.ref == "D-PT-0001")
            .values(company_name="Obras Ferreira & Filhos")
        )
        pid = conn.execute(
            select(Professional.id).where(Professional.ref == "D-PT-0001")
        ).scalar_one()
        search.sync(conn, [pid])
    assert tags(people, "obras") == ["D"]
    assert tags(people, "remodelacoes") == []


def test_rebuild_makes_the_same_tokens(people: Engine) -> None:
    def all_tokens() -> set[tuple[int, str, str]]:
        with people.connect() as conn:
            return {tuple(r) for r in conn.execute(select(SearchToken))}  # type: ignore[misc]

    before = all_tokens()
    with people.begin() as conn:
        conn.execute(delete(SearchToken))
        assert search.rebuild(conn) == len(PEOPLE)
    assert all_tokens() == before


def test_deleting_a_professional_deletes_their_tokens(people: Engine) -> None:
    with people.begin() as conn:
        conn.execute(delete(Professional).where(Professional.ref == "A-FR-0001"))
    assert tags(people, "renovation") == []


def test_the_migration_fills_the_tokens_of_an_existing_database(tmp_path: Path) -> None:
    engine = make_engine(str(tmp_path / "old.db"), create=True)
    upgrade(engine, "0002_workflow")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO professionals (id, ref, market, company_name, email, phone, "
                "created_at, company_key, email_key, phone_key) VALUES "
                "(1, 'FR-1', 'FR', 'Rénovation Dupont', 'A@B.fr', '01 84 88 82 46', "
                ":at, 'renovation dupont', 'a@b.fr', '184888246')"
            ),
            {"at": datetime(2026, 1, 1, tzinfo=UTC).isoformat()},
        )
    upgrade(engine)
    assert found(engine, "dupont") == [("F", "company", True)]
    assert found(engine, "+33184888246") == [("F", "phone", True)]
    engine.dispose()


# --- every query is an index seek ------------------------------------------------

PLANNED = [
    "01 84 88 82 46",
    "geral@silva.pt",
    "cl-000123",
    "fr",
    "dupont",
    "dupont fils renovation",
    "d-l-02",
]


@pytest.mark.parametrize("query", PLANNED)
def test_sqlite_uses_an_index_for_every_query(sqlite_path: Path, query: str) -> None:
    engine = make_engine(str(sqlite_path))
    statements = search.statements(parse_query(query))
    assert statements
    with engine.connect() as conn:
        for s in statements:
            compiled = s.statement.compile(conn, compile_kwargs={"literal_binds": True})
            plan = [row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}").all()]
            scans = [step for step in plan if step.startswith("SCAN")]
            assert not scans, (s.matched_on, plan)
            assert any("INDEX" in step or "PRIMARY KEY" in step for step in plan), plan
    engine.dispose()


@pytest.mark.pg
@pytest.mark.parametrize("query", PLANNED)
def test_postgresql_can_use_an_index_for_every_query(pg_url: str, query: str) -> None:
    engine = make_engine(pg_url)
    with engine.connect() as conn:
        conn.exec_driver_sql("SET enable_seqscan = off")
        for s in search.statements(parse_query(query)):
            compiled = s.statement.compile(conn, compile_kwargs={"literal_binds": True})
            plan = "\n".join(r[0] for r in conn.exec_driver_sql(f"EXPLAIN {compiled}").all())
            assert "Seq Scan" not in plan, (s.matched_on, plan)
    engine.dispose()
