"""Reading a case file as a stream: the document's top level, then one professional at a time.

ijson's C backend parses; this module only builds one professional's
object at a time, so memory follows the largest professional, not the file.
It also hashes what it reads (the import reads the file twice and must know
it did not change in between) and, when the JSON is broken, turns the
parser's report into a line and column.
"""

from __future__ import annotations

import codecs
import hashlib
import itertools
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, Final

import ijson

from guarantee_tui.policy.messages import Message, msg
from guarantee_tui.services.case_files.errors import (
    BadBytes,
    CaseFileUnreadable,
    NotJson,
    Problem,
)
from guarantee_tui.services.case_files.fields import Problems, child, choice, expected
from guarantee_tui.services.case_files.records import FORMAT

_CHECK_FORMAT: Final = choice((FORMAT,))
_READ_SIZE: Final = 1 << 20
# From the document's root: the schema needs 7 (professionals[].claims[].explanations[]).
MAX_NESTING: Final = 20

# An escaped backslash (so that "\\ud800" is no escape), or a \u escape of a
# UTF-16 surrogate: a high one with the low one that must follow it, or a low one.
_SURROGATE_ESCAPES: Final = re.compile(
    rb"\\\\"
    rb"|\\u[dD][89abAB][0-9a-fA-F]{2}(?:\\u[dD][c-fC-F][0-9a-fA-F]{2})?"
    rb"|\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)
# The longest escape the pattern matches (a pair): how far the reader looks
# past what it gives out.
_LONGEST_ESCAPE: Final = 12
# ijson converts an integer's digits with int(), which Python refuses past
# this many digits (sys.get_int_max_str_digits); ijson 3.6 then raises a
# SystemError or crashes the process. No such run of digits may reach it.
# (A string of that many digits in a row is refused too: none is plausible.)
MAX_DIGITS: Final = sys.get_int_max_str_digits() or 4300
_DIGITS_RUN: Final = re.compile(rb"(?<![0-9])[0-9]{%d}" % (MAX_DIGITS + 1))
_DIGITS: Final = b"0123456789"


class BadText(Exception):
    """Bytes the parser must not see: not UTF-8, or an escape of half a character."""

    def __init__(self, offset: int, problem: Message, *, encoding: bool = False) -> None:
        super().__init__(offset)
        self.offset, self.problem, self.encoding = offset, problem, encoding


class TrackingReader:
    """A binary file that remembers its last chunk and hashes everything read.

    It also refuses, before the parser sees them, what the parser would take
    badly: bytes that are not UTF-8 (CESU-8 surrogates, overlong forms), on
    which ijson raised UnicodeDecodeError, and a lone surrogate escape
    (`"\\ud800"`), which yajl turns into a silent "?".
    """

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._hash = hashlib.blake2b(digest_size=20)
        self._utf8 = codecs.getincrementaldecoder("utf-8")("strict")
        # Read from the file but not given out yet: what follows the chunk
        # given out, so that an escape at its end is judged with what follows.
        self._ahead = b""
        # The end of what was given out that the escape scan must see again.
        self._unscanned = b""
        # How many digits in a row end what was given out.
        self._digits = 0
        self.position = 0
        self.chunk = b""
        self.chunk_start = 0

    def read(self, size: int = -1) -> bytes:
        data = self._ahead
        if size < 0:
            data += self._raw.read()
        elif len(data) < size:
            data += self._raw.read(size - len(data))
        self._ahead = self._raw.read(_LONGEST_ESCAPE) if data else b""
        if data:
            self.chunk, self.chunk_start = data, self.position
            self.position += len(data)
            self._hash.update(data)
        at_end = not self._ahead
        self._check_utf8(data, at_end)
        self._check_escapes(data, at_end)
        self._check_digits(data)
        return data

    def _check_digits(self, data: bytes) -> None:
        start = self.position - len(data)
        leading = len(data) - len(data.lstrip(_DIGITS))
        if self._digits + leading > MAX_DIGITS:
            offset: int | None = start - self._digits
        else:
            match = _DIGITS_RUN.search(data)
            offset = None if match is None else start + match.start()
        if offset is not None:
            raise BadText(offset, msg("a number with more than {digits} digits", digits=MAX_DIGITS))
        if leading == len(data):
            self._digits += leading
        else:
            self._digits = len(data) - len(data.rstrip(_DIGITS))

    def _check_utf8(self, data: bytes, at_end: bool) -> None:
        pending = len(self._utf8.getstate()[0])
        try:
            self._utf8.decode(data, final=at_end)
        except UnicodeDecodeError as exc:
            offset = self.position - len(data) - pending + exc.start
            bad = exc.object[exc.start : exc.end].hex(" ").upper()
            raise BadText(
                offset, msg("not valid UTF-8 (bytes {bytes})", bytes=bad), encoding=True
            ) from None

    def _check_escapes(self, data: bytes, at_end: bool) -> None:
        given = self._unscanned + data
        start = self.position - len(given)
        if b"\\" not in given:
            self._unscanned = b""
            return
        # With the bytes ahead, an escape starting in what is given out is whole.
        text = given + self._ahead
        cut = len(given)
        for match in _SURROGATE_ESCAPES.finditer(text):
            if match.start() >= len(given):
                break
            if match.end() > len(given):
                # Judged now, seen again with the next chunk (from a boundary of escapes).
                cut = match.start()
            escape = match.group()
            # Six bytes: a high surrogate without its low one, or a low one alone.
            if len(escape) == 6:
                raise BadText(
                    start + match.start(),
                    msg(
                        "a lone surrogate escape {escape}: a character beyond U+FFFF is "
                        "written as a pair, e.g. \\ud83d\\ude00",
                        escape=escape.decode("ascii"),
                    ),
                )
        self._unscanned = b"" if at_end else given[cut:]

    def digest(self) -> bytes:
        """The hash of the whole file: reads what the parser left unread."""
        while self.read(_READ_SIZE):
            pass
        return self._hash.digest()


def open_source(source: Path) -> BinaryIO:
    try:
        return source.open("rb")
    except OSError as exc:
        raise CaseFileUnreadable(str(source), exc) from exc


class WrongFormat(Exception):
    """The file says it is something else (or nothing): its other problems do not matter."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.path)
        self.problem = problem


class Document:
    """The top level of a case file, read as a stream of events.

    `professionals()` yields each element of the `professionals` array as a
    plain JSON value, with its index; problems of the top level go to
    `problems`, except a wrong or missing `format`, which raises `WrongFormat`.
    """

    def __init__(self, reader: TrackingReader, problems: Problems) -> None:
        self._events = ijson.basic_parse(reader, use_float=False)
        self._problems = problems

    def professionals(self) -> Iterator[tuple[int, Any]]:
        events = self._events
        event, value = next(events)
        if event != "start_map":
            root = _build(event, value, events, self._problems, "", 0)
            _drain(events)
            self._problems.add("", expected(msg("an object"), root))
            return
        seen: set[str] = set()
        for event, value in events:
            if event == "end_map":
                break
            key: str = value
            if key in seen:
                self._problems.add(child("", key), msg("appears more than once"))
            seen.add(key)
            event, value = next(events)
            if key == "professionals" and event == "start_array":
                for index in itertools.count():
                    event, value = next(events)
                    if event == "end_array":
                        break
                    path = f"professionals[{index}]"
                    yield index, _build(event, value, events, self._problems, path, 2)
                continue
            found = _build(event, value, events, self._problems, child("", key), 1)
            if key == "format":
                self._check_format(found)
            elif key == "professionals":
                self._problems.add(key, expected(msg("an array"), found))
            else:
                self._problems.add(child("", key), msg("unknown key"))
        _drain(events)
        if "format" not in seen:
            raise WrongFormat(Problem("format", msg("required but missing")))
        if "professionals" not in seen:
            self._problems.add("professionals", msg("required but missing"))

    def _check_format(self, value: object) -> None:
        found = Problems(limit=2)
        _CHECK_FORMAT(value, "", "format", found)
        if found.items:
            raise WrongFormat(found.items[0])


def _drain(events: Iterator[Any]) -> None:
    """Reads to the end, so that trailing garbage is a JSON error too."""
    for _ in events:
        pass


def _build(
    event: str,
    value: Any,
    events: Iterator[tuple[str, Any]],
    problems: Problems,
    path: str,
    depth: int,
) -> Any:
    """The JSON value that starts with (`event`, `value`), from the following events.

    `path` is where it sits, `depth` how many containers hold it. A key twice in
    one object, and containers nested deeper than MAX_NESTING, are problems; the
    too deep value is skipped, not built.
    """
    if event == "start_map":
        root: Any = {}
    elif event == "start_array":
        root = []
    else:
        return value
    if depth >= MAX_NESTING:
        problems.add(path, _too_deep())
        _skip(events)
        return root
    stack: list[Any] = [root]
    keys: list[str] = [""]
    for event, value in events:
        if event == "map_key":
            if value in stack[-1]:
                problems.add(_where(path, stack, keys, value), msg("appears more than once"))
            keys[-1] = value
            continue
        if event == "end_map" or event == "end_array":
            stack.pop()
            keys.pop()
            if not stack:
                return root
            continue
        top = stack[-1]
        if event == "start_map" or event == "start_array":
            item: Any = {} if event == "start_map" else []
            if depth + len(stack) >= MAX_NESTING:
                problems.add(_where(path, stack, keys, None), _too_deep())
                _skip(events)
                event = "skipped"
        else:
            item = value
        if type(top) is list:
            top.append(item)
        else:
            top[keys[-1]] = item
        if event == "start_map" or event == "start_array":
            stack.append(item)
            keys.append("")
    raise ijson.IncompleteJSONError("parse error: premature EOF")


def _too_deep() -> Message:
    return msg("nested more than {levels} levels deep", levels=MAX_NESTING)


def _skip(events: Iterator[tuple[str, Any]]) -> None:
    """Reads past the end of the container just started."""
    open_ = 1
    for event, _ in events:
        if event == "start_map" or event == "start_array":
            open_ += 1
        elif event == "end_map" or event == "end_array":
            open_ -= 1
            if not open_:
                return
    raise ijson.IncompleteJSONError("parse error: premature EOF")


def _where(path: str, stack: list[Any], keys: list[str], key: str | None) -> str:
    """The path of what comes next in the innermost container of `stack` (or of `key`
    in it): built only for a problem."""
    for container, name in zip(stack[:-1], keys[:-1], strict=True):
        path = f"{path}[{len(container) - 1}]" if type(container) is list else child(path, name)
    innermost = stack[-1]
    if type(innermost) is list:
        return f"{path}[{len(innermost)}]"
    return child(path, keys[-1] if key is None else key)


# --- where the JSON is broken -------------------------------------------------

# yajl shows the 30 bytes either side of the error; the caret is always in
# this column of its report.
_CARET_COLUMN: Final = 40
_CONTEXT: Final = 30


def not_json(source: Path, reader: TrackingReader, error: Exception) -> NotJson:
    """The parser's complaint with the line and column it refers to."""
    raw = error.args[0] if error.args else b""
    report = raw if isinstance(raw, bytes) else str(raw).encode("utf-8", "replace")
    lines = report.split(b"\n")
    reason = lines[0].decode("utf-8", "replace").strip() or type(error).__name__
    if "premature EOF" in reason:
        offset: int | None = reader.position
    else:
        offset = _error_offset(reader, lines[1] if len(lines) > 2 else None)
    if offset is None:
        return NotJson(str(source), reason, None, None)
    line, column = _line_and_column(source, offset)
    return NotJson(str(source), reason, line, column)


def _error_offset(reader: TrackingReader, context: bytes | None) -> int | None:
    """The file offset yajl's context line points at, found in the chunk it parsed."""
    if context is None or len(context) < _CARET_COLUMN:
        return None
    chunk = reader.chunk.replace(b"\n", b" ").replace(b"\r", b" ")
    found = None
    for offset in range(len(chunk) + 1):
        start = max(offset - _CONTEXT, 0)
        padding = _CARET_COLUMN - offset if offset < _CONTEXT else _CARET_COLUMN - _CONTEXT
        rendered = b" " * padding + chunk[start : offset + _CONTEXT]
        if rendered == context:
            found = offset
    if found is None:
        return None
    # yajl's offset is just past the token it choked on: point at its last byte.
    return reader.chunk_start + max(found - 1, 0)


def _line_and_column(source: Path, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a byte offset, reading in chunks."""
    line, column, done = 1, 0, 0
    with source.open("rb") as f:
        while done < offset:
            data = f.read(min(_READ_SIZE, offset - done))
            if not data:
                break
            done += len(data)
            newlines = data.count(b"\n")
            if newlines:
                line += newlines
                column = _characters(data[data.rindex(b"\n") + 1 :])
            else:
                column += _characters(data)
    return line, column + 1


_CONTINUATION_BYTES: Final = bytes(range(0x80, 0xC0))


def _characters(data: bytes) -> int:
    """How many UTF-8 characters `data` holds: every byte but continuation bytes."""
    return len(data.translate(None, _CONTINUATION_BYTES))


def bad_bytes(source: Path, error: BadText) -> BadBytes:
    line, column = _line_and_column(source, error.offset)
    return BadBytes(str(source), line, column, error.problem, encoding=error.encoding)


def number_too_long(source: Path, reader: TrackingReader, error: Exception) -> BadBytes | None:
    """ijson's complaint about an integer with more digits than Python converts
    (it surfaces as a SystemError around a ValueError), as a problem at its place."""
    cause: BaseException | None = error
    while cause is not None and not (
        isinstance(cause, ValueError) and "integer string conversion" in str(cause)
    ):
        cause = cause.__cause__ or cause.__context__
    if cause is None:
        return None
    limit = sys.get_int_max_str_digits()
    problem = msg("a number with more than {digits} digits", digits=limit)
    found = re.search(rb"[0-9]{%d,}" % (limit + 1), reader.chunk)
    if found is None:
        return BadBytes(str(source), None, None, problem)
    line, column = _line_and_column(source, reader.chunk_start + found.start())
    return BadBytes(str(source), line, column, problem)
