"""`guarantee-tui lookup`: the phone desk's search for scripts."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine

from guarantee_tui.cli import main
from guarantee_tui.policy import Market
from tests.builders import eligible_professional, tagged
from tests.store.helpers import insert


@pytest.fixture
def database(db_url: str, engine: Engine) -> str:
    insert(
        engine,
        tagged(eligible_professional(Market.FR), "A"),
        company="Rénovation Dupont",
        email="contact@dupont.fr",
        phone="01 84 88 82 46",
    )
    insert(
        engine,
        tagged(eligible_professional(Market.PT), "C"),
        company="Construções Silva [b]Lda[/b]",
        email="geral@silva.pt",
        phone="+351 910 000 000",
    )
    return db_url


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_json_lists_who_was_found_and_how(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "lookup", "0033184888246", "--json", "--db", database)
    assert status == 0, err
    assert json.loads(out) == [
        {
            "professional": "A-FR-0001",
            "company": "Rénovation Dupont",
            "market": "FR",
            "matched_on": "phone",
        }
    ]


# The writings the README promises.
@pytest.mark.parametrize(
    ("query", "professional"),
    [
        ("01 84 88 82 46", "A-FR-0001"),
        ("+33 1 84 88 82 46", "A-FR-0001"),
        ("0033184888246", "A-FR-0001"),
        ("+351 910 000 000", "C-PT-0001"),
    ],
)
def test_a_phone_in_every_writing_of_the_readme(
    database: str, capsys: pytest.CaptureFixture[str], query: str, professional: str
) -> None:
    status, out, _ = run(capsys, "lookup", query, "--json", "--db", database)
    assert status == 0
    assert [(r["professional"], r["matched_on"]) for r in json.loads(out)] == [
        (professional, "phone")
    ]


@pytest.mark.parametrize(
    ("query", "matched_on"),
    [
        ("GERAL@silva.pt", "email"),
        ("construcoes", "company"),
        ("sil", "company"),
        ("CONSTRUÇÕES", "company"),
        ("c-pt-0001", "ref"),
        ("C-L-05", "contact"),
        ("910 000 000", "phone"),
    ],
)
def test_each_kind_of_query(
    database: str, capsys: pytest.CaptureFixture[str], query: str, matched_on: str
) -> None:
    status, out, _ = run(capsys, "lookup", query, "--json", "--db", database)
    assert status == 0
    (row,) = json.loads(out)
    assert row["professional"] == "C-PT-0001"
    assert row["matched_on"] == matched_on


def test_a_table_for_people(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--lang", "fr", "lookup", "silva", "--db", database)
    assert status == 0
    assert "C-PT-0001" in out
    assert "[b]Lda[/b]" in out  # markup shown as typed
    assert "geral@silva.pt" in out


@pytest.mark.parametrize("query", ["nobody", "", "!!!", "x" * 500, "'; DROP TABLE x; --"])
def test_nobody_found_exits_with_one_and_a_hint(
    database: str, capsys: pytest.CaptureFixture[str], query: str
) -> None:
    status, out, err = run(capsys, "lookup", query, "--db", database)
    assert status == 1
    assert out == ""
    assert err.strip()
    status, out, err = run(capsys, "lookup", query, "--json", "--db", database)
    assert status == 1
    assert json.loads(out) == []


def test_a_missing_database_is_a_mistake(
    tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run(capsys, "lookup", "x", "--db", f"{tmp_path}/none.db")
    assert status == 2
    assert "none.db" in err
