"""Normalised search keys and the reading of a search query (guarantee_tui.text)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guarantee_tui.text import (
    MAX_QUERY,
    clean_query,
    email_key,
    fold,
    parse_query,
    phone_key,
    ref_key,
    words,
)


@pytest.mark.parametrize(
    "written",
    [
        "01 84 88 82 46",
        "0184888246",
        "+33 1 84 88 82 46",
        "0033184888246",
        "0033 1 84 88 82 46",
        "+33 (0)1 84 88 82 46",
        "01.84.88.82.46",
        "01-84-88-82-46",
        " 01 84 88 82 46 ",
    ],
)
def test_french_numbers_in_every_usual_writing(written: str) -> None:
    assert phone_key(written) == "184888246"


@pytest.mark.parametrize(
    "written",
    ["+351 910 000 000", "910000000", "00351 910 000 000", "910 000 000", "+351910000000"],
)
def test_portuguese_numbers_in_every_usual_writing(written: str) -> None:
    assert phone_key(written) == "910000000"


def test_the_portuguese_support_line() -> None:
    assert phone_key("308 801 879") == phone_key("+351 308 801 879") == "308801879"


@pytest.mark.parametrize(
    "written",
    [
        "+33 6 12 34 56 78 poste 12",
        "06 12 34 56 78 poste 12",
        "06 12 34 56 78 p. 12",
        "+33 6 12 34 56 78 ext. 12",
        "06.12.34.56.78 x12",
        "0033 6 12 34 56 78 #12",
        "06 12 34 56 78 (bureau)",
    ],
)
def test_an_extension_is_not_part_of_the_number(written: str) -> None:
    assert phone_key(written) == "612345678"


def test_a_portuguese_extension_is_not_part_of_the_number() -> None:
    assert phone_key("+351 210 000 000 extensão 34") == "210000000"


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("+44 20 7946 0958", "2079460958"),
        ("0044 20 7946 0958", "2079460958"),
        ("+41 44 668 18 00", "446681800"),
        ("+1 212 555 0100", "2125550100"),
        # Italian numbers keep their 0 after the calling code.
        ("+39 06 1234 5678", "0612345678"),
        ("+34 912 34 56 78", "912345678"),
    ],
)
def test_a_foreign_calling_code_is_not_part_of_the_number(written: str, key: str) -> None:
    assert phone_key(written) == key


@pytest.mark.parametrize(
    "written",
    [
        "01 84 88 82 46",
        "+33 1 84 88 82 46",
        "0033184888246",
        "+33 (0)1 84 88 82 46",
        "+351 910 000 000",
        "00351 910 000 000",
        "+39 06 1234 5678",
    ],
)
def test_a_number_typed_so_far_gives_the_start_of_its_key(written: str) -> None:
    whole = phone_key(written)
    assert whole is not None
    for end in range(len(written)):
        key = phone_key(written[:end])
        assert key is None or whole.startswith(key), (written[:end], key)


@pytest.mark.parametrize("value", [None, "", "   ", "abc", "+", "()", "0", "00", "poste 12"])
def test_no_digits_no_phone(value: str | None) -> None:
    assert phone_key(value) is None


def test_fold_drops_accents_case_and_extra_spaces() -> None:
    assert fold("  Énergie  PLUS  ") == "energie plus"
    assert fold("Construções Silva, Lda.") == "construcoes silva, lda."
    assert fold("Straße") == "strasse"


def test_fold_spells_ligatures_out() -> None:
    assert fold("Cœur de Maçon") == "coeur de macon"
    assert fold("ŒUVRES Æsir ﬁnitions") == "oeuvres aesir finitions"
    assert words("Cœur de Maçon") == ("coeur", "de", "macon")


@given(st.text(max_size=200))
def test_fold_is_plain_lower_case_ascii_and_stable(value: str) -> None:
    folded = fold(value)
    assert folded.isascii()
    assert folded == folded.casefold() == folded.strip()
    assert "  " not in folded
    assert fold(folded) == folded


def test_email_keys_ignore_case_and_spaces_around() -> None:
    assert email_key("  Contact@Dupont.FR ") == "contact@dupont.fr"
    assert email_key("   ") is None
    assert email_key(None) is None


def test_words_are_folded_and_each_comes_once() -> None:
    assert words("Rénovation Dupont-Fils & Fils") == ("renovation", "dupont", "fils")
    assert words("[b]x[/b] [link=x]y[/link]") == ("b", "x", "link", "y")
    assert words("!!! --- ...") == ()
    assert words("snake_case") == ("snake", "case")


def test_ref_keys_ignore_case() -> None:
    assert ref_key(" CL-000123 ") == "cl-000123"
    assert ref_key("") is None


def test_clean_query_removes_what_no_database_stores() -> None:
    assert clean_query("a\x00b\tc\n d\u200b\ud800") == "ab c d"
    assert clean_query("  geral@silva.pt  ") == "geral@silva.pt"


# --- reading a query ----------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["01 84 88 82 46", "0184888246", "+33 1 84 88 82 46", "0033184888246", "(01) 84.88.82.46"],
)
def test_a_phone_number_is_read_as_one(query: str) -> None:
    q = parse_query(query)
    assert q.phone == "184888246"
    assert q.email is None
    assert q.words == ()


def test_a_short_number_is_not_a_phone_yet() -> None:
    q = parse_query("01 84")
    assert q.phone is None
    assert q.words == ("01", "84")


def test_an_e_mail_is_read_as_one() -> None:
    q = parse_query(" GERAL@Silva.PT ")
    assert q.email == "geral@silva.pt"
    assert q.phone is None
    assert q.words == ()


def test_a_start_of_e_mail_is_an_e_mail() -> None:
    assert parse_query("geral@").email == "geral@"


def test_a_ref_is_read_without_case() -> None:
    q = parse_query("cl-000123")
    assert q.ref == "cl-000123"
    assert q.phone is None
    assert not q.phone_with_letters


def test_company_words() -> None:
    q = parse_query("Rénovation dupont")
    assert q.words == ("renovation", "dupont")
    assert q.ref is None  # a space: not a ref


@pytest.mark.parametrize(
    "query", ["+33 6 12 34 56 78 poste 12", "06 12 34 56 78 ext. 12", "06 12 34 56 78 #12"]
)
def test_a_number_pasted_with_its_extension_is_read_as_one(query: str) -> None:
    q = parse_query(query)
    assert q.phone == "612345678"
    assert q.words == ()
    assert not q.phone_with_letters


def test_letters_in_a_phone_number_are_noticed() -> None:
    q = parse_query("01 84 88 8x 46")
    assert q.phone is None
    assert q.phone_with_letters


@pytest.mark.parametrize("query", ["", "   ", "\x00\x01"])
def test_nothing_typed(query: str) -> None:
    q = parse_query(query)
    assert q.raw == ""
    assert q.empty


@pytest.mark.parametrize("query", ["!!!", "...", "--", "%", "_", "@", "[]", "'\""])
def test_only_punctuation_searches_nothing(query: str) -> None:
    q = parse_query(query)
    assert q.empty or (q.email is not None and not q.words)


def test_a_very_long_query_is_refused_before_any_search() -> None:
    q = parse_query("a" * (MAX_QUERY + 1))
    assert q.too_long
    assert q.empty


def test_sql_and_markup_are_just_text() -> None:
    q = parse_query("'; DROP TABLE professionals; --")
    assert q.words == ("drop", "table", "professionals")
    assert parse_query("[b]x[/b]").words == ("b", "x")


@given(st.text(max_size=300))
def test_any_text_is_read_without_error(value: str) -> None:
    q = parse_query(value)
    assert len(q.raw) <= MAX_QUERY
    for key in (q.phone, q.email, q.ref, *q.words):
        if key is not None:
            key.encode("utf-8")  # storable: no surrogates
            assert "\x00" not in key
