"""What the local marketplace remembers, and the contract's rules over it.

Balances, suspensions (several per profile, each lifted on its own),
messages, the changes feed, and every idempotency key with the request it
came with and the first answer it got. All of it behind one lock: requests
are applied one at a time, as a real marketplace's database would
serialise them.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from typing import Any, Final
from urllib.parse import unquote

from jsonschema import Draft202012Validator

FORMAT: Final = "guarantee-case-file/1"
DEFAULT_LIMIT: Final = 200
MAX_LIMIT: Final = 1000
KEY_REUSED: Final = "idempotency_key_reused"


def contract() -> dict[str, Any]:
    """The OpenAPI document this server implements (tests/data/marketplace-api.yaml, as JSON)."""
    text = resources.files(__package__).joinpath("contract.json").read_text(encoding="utf-8")
    value = json.loads(text)
    assert isinstance(value, dict)
    return value


def _request_validators() -> dict[str, Draft202012Validator]:
    paths = contract()["paths"]
    out = {}
    for path in ("/v1/credit-adjustments", "/v1/suspensions", "/v1/suspensions/{id}/lift"):
        schema = paths[path]["post"]["requestBody"]["content"]["application/json"]["schema"]
        out[path] = Draft202012Validator(schema)
    schema = paths["/v1/messages"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    out["/v1/messages"] = Draft202012Validator(schema)
    return out


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: dict[str, Any]

    def encoded(self) -> bytes:
        return json.dumps(self.body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def error(status: int, code: str, message: str) -> Answer:
    return Answer(status, {"error": code, "message": message})


@dataclass(frozen=True, slots=True)
class Applied:
    """One effect as the marketplace applied it, in order (for the tests' checks)."""

    kind: str  # credit, suspension, lift, message
    key: str
    professional: str
    claim: str
    amount: int | None = None
    id: str | None = None


@dataclass(slots=True)
class _Remembered:
    request: str  # method, path and canonical body
    answer: Answer


@dataclass(slots=True)
class Suspension:
    id: str
    professional: str
    claim: str
    note: str | None
    active: bool = True
    lifted_at: datetime | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "professional": self.professional,
            "active": self.active,
            "lifted_at": None if self.lifted_at is None else _iso(self.lifted_at),
        }


@dataclass(slots=True)
class Marketplace:
    """The local marketplace's state. `professionals` None accepts any ref."""

    token: str
    professionals: set[str] | None = None
    clock: Callable[[], datetime] = _now
    balances: dict[str, int] = field(default_factory=dict)
    suspensions: dict[str, Suspension] = field(default_factory=dict)
    messages: list[dict[str, Any]] = field(default_factory=list)
    applied: list[Applied] = field(default_factory=list)
    # Requests that reused a key with another body (the dispatcher must make none).
    key_conflicts: list[str] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)
    # Cursors carry the epoch they were issued in; a new epoch expires them all.
    epoch: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    _keys: dict[str, _Remembered] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _validators: dict[str, Draft202012Validator] = field(default_factory=_request_validators)

    # --- set-up for tests and demos --------------------------------------------

    def add_changes(self, records: Sequence[Mapping[str, Any]]) -> None:
        """Professionals whose facts changed (case-file records), oldest first."""
        with self._lock:
            for record in records:
                self.changes.append(dict(record))
                if self.professionals is not None:
                    self.professionals.add(str(record["ref"]))

    def expire_cursors(self) -> None:
        with self._lock:
            self.epoch = uuid.uuid4().hex[:8]

    def snapshot(self) -> dict[str, Any]:
        """The end state, as GET /_state shows it."""
        with self._lock:
            return {
                "balances": dict(self.balances),
                "suspensions": [
                    s.as_json() | {"claim": s.claim} for s in self.suspensions.values()
                ],
                "messages": list(self.messages),
                "key_conflicts": list(self.key_conflicts),
                "applied": len(self.applied),
            }

    # --- requests --------------------------------------------------------------

    def authorised(self, header: str | None) -> bool:
        return header == f"Bearer {self.token}"

    def _next_id(self, prefix: str) -> str:
        return f"{prefix}_{next(self._ids)}"

    def post(self, path: str, key: str | None, raw: bytes) -> Answer:
        """Applies a POST once per idempotency key, as the contract says."""
        if key is None or not 1 <= len(key) <= 255 or not key.isascii() or not key.isprintable():
            return error(400, "bad_idempotency_key", "Idempotency-Key: 1 to 255 printable ASCII")
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return error(400, "bad_json", "the body is not JSON (UTF-8)")
        request = "POST " + path + " " + json.dumps(body, sort_keys=True, separators=(",", ":"))
        with self._lock:
            remembered = self._keys.get(key)
            if remembered is not None:
                if remembered.request == request:
                    return remembered.answer
                self.key_conflicts.append(key)
                return error(409, KEY_REUSED, "this Idempotency-Key came with another request")
            answer = self._apply(path, key, body)
            self._keys[key] = _Remembered(request, answer)
            return answer

    def _invalid(self, schema_path: str, body: Any) -> Answer | None:
        problems = sorted(self._validators[schema_path].iter_errors(body), key=str)
        if not problems:
            return None
        first = problems[0]
        where = "/".join(str(p) for p in first.absolute_path) or "body"
        return error(422, "invalid_request", f"{where}: {first.message}")

    def _known(self, professional: str) -> bool:
        return self.professionals is None or professional in self.professionals

    def _apply(self, path: str, key: str, body: Any) -> Answer:
        if path == "/v1/credit-adjustments":
            return self._credit(key, body)
        if path == "/v1/suspensions":
            return self._suspend(key, body)
        if path == "/v1/messages":
            return self._message(key, body)
        parts = path.split("/")
        if len(parts) == 5 and parts[:3] == ["", "v1", "suspensions"] and parts[4] == "lift":
            return self._lift(key, unquote(parts[3]), body)
        return error(404, "not_found", f"no such call: POST {path}")

    def _credit(self, key: str, body: Any) -> Answer:
        invalid = self._invalid("/v1/credit-adjustments", body)
        if invalid:
            return invalid
        amount = body["amount_credits"]
        refund = body["reason"] == "guarantee_refund"
        if amount == 0 or (amount > 0) != refund:
            return error(
                422,
                "invalid_amount",
                "amount_credits: positive for a refund, negative for a reversal",
            )
        professional = body["professional"]
        if not self._known(professional):
            return error(404, "unknown_professional", f"unknown professional {professional}")
        balance = self.balances.get(professional, 0) + amount
        self.balances[professional] = balance
        adjustment_id = self._next_id("adj")
        self.applied.append(
            Applied("credit", key, professional, body["claim"], amount, adjustment_id)
        )
        return Answer(
            201,
            {
                "id": adjustment_id,
                "professional": professional,
                "amount_credits": amount,
                "balance_credits": balance,
                "created_at": _iso(self.clock()),
            },
        )

    def _suspend(self, key: str, body: Any) -> Answer:
        invalid = self._invalid("/v1/suspensions", body)
        if invalid:
            return invalid
        professional = body["professional"]
        if not self._known(professional):
            return error(404, "unknown_professional", f"unknown professional {professional}")
        suspension = Suspension(
            self._next_id("susp"), professional, body["claim"], body.get("note")
        )
        self.suspensions[suspension.id] = suspension
        self.applied.append(
            Applied("suspension", key, professional, body["claim"], id=suspension.id)
        )
        return Answer(201, suspension.as_json())

    def _lift(self, key: str, suspension_id: str, body: Any) -> Answer:
        invalid = self._invalid("/v1/suspensions/{id}/lift", body)
        if invalid:
            return invalid
        suspension = self.suspensions.get(suspension_id)
        if suspension is None:
            return error(404, "unknown_suspension", f"unknown suspension {suspension_id}")
        if not suspension.active:
            return error(409, "already_lifted", f"suspension {suspension_id} is already lifted")
        suspension.active = False
        suspension.lifted_at = self.clock()
        self.applied.append(
            Applied("lift", key, suspension.professional, body["claim"], id=suspension.id)
        )
        return Answer(200, suspension.as_json())

    def _message(self, key: str, body: Any) -> Answer:
        invalid = self._invalid("/v1/messages", body)
        if invalid:
            return invalid
        professional = body["professional"]
        if not self._known(professional):
            return error(404, "unknown_professional", f"unknown professional {professional}")
        message_id = self._next_id("msg")
        self.messages.append(dict(body) | {"id": message_id})
        self.applied.append(Applied("message", key, professional, body["claim"], id=message_id))
        return Answer(202, {"id": message_id, "status": "queued"})

    # --- the changes feed ------------------------------------------------------

    def _cursor(self, seq: int) -> str:
        raw = f"{self.epoch}:{seq}".encode("ascii")
        return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")

    def _position(self, cursor: str) -> int | Answer:
        try:
            padded = cursor + "=" * (-len(cursor) % 4)
            epoch, seq = base64.urlsafe_b64decode(padded).decode("ascii").split(":")
            position = int(seq)
        except (ValueError, binascii.Error, UnicodeDecodeError):
            return error(400, "bad_cursor", "cursor: not a cursor this server gave")
        if epoch != self.epoch or not 0 <= position <= len(self.changes):
            return error(410, "cursor_expired", "cursor expired: start again from the beginning")
        return position

    def changes_page(self, query: Mapping[str, Sequence[str]]) -> Answer:
        limit = DEFAULT_LIMIT
        if "limit" in query:
            text = query["limit"][0]
            if not text.isdigit() or not 1 <= int(text) <= MAX_LIMIT:
                return error(400, "bad_limit", f"limit: an integer from 1 to {MAX_LIMIT}")
            limit = int(text)
        with self._lock:
            start = 0
            if "cursor" in query:
                position = self._position(query["cursor"][0])
                if isinstance(position, Answer):
                    return position
                start = position
            end = min(len(self.changes), start + limit)
            return Answer(
                200,
                {
                    "format": FORMAT,
                    "professionals": self.changes[start:end],
                    "next_cursor": self._cursor(end),
                    "has_more": end < len(self.changes),
                },
            )
