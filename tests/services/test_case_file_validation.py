"""A bad case file is refused with `<json path>: <problem>`, one kind of problem per test."""

from __future__ import annotations

import gettext
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from guarantee_tui.i18n import Translator, translator
from guarantee_tui.services.case_files import (
    CaseFileUnreadable,
    InvalidCaseFile,
    NotJson,
    import_case_file,
    validate_case_file,
)
from tests.strategies import DELETE, Where, changed, sample, write_case_file

EN = translator("en")
P0 = ("professionals", 0)
C1 = (*P0, "contact_purchases", 1)


def problems(tmp_path: Path, doc: Any) -> list[str]:
    """The lines the refusal of `doc` prints, without the file name."""
    path = write_case_file(tmp_path / "f.json", doc)
    with pytest.raises(InvalidCaseFile) as info:
        validate_case_file(path, None)
    prefix = f"{path}: "
    lines = info.value.describe(EN).splitlines()
    assert all(line.startswith(prefix) for line in lines), lines
    return [line.removeprefix(prefix) for line in lines]


def test_the_sample_is_valid(tmp_path: Path) -> None:
    validate_case_file(write_case_file(tmp_path / "f.json", sample()), None)


@pytest.mark.parametrize(
    ("where", "value", "expected"),
    [
        # timestamps
        (
            (*C1, "purchased_at"),
            "12/03/2026 13:05",
            "professionals[0].contact_purchases[1].purchased_at: not an ISO 8601 date-time",
        ),
        (
            (*C1, "purchased_at"),
            "2026-03-12T13:05:00",
            "professionals[0].contact_purchases[1].purchased_at: the date-time needs an offset "
            "or Z (e.g. 2026-11-21T12:00:00+01:00)",
        ),
        (
            (*C1, "purchased_at"),
            "2026-02-30T10:00:00Z",
            "professionals[0].contact_purchases[1].purchased_at: not an ISO 8601 date-time",
        ),
        (
            (*C1, "purchased_at"),
            "2026-03-12T13:05Z",
            "professionals[0].contact_purchases[1].purchased_at: not an ISO 8601 date-time",
        ),
        (
            (*C1, "purchased_at"),
            "2026-03-12T13:05:00+01:60",
            "professionals[0].contact_purchases[1].purchased_at: not an ISO 8601 date-time",
        ),
        (
            (*P0, "created_at"),
            "0001-01-01T00:00:00+01:00",
            "professionals[0].created_at: date-time outside the accepted range, "
            "2000-01-01 to 2100-12-31 (UTC)",
        ),
        (
            (*C1, "purchased_at"),
            20260312,
            "professionals[0].contact_purchases[1].purchased_at: expected an ISO 8601 "
            "date-time, found a number",
        ),
        (
            (*P0, "trust_labels", 0, "revoked_at"),
            True,
            "professionals[0].trust_labels[0].revoked_at: expected an ISO 8601 date-time or "
            "null, found a boolean",
        ),
        # keys
        ((*P0, "colour"), "red", "professionals[0].colour: unknown key"),
        (("extra",), 1, "extra: unknown key"),
        ((*P0, "first name"), "x", 'professionals[0]["first name"]: unknown key'),
        ((*P0, "created_at"), DELETE, "professionals[0].created_at: required but missing"),
        (
            (*P0, "claims", 0, "explanations", 1, "text"),
            DELETE,
            "professionals[0].claims[0].explanations[1].text: required but missing",
        ),
        (("professionals",), DELETE, "professionals: required but missing"),
        # types
        (
            (*C1, "price_credits"),
            "12",
            "professionals[0].contact_purchases[1].price_credits: expected an integer, "
            "found a string",
        ),
        (
            (*C1, "price_credits"),
            1.5,
            "professionals[0].contact_purchases[1].price_credits: must be a whole number, not 1.5",
        ),
        (
            (*C1, "job_won"),
            "yes",
            "professionals[0].contact_purchases[1].job_won: expected true or false, found a string",
        ),
        (
            (*P0, "email"),
            None,
            "professionals[0].email: expected a string, found null",
        ),
        (
            (*P0, "reviews", 0, "contact_ref"),
            7,
            "professionals[0].reviews[0].contact_ref: expected a string or null, found a number",
        ),
        (
            (*P0, "packs", 0, "price_eur"),
            "49.90",
            "professionals[0].packs[0].price_eur: expected a number, found a string",
        ),
        (
            (*P0, "contact_purchases"),
            {},
            "professionals[0].contact_purchases: expected an array, found an object",
        ),
        ((*P0,), [], "professionals[0]: expected an object, found an array"),
        (("professionals",), {}, "professionals: expected an array, found an object"),
        # enums and const
        (
            ("format",),
            "guarantee-case-file/2",
            'format: must be "guarantee-case-file/1", not "guarantee-case-file/2"',
        ),
        ((*P0, "market"), "ES", 'professionals[0].market: must be "FR" or "PT", not "ES"'),
        ((*P0, "market"), None, 'professionals[0].market: must be "FR" or "PT", not null'),
        (
            (*P0, "claims", 0, "explanations", 0, "verification"),
            "maybe",
            "professionals[0].claims[0].explanations[0].verification: must be "
            '"truthful", "untruthful" or null, not "maybe"',
        ),
        (
            (*P0, "claims", 0, "status"),
            None,
            'professionals[0].claims[0].status: must be "open", "approved", "rejected" or '
            '"suspended", not null',
        ),
        # bounds
        (
            (*C1, "price_credits"),
            -1,
            "professionals[0].contact_purchases[1].price_credits: must be at least 0, not -1",
        ),
        (
            (*C1, "price_credits"),
            2**31,
            "professionals[0].contact_purchases[1].price_credits: must be at most "
            "107,374,182, not 2147483648",
        ),
        (
            (*P0, "profile_completeness", 1, "percent"),
            101,
            "professionals[0].profile_completeness[1].percent: must be at most 100, not 101",
        ),
        (
            (*P0, "reviews", 1, "rating"),
            0,
            "professionals[0].reviews[1].rating: must be at least 1, not 0",
        ),
        (
            (*P0, "packs", 0, "price_eur"),
            -0.5,
            "professionals[0].packs[0].price_eur: must be at least 0, not -0.5",
        ),
        ((*P0, "ref"), "", "professionals[0].ref: must not be empty"),
        ((*C1, "ref"), "", "professionals[0].contact_purchases[1].ref: must not be empty"),
        (
            (*P0, "company_name"),
            "x" * 301,
            "professionals[0].company_name: longer than 300 characters",
        ),
        (
            (*C1, "city"),
            "Ly\x00on",
            "professionals[0].contact_purchases[1].city: contains a NUL character (\\u0000), "
            "which cannot be stored",
        ),
        # intervals
        (
            (*P0, "trust_labels", 0, "revoked_at"),
            "2026-01-05T07:59:59Z",
            "professionals[0].trust_labels[0].revoked_at: earlier than activated_at",
        ),
        (
            (*P0, "packs", 0, "ends_at"),
            "2026-01-05T08:30:00+01:00",
            "professionals[0].packs[0].ends_at: earlier than starts_at",
        ),
        (
            (*P0, "payment_incidents", 0, "resolved_at"),
            "2026-01-31T08:00:00Z",
            "professionals[0].payment_incidents[0].resolved_at: earlier than at",
        ),
        # links and refs
        (
            (*P0, "reviews", 0, "contact_ref"),
            "C-9",
            'professionals[0].reviews[0].contact_ref: "C-9" is not a contact purchase of this '
            "professional",
        ),
        (
            (*P0, "claims", 0, "explanations", 1, "contact_ref"),
            "C-3",
            'professionals[0].claims[0].explanations[1].contact_ref: "C-3" is not a contact '
            "purchase of this professional",
        ),
        (
            (*P0, "claims", 0, "explanations", 1, "contact_ref"),
            "C-1",
            "professionals[0].claims[0].explanations[1].contact_ref: a second explanation for "
            'contact "C-1" (the first is explanations[0])',
        ),
        (
            ("professionals", 1, "ref"),
            "P-1",
            'professionals[1].ref: duplicate ref "P-1", already used in professionals[0]',
        ),
        (
            ("professionals", 1, "contact_purchases", 0, "ref"),
            "C-1",
            'professionals[1].contact_purchases[0].ref: duplicate ref "C-1", already used in '
            "professionals[0].contact_purchases",
        ),
        (
            (*P0, "reviews", 1, "ref"),
            "R-1",
            'professionals[0].reviews[1].ref: duplicate ref "R-1", already used in '
            "professionals[0].reviews",
        ),
    ],
)
def test_each_problem_is_named_with_its_path(
    tmp_path: Path, where: Where, value: object, expected: str
) -> None:
    assert problems(tmp_path, changed(sample(), where, value)) == [expected]


def test_duplicate_claim_refs_across_professionals(tmp_path: Path) -> None:
    claim = {"ref": "L-1", "submitted_at": "2026-05-01T10:00:00Z"}
    doc = changed(sample(), ("professionals", 1, "claims"), [claim])
    assert problems(tmp_path, doc) == [
        'professionals[1].claims[0].ref: duplicate ref "L-1", already used in '
        "professionals[0].claims"
    ]


def test_a_ref_twice_in_one_professional(tmp_path: Path) -> None:
    doc = changed(changed(sample(), (*C1, "ref"), "C-1"), (*P0, "claims"), DELETE)
    assert problems(tmp_path, doc) == [
        'professionals[0].contact_purchases[1].ref: duplicate ref "C-1", already used in '
        "professionals[0].contact_purchases"
    ]


def test_the_document_must_be_an_object(tmp_path: Path) -> None:
    assert problems(tmp_path, [sample()]) == ["expected an object, found an array"]


def test_a_top_level_key_given_twice(tmp_path: Path) -> None:
    path = tmp_path / "f.json"
    path.write_text('{"format": "guarantee-case-file/1", "professionals": [], "professionals": []}')
    with pytest.raises(InvalidCaseFile) as info:
        validate_case_file(path, None)
    assert info.value.describe(EN) == f"{path}: professionals: appears more than once"


def test_several_problems_are_listed_one_per_line_in_file_order(tmp_path: Path) -> None:
    doc = changed(sample(), (*P0, "market"), "ES")
    doc = changed(doc, (*C1, "channel"), "phone")
    doc = changed(doc, ("professionals", 1, "created_at"), "yesterday")
    assert problems(tmp_path, doc) == [
        'professionals[0].market: must be "FR" or "PT", not "ES"',
        'professionals[0].contact_purchases[1].channel: must be "priority_discount" or '
        '"standard", not "phone"',
        "professionals[1].created_at: not an ISO 8601 date-time",
    ]


def test_reading_stops_after_twenty_problems(tmp_path: Path) -> None:
    bad = {"ref": "", "market": "FR", "company_name": "x", "created_at": "2026-01-01T00:00:00Z"}
    doc = {"format": "guarantee-case-file/1", "professionals": [bad] * 30}
    lines = problems(tmp_path, doc)
    assert len(lines) == 21
    assert lines[19] == "professionals[19].ref: must not be empty"
    assert lines[20] == "stopped after the first 20 problems."


def test_a_wrong_format_hides_the_other_problems(tmp_path: Path) -> None:
    # Whatever follows is not a case file of ours: its problems are noise.
    doc = {"professionals": [{"ref": 1}], "format": "something-else/3"}
    assert problems(tmp_path, doc) == [
        'format: must be "guarantee-case-file/1", not "something-else/3"'
    ]
    assert problems(tmp_path, {"professionals": [{"ref": 1}]}) == ["format: required but missing"]


class _Marking(gettext.NullTranslations):
    """A catalog that shows which texts went through it."""

    def gettext(self, message: str) -> str:
        return f"<{message}>"


def test_the_line_and_the_problem_are_both_translated(tmp_path: Path) -> None:
    path = write_case_file(tmp_path / "f.json", changed(sample(), (*C1, "purchased_at"), "hier"))
    with pytest.raises(InvalidCaseFile) as info:
        validate_case_file(path, None)
    tr = Translator("en")
    tr._catalog = _Marking()
    assert info.value.describe(tr) == (
        f"<{path}: professionals[0].contact_purchases[1].purchased_at: <not an ISO 8601 date-time>>"
    )


# --- not JSON, not readable -----------------------------------------------------


def not_json(tmp_path: Path, content: bytes) -> str:
    path = tmp_path / "f.json"
    path.write_bytes(content)
    with pytest.raises(NotJson) as info:
        validate_case_file(path, None)
    return info.value.describe(EN).removeprefix(f"{path}: ")


def test_not_json_says_where(tmp_path: Path) -> None:
    assert (
        not_json(tmp_path, b'{"format": x}')
        == "not valid JSON at line 1, column 12: lexical error: invalid char in json text."
    )
    text = b'{\n  "format": "guarantee-case-file/1",\n  "professionals": [{"ref": 1,}]\n}\n'
    assert not_json(tmp_path, text) == (
        "not valid JSON at line 3, column 31: parse error: invalid object key (must be a string)"
    )


def test_not_json_far_into_a_large_file(tmp_path: Path) -> None:
    # The error is in the parser's third buffer; its line and column count from the start.
    pro = json.dumps(sample()["professionals"][1], ensure_ascii=False)
    lines = [pro.replace("P-2", f"P-{i}").replace("C-3", f"C-{i}") for i in range(1000)]
    lines[700] = lines[700].replace('"market"', '"market" "FR",', 1)
    content = '{"format": "guarantee-case-file/1", "professionals": [\n' + ",\n".join(lines) + "]}"
    assert len(content) > 3 * 65536
    # yajl stops after the token it cannot take, the string "FR".
    column = lines[700].index('"FR",') + len('"FR"')
    assert not_json(tmp_path, content.encode()) == (
        f"not valid JSON at line 702, column {column}: parse error: object key and value "
        "must be separated by a colon (':')"
    )


def test_a_truncated_file_is_not_json_at_its_end(tmp_path: Path) -> None:
    content = json.dumps(sample(), indent=1).encode()[:-40]
    line = content.count(b"\n") + 1
    column = len(content.rsplit(b"\n", 1)[-1]) + 1
    assert not_json(tmp_path, content) == (
        f"not valid JSON at line {line}, column {column}: parse error: premature EOF"
    )
    assert (
        not_json(tmp_path, b"") == "not valid JSON at line 1, column 1: parse error: premature EOF"
    )


def test_trailing_garbage_and_bad_utf8_are_not_json(tmp_path: Path) -> None:
    assert not_json(tmp_path, b'{"format": "guarantee-case-file/1", "professionals": []} []') == (
        "not valid JSON at line 1, column 58: parse error: trailing garbage"
    )
    assert not_json(tmp_path, b'{"format": "caf\xe9"}').startswith("not valid JSON at line 1, ")


def test_an_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(CaseFileUnreadable) as info:
        validate_case_file(tmp_path / "missing.json", None)
    assert info.value.describe(EN) == f"{tmp_path / 'missing.json'}: no such file."
    with pytest.raises(CaseFileUnreadable) as info:
        validate_case_file(tmp_path, None)
    assert info.value.describe(EN) == f"{tmp_path} is a directory, not a case file."


# --- against the database ---------------------------------------------------------


def test_a_ref_owned_by_another_professional_in_the_database(
    engine: Engine, tmp_path: Path
) -> None:
    import_case_file(engine, write_case_file(tmp_path / "first.json", sample()))
    other = {
        "ref": "P-3",
        "market": "FR",
        "company_name": "Autre",
        "created_at": "2026-01-01T00:00:00Z",
        "contact_purchases": [
            {
                "ref": "C-1",
                "purchased_at": "2026-01-10T10:00:00Z",
                "price_credits": 1,
                "channel": "standard",
            }
        ],
        "reviews": [
            {"ref": "R-2", "at": "2026-01-20T10:00:00Z", "rating": 4, "source": "former_client"}
        ],
        "claims": [{"ref": "L-1", "submitted_at": "2026-05-01T10:00:00Z"}],
    }
    path = write_case_file(
        tmp_path / "f.json", {"format": "guarantee-case-file/1", "professionals": [other]}
    )
    with pytest.raises(InvalidCaseFile) as info:
        import_case_file(engine, path)
    assert info.value.describe(EN).splitlines() == [
        f'{path}: professionals[0].contact_purchases[0].ref: "C-1" already belongs to '
        'professional "P-1" in the database',
        f'{path}: professionals[0].reviews[0].ref: "R-2" already belongs to professional '
        '"P-1" in the database',
        f'{path}: professionals[0].claims[0].ref: "L-1" already belongs to professional '
        '"P-1" in the database',
    ]


def test_links_may_name_contacts_already_in_the_database(engine: Engine, tmp_path: Path) -> None:
    import_case_file(engine, write_case_file(tmp_path / "first.json", sample()))
    review = {"ref": "R-9", "at": "2026-02-01T00:00:00Z", "rating": 4, "source": "platform_contact"}
    claim = {
        "ref": "L-9",
        "submitted_at": "2026-06-01T00:00:00Z",
        "explanations": [{"contact_ref": "C-2", "text": "ok"}],
    }
    own = {
        "ref": "P-1",
        "market": "FR",
        "company_name": "Énergie Plus",
        "created_at": "2026-01-05T09:00:00+01:00",
        "reviews": [{**review, "contact_ref": "C-1"}],
        "claims": [claim],
    }
    doc = {"format": "guarantee-case-file/1", "professionals": [own]}
    import_case_file(engine, write_case_file(tmp_path / "ok.json", doc))

    # C-3 exists, but belongs to P-2.
    doc = changed(doc, (*P0, "reviews", 0, "contact_ref"), "C-3")
    path = write_case_file(tmp_path / "bad.json", doc)
    with pytest.raises(InvalidCaseFile) as info:
        import_case_file(engine, path)
    assert info.value.describe(EN) == (
        f'{path}: professionals[0].reviews[0].contact_ref: "C-3" is not a contact purchase '
        "of this professional"
    )
