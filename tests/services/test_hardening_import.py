"""Hostile case files are refused with where and why, quickly, and change nothing (issue 12)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine

from guarantee_tui.i18n import translator
from guarantee_tui.policy.window import MAX_PRICE_CREDITS
from guarantee_tui.services.case_files import (
    InvalidCaseFile,
    NotJson,
    export_case_file,
    import_case_file,
    validate_case_file,
)
from guarantee_tui.services.case_files.reading import MAX_NESTING, BadText, TrackingReader
from guarantee_tui.store.engine import make_engine
from tests.strategies import changed, sample, write_case_file

EN = translator("en")
P0 = ("professionals", 0)
C0 = (*P0, "contact_purchases", 0)


def valid_bytes() -> bytes:
    return json.dumps(sample(), ensure_ascii=False, indent=1).encode("utf-8")


def refusal(path: Path) -> str:
    """What importing `path` says, without the file's name."""
    with pytest.raises((InvalidCaseFile, NotJson)) as info:
        validate_case_file(path, None)
    lines = info.value.describe(EN).splitlines()
    return "\n".join(line.removeprefix(f"{path}: ") for line in lines)


def stored(engine: Engine) -> str:
    out = io.StringIO()
    export_case_file(engine, out, client_data=True)
    return out.getvalue()


# --- bytes the parser must not see ------------------------------------------------


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        # CESU-8: U+D800 encoded as if it were a character.
        (b"\xed\xa0\x80", "not valid JSON at line 7, column 23: not valid UTF-8 (bytes ED)"),
        # "/" in two bytes instead of one.
        (b"\xc0\xaf", "not valid JSON at line 7, column 23: not valid UTF-8 (bytes C0)"),
        (b"\\ud800", "line 7, column 23: a lone surrogate escape \\ud800"),
        (b"\\udc00 x", "line 7, column 23: a lone surrogate escape \\udc00"),
        # yajl joined these into one bogus character.
        (b"\\ud800\\u0041", "line 7, column 23: a lone surrogate escape \\ud800"),
    ],
)
def test_bad_text_is_refused_at_its_line_and_column(
    tmp_path: Path, bad: bytes, expected: str
) -> None:
    data = valid_bytes().replace("Énergie".encode(), b"\xc3\x89n" + bad, 1)
    path = tmp_path / "f.json"
    path.write_bytes(data)
    assert refusal(path).startswith(expected)


def test_good_escapes_are_not_surrogates(tmp_path: Path) -> None:
    doc = changed(sample(), (*P0, "company_name"), "a \\ud800 b 😀")
    path = tmp_path / "f.json"
    # ensure_ascii: the emoji as the pair \ud83d\ude00, the backslash escaped.
    path.write_text(json.dumps(doc, ensure_ascii=True), encoding="ascii")
    assert b"\\\\ud800" in path.read_bytes() and b"\\ud83d\\ude00" in path.read_bytes()
    validate_case_file(path, None)


def read_all(reader: TrackingReader, size: int) -> None:
    while reader.read(size):
        pass


@pytest.mark.parametrize("size", [1, 2, 3, 5, 7, 11, 13])
def test_a_lone_surrogate_is_found_across_any_read_boundary(size: int) -> None:
    for text, lone in (
        (b'["abc\\\\\\\\ud800 \\ud83d\\ude00 end"]', False),
        (b'["abc\\\\ud800 \\ud83d\\ude00 end"]', False),
        (b'["abc\\\\\\ud800 end"]', True),
        (b'["\\ud83d\\ude00\\ud83d"]', True),
    ):
        reader = TrackingReader(io.BytesIO(text))
        if not lone:
            read_all(reader, size)
            continue
        with pytest.raises(BadText) as info:
            read_all(reader, size)
        offset = info.value.offset
        assert text[offset : offset + 6].lower().startswith(b"\\ud8"), (text, size)


# --- values the policy and the database cannot hold -------------------------------


@pytest.mark.parametrize(
    ("where", "value", "expected"),
    [
        (
            (*C0, "purchased_at"),
            "0001-01-01T00:00:00Z",
            "professionals[0].contact_purchases[0].purchased_at: date-time outside the "
            "accepted range, 2000-01-01 to 2100-12-31 (UTC)",
        ),
        (
            (*P0, "claims", 0, "submitted_at"),
            "9999-12-31T23:59:59Z",
            "professionals[0].claims[0].submitted_at: date-time outside the accepted range, "
            "2000-01-01 to 2100-12-31 (UTC)",
        ),
        (
            (*C0, "price_credits"),
            2**31 - 1,
            "professionals[0].contact_purchases[0].price_credits: must be at most "
            "107,374,182, not 2147483647",
        ),
    ],
)
def test_values_out_of_range(
    tmp_path: Path, where: tuple[str | int, ...], value: object, expected: str
) -> None:
    assert refusal(write_case_file(tmp_path / "f.json", changed(sample(), where, value))) == (
        expected
    )


def test_twenty_prices_at_the_limit_fit_the_refund(tmp_path: Path) -> None:
    doc = changed(sample(), (*C0, "price_credits"), MAX_PRICE_CREDITS)
    validate_case_file(write_case_file(tmp_path / "f.json", doc), None)
    assert 20 * MAX_PRICE_CREDITS <= 2**31 - 1


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (b"1e1000000", "must be at most 107,374,182, not 1E+1000000"),
        (b"-1e1000000", "must be at least 0, not -1E+1000000"),
        (b"1e10000000", "must be at most 107,374,182, not 1E+10000000"),
    ],
)
def test_a_huge_exponent_is_refused_without_converting(
    tmp_path: Path, number: bytes, expected: str
) -> None:
    # Converted to an int, 1e10000000 took over two minutes.
    data = valid_bytes().replace(b'"price_credits": 12', b'"price_credits": ' + number, 1)
    path = tmp_path / "f.json"
    path.write_bytes(data)
    assert refusal(path) == f"professionals[0].contact_purchases[0].price_credits: {expected}"


def test_a_number_of_too_many_digits_is_refused_at_its_place(tmp_path: Path) -> None:
    data = valid_bytes().replace(b'"price_credits": 12', b'"price_credits": ' + b"9" * 5000, 1)
    path = tmp_path / "f.json"
    path.write_bytes(data)
    limit = sys.get_int_max_str_digits()
    line = data[: data.index(b"9" * 100)].count(b"\n") + 1
    assert refusal(path).startswith(f"line {line}, column ")
    assert refusal(path).endswith(f"a number with more than {limit:,} digits")


# --- shapes ---------------------------------------------------------------------


def test_deep_nesting_is_refused_with_its_path(tmp_path: Path) -> None:
    # (json.dumps itself cannot write this: it recurses once per level.)
    data = valid_bytes().replace(b'"market": "FR"', b'"market": ' + b"[" * 1000 + b"]" * 1000, 1)
    path = tmp_path / "f.json"
    path.write_bytes(data)
    lines = refusal(path).splitlines()
    depth = MAX_NESTING - 3
    assert lines[0] == f"professionals[0].market{'[0]' * depth}: nested more than 20 levels deep"
    assert lines[1].startswith('professionals[0].market: must be "FR" or "PT", not […]')


def test_a_key_twice_in_a_record_is_an_error(tmp_path: Path) -> None:
    text = valid_bytes().replace(b'"company_name": ', b'"company_name": "First", "company_name": ')
    path = tmp_path / "f.json"
    path.write_bytes(text)
    assert refusal(path).splitlines() == [
        "professionals[0].company_name: appears more than once",
        "professionals[1].company_name: appears more than once",
    ]
    nested = valid_bytes().replace(b'"rating": 5', b'"rating": 5, "rating": 1', 1)
    path.write_bytes(nested)
    assert refusal(path) == "professionals[0].reviews[0].rating: appears more than once"


# --- nothing written ------------------------------------------------------------


def test_a_refused_file_leaves_the_database_as_it_was(engine: Engine, tmp_path: Path) -> None:
    import_case_file(engine, write_case_file(tmp_path / "ok.json", sample()))
    before = stored(engine)
    bad = valid_bytes().replace(b'"ref": "P-1"', b'"ref": "P-1\\ud800"', 1)
    for name, data in {
        "surrogate.json": bad,
        "date.json": valid_bytes().replace(b"2026-01-05T09", b"9999-01-05T09", 1),
        "utf8.json": valid_bytes().replace(b"Lyon", b"Ly\xc0\xafon", 1),
    }.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises((InvalidCaseFile, NotJson)):
            import_case_file(engine, path)
        assert stored(engine) == before, name


def test_a_new_sqlite_file_appears_only_once_committed(tmp_path: Path) -> None:
    target = tmp_path / "new.db"
    source = write_case_file(tmp_path / "ok.json", sample())
    script = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from guarantee_tui.store.engine import make_engine\n"
        "from guarantee_tui.services.case_files import import_case_file\n"
        "engine = make_engine(sys.argv[1], create=True)\n"
        "import_case_file(engine, Path(sys.argv[2]),"
        " within=lambda conn: os.kill(os.getpid(), 9))\n"
    )
    # Killed just before the commit: no database at the name, only a partial file...
    killed = subprocess.run([sys.executable, "-c", script, str(target), str(source)], check=False)
    assert killed.returncode == -9
    assert not target.exists()
    assert [p.name for p in tmp_path.glob(".new.db.*.partial*")] != []
    # ...which the next import into that directory removes.
    engine = make_engine(str(target), create=True)
    try:
        report = import_case_file(engine, source)
        assert report.created_database
        assert "P-1" in stored(engine)
    finally:
        engine.dispose()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    assert os.path.getsize(target) > 0
