"""Checking one JSON value against what the case-file schema says of it.

Values come from ijson: `str`, `int`, `Decimal` (any number with a fraction
or an exponent), `bool`, `None`, `list`, `dict`. A check returns the value
converted for the database, or, when the value is wrong, records a problem
and returns a placeholder of the same type (the caller then drops the whole
record), so that one pass finds every problem of a record.

Paths are built only when a problem is found: a file of a million purchases
must not pay for a million path strings.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Final, TypeVar

from guarantee_tui.policy.messages import Items, Message, msg
from guarantee_tui.policy.window import EARLIEST_DAY, LATEST_DAY, MAX_INTEGER, in_window
from guarantee_tui.services.case_files.errors import Problem
from guarantee_tui.services.case_files.records import ABSENT, Absent

T = TypeVar("T")

MAX_PROBLEMS: Final = 20
# No integer of the schema has more digits than this (MAX_INTEGER has 10): a
# larger exponent is refused before a conversion that could take minutes.
_MAX_DIGITS: Final = 10
EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# RFC 3339, the `date-time` of JSON Schema; the offset is optional here only
# so that a missing one gets its own message.
_DATE_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?"
    r"([Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])?\Z"
)


class TooManyProblems(Exception):
    """Raised by `Problems.add` at the limit, to stop reading the file."""


class Problems:
    def __init__(self, limit: int = MAX_PROBLEMS) -> None:
        self.items: list[Problem] = []
        self.limit = limit

    def add(self, path: str, message: Message) -> None:
        self.items.append(Problem(path, message))
        if len(self.items) >= self.limit:
            raise TooManyProblems

    def __len__(self) -> int:
        return len(self.items)


def child(path: str, key: str) -> str:
    """The path of `key` inside the object at `path` ("" is the document)."""
    if not _IDENTIFIER.match(key):
        return f"{path}[{json.dumps(key, ensure_ascii=False)}]"
    return f"{path}.{key}" if path else key


def literal(value: object, limit: int = 40) -> str:
    """A JSON value as it would appear in the file, shortened."""
    if isinstance(value, list | dict):
        # Serialising a nested value only to shorten it costs a recursion per level.
        return "[…]" if isinstance(value, list) else "{…}"
    if isinstance(value, Decimal):
        text = str(value)
    else:
        try:
            text = json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError):
            text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def kind_of(value: object) -> Message:
    """What a JSON value is, for "expected {expected}, found {found}"."""
    if value is None:
        # Translators: the JSON value null, as found in a file; usually left as is.
        return msg("null")
    if isinstance(value, bool):
        return msg("a boolean")
    if isinstance(value, int | Decimal):
        return msg("a number")
    if isinstance(value, str):
        return msg("a string")
    if isinstance(value, list):
        return msg("an array")
    return msg("an object")


def expected(what: Message, value: object) -> Message:
    # Translators: about a value in a JSON file, e.g. "expected a string, found a number".
    return msg("expected {expected}, found {found}", expected=what, found=kind_of(value))


# --- records ------------------------------------------------------------------

# A required key that is missing reads as this, already reported.
MISSING: Final[Any] = object()

Check = Callable[[object, str, str, Problems], T]


def record(
    value: object,
    path: str,
    problems: Problems,
    required: Sequence[str],
    allowed: frozenset[str],
) -> dict[str, Any] | None:
    """`value` if it is an object; its unknown and missing keys are reported."""
    if type(value) is not dict:
        problems.add(path, expected(msg("an object"), value))
        return None
    if not allowed.issuperset(value):
        for key in sorted(set(value) - allowed):
            problems.add(child(path, key), msg("unknown key"))
    for key in required:
        if key not in value:
            problems.add(child(path, key), msg("required but missing"))
    return value


def required(data: dict[str, Any], key: str, path: str, problems: Problems, check: Check[T]) -> T:
    return check(data.get(key, MISSING), path, key, problems)


def optional(
    data: dict[str, Any], key: str, path: str, problems: Problems, check: Check[T]
) -> T | Absent:
    if key not in data:
        return ABSENT
    return check(data[key], path, key, problems)


def array(value: object, path: str, key: str, problems: Problems) -> list[Any]:
    if type(value) is list:
        return value
    if value is not MISSING:
        problems.add(child(path, key), expected(msg("an array"), value))
    return []


# --- scalars ------------------------------------------------------------------


def text(*, min_length: int = 0, max_length: int | None = None) -> Check[str]:
    def check(value: object, path: str, key: str, problems: Problems) -> str:
        if type(value) is not str:
            if value is not MISSING:
                problems.add(child(path, key), expected(msg("a string"), value))
            return ""
        _check_text(value, path, key, problems, min_length, max_length)
        return value

    return check


def _check_text(
    value: str, path: str, key: str, problems: Problems, min_length: int, max_length: int | None
) -> None:
    if len(value) < min_length:
        problems.add(child(path, key), msg("must not be empty"))
    elif max_length is not None and len(value) > max_length:
        problems.add(child(path, key), msg("longer than {maximum} characters", maximum=max_length))
    if "\x00" in value:
        problems.add(
            child(path, key), msg("contains a NUL character (\\u0000), which cannot be stored")
        )


def text_or_null(*, max_length: int | None = None) -> Check[str | None]:
    def check(value: object, path: str, key: str, problems: Problems) -> str | None:
        if value is None:
            return None
        if type(value) is not str:
            if value is not MISSING:
                problems.add(child(path, key), expected(msg("a string or null"), value))
            return None
        _check_text(value, path, key, problems, 0, max_length)
        return value

    return check


def choice(allowed: Sequence[str | None]) -> Check[str | None]:
    """One of `allowed` (an `enum` or a `const`)."""
    choices = frozenset(allowed)
    shown = Items(tuple(literal(a) for a in allowed), "or")

    def check(value: object, path: str, key: str, problems: Problems) -> str | None:
        if (value is None or type(value) is str) and value in choices:
            return value
        if value is not MISSING:
            problems.add(
                child(path, key),
                msg("must be {allowed}, not {value}", allowed=shown, value=literal(value)),
            )
        return None

    return check


def choice_of(allowed: Sequence[str]) -> Check[str]:
    """Like `choice`, for enums without null."""
    inner = choice(allowed)

    def check(value: object, path: str, key: str, problems: Problems) -> str:
        return inner(value, path, key, problems) or ""

    return check


def integer(*, minimum: int = 0, maximum: int = MAX_INTEGER) -> Check[int]:
    def check(value: object, path: str, key: str, problems: Problems) -> int:
        if type(value) is int:
            number = value
        elif type(value) is Decimal and value.is_finite() and value.adjusted() >= _MAX_DIGITS:
            # 1e1000000 is a whole number, but int() of it is a million digits.
            if value < 0:
                problems.add(
                    child(path, key),
                    msg(
                        "must be at least {minimum}, not {value}",
                        minimum=minimum,
                        value=literal(value),
                    ),
                )
            else:
                problems.add(
                    child(path, key),
                    msg(
                        "must be at most {maximum}, not {value}",
                        maximum=maximum,
                        value=literal(value),
                    ),
                )
            return 0
        elif type(value) is Decimal and value.is_finite() and value == value.to_integral_value():
            number = int(value)
        else:
            if type(value) is Decimal:
                problems.add(
                    child(path, key),
                    msg("must be a whole number, not {value}", value=literal(value)),
                )
            elif value is not MISSING:
                problems.add(child(path, key), expected(msg("an integer"), value))
            return 0
        if number < minimum:
            problems.add(
                child(path, key),
                msg(
                    "must be at least {minimum}, not {value}", minimum=minimum, value=literal(value)
                ),
            )
        elif number > maximum:
            problems.add(
                child(path, key),
                msg(
                    "must be at most {maximum}, not {value}", maximum=maximum, value=literal(value)
                ),
            )
        return number

    return check


def number(*, minimum: int = 0) -> Check[float]:
    def check(value: object, path: str, key: str, problems: Problems) -> float:
        if type(value) is not int and type(value) is not Decimal:
            if value is not MISSING:
                problems.add(child(path, key), expected(msg("a number"), value))
            return 0.0
        if value < minimum:
            problems.add(
                child(path, key),
                msg(
                    "must be at least {minimum}, not {value}", minimum=minimum, value=literal(value)
                ),
            )
            return 0.0
        converted = float(value)
        if converted == float("inf"):
            problems.add(child(path, key), msg("too large a number: {value}", value=literal(value)))
        return converted

    return check


def boolean(value: object, path: str, key: str, problems: Problems) -> bool:
    if type(value) is bool:
        return value
    if value is not MISSING:
        problems.add(child(path, key), expected(msg("true or false"), value))
    return False


# --- timestamps ---------------------------------------------------------------


_NOT_A_DATE_TIME: Final = msg("not an ISO 8601 date-time")
_NEEDS_OFFSET: Final = msg("the date-time needs an offset or Z (e.g. 2026-11-21T12:00:00+01:00)")
_OUT_OF_RANGE: Final = msg(
    "date-time outside the accepted range, {earliest} to {latest} (UTC)",
    earliest=EARLIEST_DAY.isoformat(),
    latest=LATEST_DAY.isoformat(),
)
_A_DATE_TIME: Final = msg("an ISO 8601 date-time")
_A_DATE_TIME_OR_NULL: Final = msg("an ISO 8601 date-time or null")


def parse_timestamp(value: str) -> datetime | Message:
    """An RFC 3339 date-time as aware UTC, or why it is not one."""
    match = _DATE_TIME.match(value)
    if match is None:
        return _NOT_A_DATE_TIME
    if match.group(1) is None:
        return _NEEDS_OFFSET
    try:
        # The pattern fixed the shape; this checks the calendar and the offset.
        parsed = datetime.fromisoformat(value if value.isupper() else value.upper())
    except ValueError:
        return _NOT_A_DATE_TIME
    try:
        moment = parsed if parsed.tzinfo is UTC else parsed.astimezone(UTC)
    except OverflowError:
        return _OUT_OF_RANGE
    # The policy adds months and years to these: year 1 or 9999 would overflow.
    return moment if in_window(moment) else _OUT_OF_RANGE


def _timestamp(value: object, path: str, key: str, problems: Problems, what: Message) -> datetime:
    if type(value) is not str:
        if value is not MISSING:
            problems.add(child(path, key), expected(what, value))
        return EPOCH
    parsed = parse_timestamp(value)
    if isinstance(parsed, Message):
        problems.add(child(path, key), parsed)
        return EPOCH
    return parsed


def timestamp(value: object, path: str, key: str, problems: Problems) -> datetime:
    return _timestamp(value, path, key, problems, _A_DATE_TIME)


def timestamp_or_null(value: object, path: str, key: str, problems: Problems) -> datetime | None:
    if value is None:
        return None
    return _timestamp(value, path, key, problems, _A_DATE_TIME_OR_NULL)


def not_before(
    later: datetime | None,
    earlier: datetime,
    path: str,
    later_key: str,
    earlier_key: str,
    problems: Problems,
) -> None:
    """An interval must not end before it starts."""
    if isinstance(later, datetime) and later < earlier:
        problems.add(child(path, later_key), msg("earlier than {other}", other=earlier_key))
