"""Language-neutral messages.

The policy must stay free of I/O and of any particular language, yet every
result carries evidence a person can read. So it returns messages: an English
source text (the gettext msgid) with typed parameters. `guarantee_tui.i18n`
translates the text and formats each parameter for the reader's locale.

`msg` and `nmsg` are the extraction keywords for these texts (see
scripts/i18n.py), exactly as `_` and `ngettext` are elsewhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class Moment:
    """A UTC instant shown as wall-clock date and time in a market's zone."""

    at: datetime
    zone: str
    with_time: bool = True


@dataclass(frozen=True, slots=True)
class Credits:
    amount: int


@dataclass(frozen=True, slots=True)
class Percent:
    value: float


@dataclass(frozen=True, slots=True)
class Duration:
    """A delay, shown in hours (and days when long)."""

    delta: timedelta


@dataclass(frozen=True, slots=True)
class Items:
    """A list: "a, b and c" (style "and"), "a or b" ("or"), or clauses "a; b"."""

    items: tuple[Param, ...]
    style: str = "and"


@dataclass(frozen=True, slots=True)
class Message:
    text: str
    params: Mapping[str, Param] = field(default_factory=lambda: MappingProxyType({}))
    plural: str | None = None
    count: int | None = None

    def to_json(self) -> dict[str, object]:
        """A JSON-able form, so a stored message can be shown again in any language."""
        out: dict[str, object] = {"text": self.text}
        if self.params:
            out["params"] = {k: _param_to_json(v) for k, v in self.params.items()}
        if self.plural is not None:
            out["plural"] = self.plural
            out["count"] = self.count
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Message:
        params = data.get("params") or {}
        assert isinstance(params, Mapping)
        count = data.get("count")
        plural = data.get("plural")
        return cls(
            text=str(data["text"]),
            params=MappingProxyType({str(k): _param_from_json(v) for k, v in params.items()}),
            plural=None if plural is None else str(plural),
            count=None if count is None else int(str(count)),
        )


Param = str | int | date | Moment | Credits | Percent | Duration | Items | Message


def msg(text: str, /, **params: Param) -> Message:
    return Message(text, MappingProxyType(params))


def nmsg(singular: str, plural: str, count: int, /, **params: Param) -> Message:
    """A message with plural forms; `{n}` in the text stands for `count`."""
    return Message(singular, MappingProxyType({"n": count, **params}), plural, count)


def _param_to_json(value: Param) -> object:
    match value:
        case bool():
            raise TypeError("booleans are not message parameters")
        case str() | int():
            return value
        case datetime():
            raise TypeError("use Moment for instants")
        case date():
            return {"date": value.isoformat()}
        case Moment(at, zone, with_time):
            return {"moment": at.isoformat(), "zone": zone, "with_time": with_time}
        case Credits(amount):
            return {"credits": amount}
        case Percent(v):
            return {"percent": v}
        case Duration(delta):
            return {"seconds": delta.total_seconds()}
        case Items(items, style):
            return {"items": [_param_to_json(i) for i in items], "style": style}
        case Message():
            return {"message": value.to_json()}
    raise TypeError(f"not a message parameter: {value!r}")


def _param_from_json(value: object) -> Param:
    if isinstance(value, str | int) and not isinstance(value, bool):
        return value
    if not isinstance(value, Mapping):
        raise ValueError(f"not a stored message parameter: {value!r}")
    if "date" in value:
        return date.fromisoformat(str(value["date"]))
    if "moment" in value:
        return Moment(
            datetime.fromisoformat(str(value["moment"])),
            str(value["zone"]),
            bool(value.get("with_time", True)),
        )
    if "credits" in value:
        return Credits(int(value["credits"]))
    if "percent" in value:
        return Percent(float(value["percent"]))
    if "seconds" in value:
        return Duration(timedelta(seconds=float(value["seconds"])))
    if "items" in value:
        items = value["items"]
        assert isinstance(items, list)
        return Items(tuple(_param_from_json(i) for i in items), str(value.get("style", "and")))
    if "message" in value:
        inner = value["message"]
        assert isinstance(inner, Mapping)
        return Message.from_json(inner)
    raise ValueError(f"not a stored message parameter: {value!r}")
