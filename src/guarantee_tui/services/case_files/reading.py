"""Reading a case file as a stream: the document's top level, then one professional at a time.

ijson's C backend parses; this module only builds one professional's
object at a time, so memory follows the largest professional, not the file.
It also hashes what it reads (the import reads the file twice and must know
it did not change in between) and, when the JSON is broken, turns the
parser's report into a line and column.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, Final

import ijson

from guarantee_tui.policy.messages import msg
from guarantee_tui.services.case_files.errors import CaseFileUnreadable, NotJson, Problem
from guarantee_tui.services.case_files.fields import Problems, child, choice, expected
from guarantee_tui.services.case_files.records import FORMAT

TOP_KEYS: Final = ("format", "professionals")
_CHECK_FORMAT: Final = choice((FORMAT,))
_READ_SIZE: Final = 1 << 20


class TrackingReader:
    """A binary file that remembers its last chunk and hashes everything read."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._hash = hashlib.blake2b(digest_size=20)
        self.position = 0
        self.chunk = b""
        self.chunk_start = 0

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        if data:
            self.chunk, self.chunk_start = data, self.position
            self.position += len(data)
            self._hash.update(data)
        return data

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
            root = _build(event, value, events)
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
                    yield index, _build(event, value, events)
                continue
            found = _build(event, value, events)
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


def _build(event: str, value: Any, events: Iterator[tuple[str, Any]]) -> Any:
    """The JSON value that starts with (`event`, `value`), from the following events."""
    if event == "start_map":
        root: Any = {}
    elif event == "start_array":
        root = []
    else:
        return value
    stack: list[Any] = [root]
    keys: list[str] = [""]
    for event, value in events:
        if event == "map_key":
            keys[-1] = value
            continue
        if event == "end_map" or event == "end_array":
            stack.pop()
            keys.pop()
            if not stack:
                return root
            continue
        if event == "start_map":
            item: Any = {}
        elif event == "start_array":
            item = []
        else:
            item = value
        top = stack[-1]
        if type(top) is list:
            top.append(item)
        else:
            top[keys[-1]] = item
        if event == "start_map" or event == "start_array":
            stack.append(item)
            keys.append("")
    raise ijson.IncompleteJSONError("parse error: premature EOF")


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
