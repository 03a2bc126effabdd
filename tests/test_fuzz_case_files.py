"""The attacks of issue 12, kept as tests: a fixed-seed corpus of mutated case
files, odd moments and odd queries. Each either works or is refused cleanly
(exit 2, a message naming the JSON path or the line and column), and a refused
file changes nothing. On SQLite only: what is tested here is the reading, not
the backend; the other tests run both."""

from __future__ import annotations

import copy
import io
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import pytest

from guarantee_tui.cli import main
from guarantee_tui.services.case_files import export_case_file
from guarantee_tui.store.engine import make_engine
from tests.strategies import sample, write_case_file

SEED: Final = 12
# Each kind of mutation some twenty times over; more finds nothing new in the suite.
MUTATIONS: Final = 160
MARK: Final = "@@mutated@@"
# What a refusal's line names after the file: a JSON path, or where the text breaks.
NAMED: Final = re.compile(
    r'(professionals(\[\d+\])?|format|[A-Za-z_]\w*|\["|not valid JSON|line [\d,]+, column)'
)
CONTROLS: Final = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

ODD_VALUES: Final[tuple[Any, ...]] = (
    None,
    True,
    0,
    -1,
    1.5,
    "",
    " ",
    "x" * 5000,
    [],
    {},
    [1, "a"],
    {"a": 1},
    "\x00",
    "\x1b]0;PWNED\x07",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "2026-02-30T10:00:00Z",
    "2026-13-01T10:00:00Z",
    "2026-01-01T24:00:00Z",
    "2026-01-01T10:00:00+24:00",
    "2026-01-01T10:00:00",
    "2026-01-01",
    "１９９９-01-01T00:00:00Z",
    "1999-12-31T23:59:59Z",
    "2101-01-01T00:00:00Z",
    "2100-12-31T23:59:59-14:00",
)
# Raw JSON text no json.dumps writes: too big, too deep, not UTF-8, half a character.
RAW: Final[tuple[bytes, ...]] = (
    b"1e1000000",
    b"-1e1000000",
    b"1" + b"0" * 5000,
    b"1." + b"0" * 5000 + b"1",
    b"2147483647",
    b"107374183",
    b"1E-1000000",
    b"-0",
    b"[" * 1000 + b"]" * 1000,
    b'{"a":' * 500 + b"1" + b"}" * 500,
    b'"\xed\xa0\x80"',
    b'"\xc0\xaf"',
    b'"\xff"',
    b'"\\ud800"',
    b'"\\udc00"',
    b'"\\ud800\\u0041"',
    b'"ok \\ud83d\\ude00"',
    b'"a\\\\ud800"',
    b"NaN",
    b"Infinity",
)


def paths(value: Any, where: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield where
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, (*where, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths(item, (*where, index))


def placed(doc: Any, where: tuple[Any, ...], value: Any) -> Any:
    doc = copy.deepcopy(doc)
    parent = doc
    for key in where[:-1]:
        parent = parent[key]
    parent[where[-1]] = value
    return doc


def removed(doc: Any, where: tuple[Any, ...]) -> Any:
    doc = copy.deepcopy(doc)
    parent = doc
    for key in where[:-1]:
        parent = parent[key]
    del parent[where[-1]]
    return doc


def dumped(doc: Any) -> bytes:
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


def mutations() -> Iterator[tuple[str, bytes]]:
    """A few hundred files derived from a valid one, the same on every run."""
    rnd = random.Random(SEED)
    base = sample()
    places = [p for p in paths(base) if p]
    keyed = [p for p in places if isinstance(p[-1], str)]
    for n in range(MUTATIONS):
        where = rnd.choice(places)
        kind = n % 8
        if kind == 0:
            yield f"{n} delete {where}", dumped(removed(base, where))
        elif kind in (1, 2):
            value = rnd.choice(ODD_VALUES)
            yield f"{n} {where} = {value!r:.40}", dumped(placed(base, where, value))
        elif kind in (3, 4):
            raw = rnd.choice(RAW)
            text = dumped(placed(base, where, MARK))
            yield f"{n} {where} = {raw[:30]!r}", text.replace(f'"{MARK}"'.encode(), raw, 1)
        elif kind == 5:
            key = rnd.choice(keyed)
            text = dumped(placed(base, key, MARK))
            twin = f'"{key[-1]}": 1, "{key[-1]}": "{MARK}"'.encode()
            yield f"{n} twice {key}", text.replace(f'"{key[-1]}": "{MARK}"'.encode(), twin, 1)
        elif kind == 6:
            text = dumped(base)
            cut = rnd.randrange(len(text))
            yield f"{n} cut at {cut}", text[:cut]
        else:
            flipped = bytearray(dumped(base))
            at = rnd.randrange(len(flipped))
            flipped[at : at + 1] = bytes([rnd.choice(b'\x00\x80\xc3\xed\xff"\\{}[],:0e-')])
            yield f"{n} byte {at}", bytes(flipped)


def stored(engine: Any) -> str:
    out = io.StringIO()
    export_case_file(engine, out, client_data=True)
    return out.getvalue()


def test_mutated_case_files_import_or_are_refused_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "fuzz.db"
    assert (
        main(["import", str(write_case_file(tmp_path / "base.json", sample())), "--db", str(db)])
        == 0
    )
    engine = make_engine(str(db))
    try:
        before = stored(engine)
        outcomes = {0: 0, 2: 0}
        path = tmp_path / "mutated.json"
        for name, data in mutations():
            path.write_bytes(data)
            capsys.readouterr()
            status = main(["import", str(path), "--db", str(db)])
            out, err = capsys.readouterr()
            assert status in outcomes, (name, status, err)
            outcomes[status] += 1
            if status == 0:
                before = stored(engine)
                continue
            assert out == "" and CONTROLS.search(err.replace("\n", "")) is None, (name, err)
            for line in err.splitlines():
                assert line.startswith(f"{path}: "), (name, line)
                rest = line.removeprefix(f"{path}: ")
                assert NAMED.match(rest) or "stopped after" in rest, (name, line)
            assert stored(engine) == before, name
        assert outcomes[2] > MUTATIONS // 2 and outcomes[0] > 10, outcomes
    finally:
        engine.dispose()


ODD_MOMENTS: Final = (
    "0001-01-01T00:00:00Z",
    "0000-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "9999-12-31T23:59:59-14:00",
    "0001-01-01T00:00:00+14:00",
    "10000-01-01T00:00:00Z",
    "1999-12-31T23:59:59Z",
    "2000-01-01T00:00:00Z",
    "2100-12-31T23:59:59Z",
    "2101-01-01T00:00:00Z",
    "2026-02-29T12:00:00Z",
    "2028-02-29T12:00:00Z",
    "2026-13-01T00:00:00Z",
    "2026-00-10T00:00:00Z",
    "2026-01-01T24:00:00Z",
    "2026-01-01T23:60:00Z",
    "2026-01-01T12:00:00+25:00",
    "2026-01-01T12:00:00+23:59",
    "2026-01-01T12:00:00.123456789Z",
    "2026-01-01T12:00:00",
    "2026-01-01",
    "2026-W01-1T12:00:00Z",
    "20260101T120000Z",
    "２０２６-01-01T12:00:00Z",
    "",
    " ",
    "now",
    "\x00",
    "2026-01-01T12:00:00Z\x1b[2J",
    "-2026-01-01T12:00:00Z",
    "+2026-01-01T12:00:00Z",
)


@pytest.mark.parametrize("moment", ODD_MOMENTS)
def test_odd_moments_are_used_or_refused_with_exit_2(
    moment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["hours", f"--at={moment}", "--json"])
    out, err = capsys.readouterr()
    assert status in (0, 2)
    if status == 2:
        assert out == "" and err.startswith("--at: ") and "\x1b" not in err
    status = main(["log", "export", "--format", "csv", f"--from={moment}", "--db", "missing.db"])
    _, err = capsys.readouterr()
    # A bad bound is told before the (missing) database.
    assert status == 2 and err.startswith(("--from: ", "No database at"))


ODD_FIXED: Final = (
    "",
    " ",
    "%",
    "_",
    "\\",
    "'",
    '"',
    "' OR 1=1 --",
    "%' OR '1'='1",
    "+",
    "00",
    "+33",
    "+33 (0)1 84 88 82 46 poste 12",
    "0" * 200,
    "a" * 1000,
    "@",
    "@@",
    "a@",
    "@b.fr",
    "CL-",
    "\x1b]0;PWNED\x07",
    "\x00",
    "\ud800",
    "😀",
    "Ꮎ",
    "ß",
    "ǅ",
    "İ",
    "\u202e",
    "\ufeff",
    "[b]x[/]",
    "[/nope]",
)


def odd_queries() -> Iterator[str]:
    rnd = random.Random(SEED)
    yield from ODD_FIXED
    alphabet = "aéœ0123456789 +-().@_%\\'\"\t\n\x1b\x9b😀ß"
    for _ in range(80):
        yield "".join(rnd.choice(alphabet) for _ in range(rnd.randrange(1, 40)))


def test_odd_queries_find_or_not_and_print_nothing_a_terminal_acts_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "lookup.db"
    source = write_case_file(tmp_path / "cases.json", sample())
    assert main(["import", str(source), "--db", str(db)]) == 0
    capsys.readouterr()
    for n, query in enumerate(odd_queries()):
        # The chosen queries in both outputs; the random ones in one each, by turns.
        both = n < len(ODD_FIXED)
        for extra in ([], ["--json"]) if both else ((["--json"] if n % 2 else []),):
            status = main(["lookup", "--db", str(db), *extra, "--", query])
            out, err = capsys.readouterr()
            assert status in (0, 1, 2), query
            assert "\x1b" not in out + err and "\x9b" not in out + err, query
