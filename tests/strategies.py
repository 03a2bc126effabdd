"""Hypothesis strategies for case files (tests/data/case-file.schema.json).

`case_files()` draws valid documents as JSON-ready dicts: every optional key
present or not, explicit nulls, timestamps with any offset, Unicode text,
refs unique across the file and links (a review's or an explanation's
`contact_ref`) that name a contact of the same professional.
`expected_export(doc)` is what an export of an empty database into which
`doc` was imported must read: timestamps in UTC, defaults filled in,
records in the export's order.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

FORMAT = "guarantee-case-file/1"
# The shared contract's copy (tests/test_contracts.py keeps it equal to the original).
SCHEMA_PATH = Path(__file__).resolve().parent / "data" / "case-file.schema.json"

Draw = Callable[[st.SearchStrategy[Any]], Any]

OFFSETS = [
    UTC,
    timezone(timedelta(hours=1)),
    timezone(timedelta(hours=2)),
    timezone(-timedelta(hours=3, minutes=30)),
    timezone(timedelta(hours=14)),
    timezone(-timedelta(hours=12)),
]

# Printable and not: anything JSON can carry that a database can store
# (no NUL, no lone surrogates).
TEXT_CHARACTERS = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")
# Refs mix cases, digits and a few non-ASCII letters, so that an order by
# locale and an order by code point differ.
REF_CHARACTERS = st.sampled_from("abcXYZ019-_.éÉß")


def texts(min_size: int = 0, max_size: int = 24) -> st.SearchStrategy[str]:
    return st.text(TEXT_CHARACTERS, min_size=min_size, max_size=max_size)


def write_timestamp(moment: datetime, variant: int = 0) -> str:
    """ISO 8601 as an exporting system might write it: `Z`, `+00:00`, lower case."""
    text = moment.isoformat()
    if text.endswith("+00:00") and variant % 3 == 0:
        text = text[:-6] + "Z"
    if variant % 5 == 4:
        text = text.lower()
    return text


# Strategies are built once: hypothesis pays for building one on each use.
# Inside the accepted window (policy/window.py), with room for the delays after them.
_LOCAL = st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2098, 12, 31))
_ZONES = st.sampled_from(OFFSETS)
_VARIANTS = st.integers(0, 14)
_WHOLE_SECONDS = st.booleans()
_DELAYS = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=400))
_BOOLEANS = st.booleans()
_TEXT = texts()
_NAME = texts(min_size=1)
_LONG_TEXT = texts(max_size=60)
_PHONE = st.text("+0123456789 ()-.", max_size=20)
_REF_STEM = st.text(REF_CHARACTERS, max_size=4)
_MARKET = st.sampled_from(["FR", "PT"])
_LABEL_KIND = st.sampled_from(
    ["verified_independent", "verified_company", "liability_insurance", "trade_license"]
)
_PRICE_EUR = st.integers(0, 10_000) | st.floats(0, 1e7, allow_nan=False, allow_infinity=False)
_PERCENT = st.integers(0, 100)
# What the importer accepts: room for the sum of 20 prices (policy/window.py).
_CREDITS = st.integers(0, (2**31 - 1) // 20)
_CHANNEL = st.sampled_from(["priority_discount", "standard"])
_RATING = st.integers(1, 5)
_SOURCE = st.sampled_from(["platform_contact", "former_client"])
_STATUS = st.sampled_from(["open", "approved", "rejected", "suspended"])
_VERIFICATION = st.sampled_from(["truthful", "untruthful", None])


def moments() -> st.SearchStrategy[datetime]:
    """Aware instants, some with microseconds."""
    return st.builds(
        lambda local, zone, whole: local.replace(
            tzinfo=zone, microsecond=0 if whole else local.microsecond
        ),
        _LOCAL,
        _ZONES,
        _WHOLE_SECONDS,
    )


_MOMENTS = moments()


class _Refs:
    """Unique refs per kind: a drawn stem and a counter."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def __call__(self, draw: Draw, kind: str) -> str:
        n = self.counts.get(kind, 0)
        self.counts[kind] = n + 1
        return f"{draw(_REF_STEM)}{kind}{n}"


def _timestamp(draw: Draw) -> tuple[datetime, str]:
    moment = draw(_MOMENTS)
    return moment, write_timestamp(moment, draw(_VARIANTS))


def _maybe_after(draw: Draw, record: dict[str, Any], key: str, start: datetime) -> None:
    """Maybe a timestamp at or after `start`, or null, under `key`."""
    if not draw(_BOOLEANS):
        return
    if draw(_BOOLEANS):
        record[key] = None
        return
    later = (start + draw(_DELAYS)).astimezone(draw(_ZONES))
    record[key] = write_timestamp(later, draw(_VARIANTS))


def _maybe(draw: Draw, record: dict[str, Any], key: str, values: st.SearchStrategy[Any]) -> None:
    if draw(_BOOLEANS):
        record[key] = draw(values)


def _keep(draw: Draw, record: dict[str, Any], key: str, value: Any) -> None:
    if draw(_BOOLEANS):
        record[key] = value


@st.composite
def professionals(draw: Draw, refs: _Refs | None = None, max_items: int = 4) -> dict[str, Any]:
    """One professional; `refs` keeps refs unique across several."""
    refs = refs or _Refs()
    pro: dict[str, Any] = {
        "ref": refs(draw, "P"),
        "market": draw(_MARKET),
        "company_name": draw(_NAME),
        "created_at": _timestamp(draw)[1],
    }
    _maybe(draw, pro, "email", _TEXT)
    _maybe(draw, pro, "phone", _PHONE)
    many = st.integers(0, max_items)
    completeness = [
        {"at": _timestamp(draw)[1], "percent": draw(_PERCENT)} for _ in range(draw(many))
    ]
    _keep(draw, pro, "profile_completeness", completeness)
    labels = []
    for _ in range(draw(many)):
        start, text = _timestamp(draw)
        label: dict[str, Any] = {"kind": draw(_LABEL_KIND), "activated_at": text}
        _maybe_after(draw, label, "revoked_at", start)
        labels.append(label)
    _keep(draw, pro, "trust_labels", labels)
    packs = []
    for _ in range(draw(many)):
        start, text = _timestamp(draw)
        pack: dict[str, Any] = {"name": draw(_TEXT), "starts_at": text}
        _maybe_after(draw, pack, "ends_at", start)
        _maybe(draw, pack, "price_eur", _PRICE_EUR)
        packs.append(pack)
    _keep(draw, pro, "packs", packs)
    incidents = []
    for _ in range(draw(many)):
        start, text = _timestamp(draw)
        incident: dict[str, Any] = {"at": text, "kind": draw(_TEXT)}
        _maybe_after(draw, incident, "resolved_at", start)
        incidents.append(incident)
    _keep(draw, pro, "payment_incidents", incidents)

    purchases = []
    for _ in range(draw(st.integers(0, max_items + 2))):
        start, text = _timestamp(draw)
        purchase: dict[str, Any] = {
            "ref": refs(draw, "C"),
            "purchased_at": text,
            "price_credits": draw(_CREDITS),
            "channel": draw(_CHANNEL),
        }
        _maybe_after(draw, purchase, "first_contacted_at", start)
        _maybe(draw, purchase, "job_won", _BOOLEANS)
        for key in ("client_name", "client_phone", "job_title", "city"):
            _maybe(draw, purchase, key, _TEXT)
        purchases.append(purchase)
    if purchases or draw(_BOOLEANS):
        pro["contact_purchases"] = purchases
    contact_refs = [p["ref"] for p in purchases]
    links = st.none() | st.sampled_from(contact_refs) if contact_refs else st.none()

    reviews = []
    for _ in range(draw(many)):
        review: dict[str, Any] = {
            "ref": refs(draw, "R"),
            "at": _timestamp(draw)[1],
            "rating": draw(_RATING),
            "source": draw(_SOURCE),
        }
        _maybe(draw, review, "contact_ref", links)
        _maybe(draw, review, "text", _LONG_TEXT)
        reviews.append(review)
    _keep(draw, pro, "reviews", reviews)

    claims = []
    explained = st.lists(st.sampled_from(contact_refs), unique=True) if contact_refs else None
    for _ in range(draw(st.integers(0, 2))):
        claim: dict[str, Any] = {"ref": refs(draw, "L"), "submitted_at": _timestamp(draw)[1]}
        _maybe(draw, claim, "status", _STATUS)
        explanations = []
        for ref in draw(explained) if explained is not None else []:
            explanation: dict[str, Any] = {"contact_ref": ref, "text": draw(_LONG_TEXT)}
            _maybe(draw, explanation, "verification", _VERIFICATION)
            explanations.append(explanation)
        _keep(draw, claim, "explanations", explanations)
        claims.append(claim)
    _keep(draw, pro, "claims", claims)
    return pro


@st.composite
def case_files(draw: Draw, max_professionals: int = 4) -> dict[str, Any]:
    refs = _Refs()
    count = draw(st.integers(0, max_professionals))
    return {"format": FORMAT, "professionals": [draw(professionals(refs)) for _ in range(count)]}


def write_case_file(path: Path, doc: Any) -> Path:
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def load_schema() -> Any:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


# --- what an export reads -------------------------------------------------------


def parse(text: str) -> datetime:
    return datetime.fromisoformat(text.upper()).astimezone(UTC)


def utc(text: str | None) -> str | None:
    """A timestamp as the export writes it: UTC, Z, microseconds only if any."""
    if text is None:
        return None
    return parse(text).replace(tzinfo=None).isoformat() + "Z"


def _key(*values: Any) -> tuple[tuple[bool, Any], ...]:
    return tuple((v is not None, v) for v in values)


def _when(text: str | None) -> datetime | None:
    return None if text is None else parse(text)


def expected_export(doc: dict[str, Any]) -> dict[str, Any]:
    """The export of an empty database after importing `doc`."""
    return {
        "format": FORMAT,
        "professionals": [
            _expected_professional(p) for p in sorted(doc["professionals"], key=lambda p: p["ref"])
        ],
    }


def _expected_professional(p: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ref": p["ref"],
        "market": p["market"],
        "company_name": p["company_name"],
    }
    for key in ("email", "phone"):
        if key in p:
            out[key] = p[key]
    out["created_at"] = utc(p["created_at"])
    completeness = sorted(
        p.get("profile_completeness", []), key=lambda c: (parse(c["at"]), c["percent"])
    )
    out["profile_completeness"] = [
        {"at": utc(c["at"]), "percent": c["percent"]} for c in completeness
    ]
    labels = sorted(
        p.get("trust_labels", []),
        key=lambda t: _key(parse(t["activated_at"]), t["kind"], _when(t.get("revoked_at"))),
    )
    out["trust_labels"] = [
        {
            "kind": t["kind"],
            "activated_at": utc(t["activated_at"]),
            "revoked_at": utc(t.get("revoked_at")),
        }
        for t in labels
    ]
    packs = sorted(
        p.get("packs", []),
        key=lambda k: _key(
            parse(k["starts_at"]),
            k["name"],
            _when(k.get("ends_at")),
            None if "price_eur" not in k else float(k["price_eur"]),
        ),
    )
    out["packs"] = [_expected_pack(k) for k in packs]
    incidents = sorted(
        p.get("payment_incidents", []),
        key=lambda i: _key(parse(i["at"]), i["kind"], _when(i.get("resolved_at"))),
    )
    out["payment_incidents"] = [
        {"at": utc(i["at"]), "kind": i["kind"], "resolved_at": utc(i.get("resolved_at"))}
        for i in incidents
    ]
    purchases = sorted(
        p.get("contact_purchases", []), key=lambda c: (parse(c["purchased_at"]), c["ref"])
    )
    out["contact_purchases"] = [_expected_purchase(c) for c in purchases]
    reviews = sorted(p.get("reviews", []), key=lambda r: (parse(r["at"]), r["ref"]))
    out["reviews"] = [_expected_review(r) for r in reviews]
    claims = sorted(p.get("claims", []), key=lambda c: (parse(c["submitted_at"]), c["ref"]))
    out["claims"] = [
        {
            "ref": c["ref"],
            "submitted_at": utc(c["submitted_at"]),
            "status": c.get("status", "open"),
            "explanations": [
                {
                    "contact_ref": e["contact_ref"],
                    "text": e["text"],
                    "verification": e.get("verification"),
                }
                for e in sorted(c.get("explanations", []), key=lambda e: e["contact_ref"])
            ],
        }
        for c in claims
    ]
    return out


def _expected_pack(k: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": k["name"],
        "starts_at": utc(k["starts_at"]),
        "ends_at": utc(k.get("ends_at")),
    }
    if "price_eur" in k:
        out["price_eur"] = float(k["price_eur"])
    return out


def _expected_purchase(c: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ref": c["ref"],
        "purchased_at": utc(c["purchased_at"]),
        "price_credits": c["price_credits"],
        "channel": c["channel"],
        "first_contacted_at": utc(c.get("first_contacted_at")),
        "job_won": c.get("job_won", False),
    }
    for key in ("client_name", "client_phone", "job_title", "city"):
        if key in c:
            out[key] = c[key]
    return out


def _expected_review(r: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ref": r["ref"],
        "at": utc(r["at"]),
        "rating": r["rating"],
        "source": r["source"],
        "contact_ref": r.get("contact_ref"),
    }
    if "text" in r:
        out["text"] = r["text"]
    return out


# --- a fixed sample and ways to break it ----------------------------------------

DELETE: Any = object()
Where = tuple[str | int, ...]


def sample() -> dict[str, Any]:
    """Two professionals with every kind of record."""
    return {
        "format": FORMAT,
        "professionals": [
            {
                "ref": "P-1",
                "market": "FR",
                "company_name": "Énergie  Plus",
                "email": " Contact@Energie.FR ",
                "phone": "+33 1 84 88 82 46",
                "created_at": "2026-01-05T09:00:00+01:00",
                "profile_completeness": [
                    {"at": "2026-01-05T08:00:00Z", "percent": 40},
                    {"at": "2026-01-06T08:00:00Z", "percent": 90},
                ],
                "trust_labels": [
                    {
                        "kind": "verified_company",
                        "activated_at": "2026-01-05T08:00:00Z",
                        "revoked_at": None,
                    },
                    {"kind": "trade_license", "activated_at": "2026-01-05T08:00:00Z"},
                ],
                "packs": [
                    {
                        "name": "Pro",
                        "starts_at": "2026-01-05T08:00:00Z",
                        "ends_at": "2027-01-05T08:00:00Z",
                        "price_eur": 49.9,
                    }
                ],
                "payment_incidents": [
                    {
                        "at": "2026-02-01T08:00:00Z",
                        "kind": "card_declined",
                        "resolved_at": "2026-02-02T08:00:00Z",
                    }
                ],
                "contact_purchases": [
                    {
                        "ref": "C-1",
                        "purchased_at": "2026-01-10T10:00:00Z",
                        "price_credits": 12,
                        "channel": "priority_discount",
                        "first_contacted_at": "2026-01-10T11:00:00Z",
                        "job_won": False,
                        "client_name": "Jean Dupont",
                        "city": "Lyon",
                    },
                    {
                        "ref": "C-2",
                        "purchased_at": "2026-01-11T10:00:00.250000+01:00",
                        "price_credits": 15,
                        "channel": "standard",
                    },
                ],
                "reviews": [
                    {
                        "ref": "R-1",
                        "at": "2026-01-20T10:00:00Z",
                        "rating": 5,
                        "source": "platform_contact",
                        "contact_ref": "C-1",
                        "text": "Très bien",
                    },
                    {
                        "ref": "R-2",
                        "at": "2026-01-21T10:00:00Z",
                        "rating": 3,
                        "source": "former_client",
                    },
                ],
                "claims": [
                    {
                        "ref": "L-1",
                        "submitted_at": "2026-05-01T10:00:00Z",
                        "status": "open",
                        "explanations": [
                            {"contact_ref": "C-1", "text": "No answer.", "verification": None},
                            {"contact_ref": "C-2", "text": "Wrong number."},
                        ],
                    }
                ],
            },
            {
                "ref": "P-2",
                "market": "PT",
                "company_name": "Obras Lda",
                "created_at": "2026-01-07T09:00:00Z",
                "contact_purchases": [
                    {
                        "ref": "C-3",
                        "purchased_at": "2026-01-12T10:00:00Z",
                        "price_credits": 9,
                        "channel": "standard",
                    }
                ],
            },
        ],
    }


def changed(doc: Any, path: Where, value: Any) -> Any:
    """A copy of `doc` with the value at `path` replaced (or removed: DELETE)."""
    doc = copy.deepcopy(doc)
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    if value is DELETE:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return doc


def walk(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every (path, value) of a JSON document, paths as the validator writes them."""
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from walk(item, f"{path}[{i}]")
