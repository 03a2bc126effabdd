"""Validating a case file: the schema's rules, then what the schema cannot say.

`parse_professional` checks one element of `professionals` against
tests/data/case-file.schema.json (accepting exactly what the
schema accepts, plus what the database can store: string lengths, no NUL,
32-bit integers) and returns it as frozen records. `CrossChecker` then
checks the records against each other and against the database: refs
unique in the file, not owned by another professional in the database,
reviews and explanations that name a contact of their professional.
`validate_case_file` runs both over a whole file, streaming, keeping only
the sets of refs.

Problems read `<json path>: <problem>`, e.g.
`professionals[3].contact_purchases[7].purchased_at: not an ISO 8601 date-time`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Protocol, TypeVar

import ijson

from guarantee_tui.policy.messages import msg
from guarantee_tui.policy.window import MAX_PRICE_CREDITS
from guarantee_tui.services.case_files import fields as f
from guarantee_tui.services.case_files.errors import CaseFileUnreadable, InvalidCaseFile
from guarantee_tui.services.case_files.reading import (
    BadText,
    Document,
    TrackingReader,
    WrongFormat,
    bad_bytes,
    not_json,
    number_too_long,
    open_source,
)
from guarantee_tui.services.case_files.records import (
    ABSENT,
    Absent,
    ClaimEntry,
    CompletenessEntry,
    ExplanationEntry,
    IncidentEntry,
    LabelEntry,
    PackEntry,
    ProfessionalEntry,
    PurchaseEntry,
    ReviewEntry,
)
from guarantee_tui.store.models import Base

T = TypeVar("T")

CHUNK_SIZE: Final = 500
KEYED: Final = ("contact_purchases", "reviews", "claims")


def _length(table: str, column: str) -> int | None:
    """The column's maximum length in the database, so a file cannot overflow it."""
    length: int | None = getattr(Base.metadata.tables[table].c[column].type, "length", None)
    return length


def _ref(table: str) -> f.Check[str]:
    return f.text(min_length=1, max_length=_length(table, "ref"))


_PRO_REF = _ref("professionals")
_MARKET = f.choice_of(("FR", "PT"))
_COMPANY = f.text(min_length=1, max_length=_length("professionals", "company_name"))
_EMAIL = f.text(max_length=_length("professionals", "email"))
_PHONE = f.text(max_length=_length("professionals", "phone"))
_PERCENT = f.integer(minimum=0, maximum=100)
_LABEL_KIND = f.choice_of(
    ("verified_independent", "verified_company", "liability_insurance", "trade_license")
)
_PACK_NAME = f.text(max_length=_length("packs", "name"))
_PRICE_EUR = f.number(minimum=0)
_INCIDENT_KIND = f.text(max_length=_length("payment_incidents", "kind"))
_PURCHASE_REF = _ref("contact_purchases")
_CREDITS = f.integer(minimum=0, maximum=MAX_PRICE_CREDITS)
_CHANNEL = f.choice_of(("priority_discount", "standard"))
_PURCHASE_TEXT = {
    key: f.text(max_length=_length("contact_purchases", key))
    for key in ("client_name", "client_phone", "job_title", "city")
}
_REVIEW_REF = _ref("reviews")
_RATING = f.integer(minimum=1, maximum=5)
_SOURCE = f.choice_of(("platform_contact", "former_client"))
_CONTACT_REF_OR_NULL = f.text_or_null(max_length=_length("reviews", "contact_ref"))
_ANY_TEXT = f.text()
_CLAIM_REF = _ref("claims")
_STATUS = f.choice_of(("open", "approved", "rejected", "suspended"))
_EXPLAINED_REF = f.text(max_length=_length("explanations", "contact_ref"))
_VERIFICATION = f.choice(("truthful", "untruthful", None))

_PRO_KEYS = frozenset(
    (
        "ref",
        "market",
        "company_name",
        "email",
        "phone",
        "created_at",
        "profile_completeness",
        "trust_labels",
        "packs",
        "payment_incidents",
        "contact_purchases",
        "reviews",
        "claims",
    )
)
_PRO_REQUIRED = ("ref", "market", "company_name", "created_at")
_COMPLETENESS_KEYS = frozenset(("at", "percent"))
_LABEL_KEYS = frozenset(("kind", "activated_at", "revoked_at"))
_LABEL_REQUIRED = ("kind", "activated_at")
_PACK_KEYS = frozenset(("name", "starts_at", "ends_at", "price_eur"))
_PACK_REQUIRED = ("name", "starts_at")
_INCIDENT_KEYS = frozenset(("at", "kind", "resolved_at"))
_INCIDENT_REQUIRED = ("at", "kind")
_PURCHASE_KEYS = frozenset(
    (
        "ref",
        "purchased_at",
        "price_credits",
        "channel",
        "first_contacted_at",
        "job_won",
        "client_name",
        "client_phone",
        "job_title",
        "city",
    )
)
_PURCHASE_REQUIRED = ("ref", "purchased_at", "price_credits", "channel")
_REVIEW_KEYS = frozenset(("ref", "at", "rating", "source", "contact_ref", "text"))
_REVIEW_REQUIRED = ("ref", "at", "rating", "source")
_CLAIM_KEYS = frozenset(("ref", "submitted_at", "status", "explanations"))
_CLAIM_REQUIRED = ("ref", "submitted_at")
_EXPLANATION_KEYS = frozenset(("contact_ref", "text", "verification"))
_EXPLANATION_REQUIRED = ("contact_ref", "text")

Parse = Callable[[Any, str, f.Problems], T | None]


def _items(
    data: dict[str, Any], key: str, path: str, problems: f.Problems, parse: Parse[T]
) -> tuple[T, ...] | Absent:
    if key not in data:
        return ABSENT
    values = f.array(data[key], path, key, problems)
    base = f.child(path, key)
    parsed = []
    for i, item in enumerate(values):
        entry = parse(item, f"{base}[{i}]", problems)
        if entry is not None:
            parsed.append(entry)
    return tuple(parsed)


def _keyed(
    data: dict[str, Any], key: str, path: str, problems: f.Problems, parse: Parse[T]
) -> tuple[T, ...]:
    found = _items(data, key, path, problems, parse)
    return () if found is ABSENT else found


def parse_professional(value: Any, path: str, problems: f.Problems) -> ProfessionalEntry | None:
    """One element of `professionals`, or None when it has problems (all recorded)."""
    mark = len(problems)
    data = f.record(value, path, problems, _PRO_REQUIRED, _PRO_KEYS)
    if data is None:
        return None
    entry = ProfessionalEntry(
        ref=f.required(data, "ref", path, problems, _PRO_REF),
        market=f.required(data, "market", path, problems, _MARKET),
        company_name=f.required(data, "company_name", path, problems, _COMPANY),
        email=f.optional(data, "email", path, problems, _EMAIL),
        phone=f.optional(data, "phone", path, problems, _PHONE),
        created_at=f.required(data, "created_at", path, problems, f.timestamp),
        profile_completeness=_items(data, "profile_completeness", path, problems, _completeness),
        trust_labels=_items(data, "trust_labels", path, problems, _label),
        packs=_items(data, "packs", path, problems, _pack),
        payment_incidents=_items(data, "payment_incidents", path, problems, _incident),
        contact_purchases=_keyed(data, "contact_purchases", path, problems, _purchase),
        reviews=_keyed(data, "reviews", path, problems, _review),
        claims=_keyed(data, "claims", path, problems, _claim),
    )
    return None if len(problems) > mark else entry


def _completeness(value: Any, path: str, problems: f.Problems) -> CompletenessEntry | None:
    data = f.record(value, path, problems, ("at", "percent"), _COMPLETENESS_KEYS)
    if data is None:
        return None
    return CompletenessEntry(
        at=f.required(data, "at", path, problems, f.timestamp),
        percent=f.required(data, "percent", path, problems, _PERCENT),
    )


def _label(value: Any, path: str, problems: f.Problems) -> LabelEntry | None:
    mark = len(problems)
    data = f.record(value, path, problems, _LABEL_REQUIRED, _LABEL_KEYS)
    if data is None:
        return None
    entry = LabelEntry(
        kind=f.required(data, "kind", path, problems, _LABEL_KIND),
        activated_at=f.required(data, "activated_at", path, problems, f.timestamp),
        revoked_at=_or_none(f.optional(data, "revoked_at", path, problems, f.timestamp_or_null)),
    )
    if len(problems) == mark:
        f.not_before(
            entry.revoked_at, entry.activated_at, path, "revoked_at", "activated_at", problems
        )
    return entry


def _pack(value: Any, path: str, problems: f.Problems) -> PackEntry | None:
    mark = len(problems)
    data = f.record(value, path, problems, _PACK_REQUIRED, _PACK_KEYS)
    if data is None:
        return None
    entry = PackEntry(
        name=f.required(data, "name", path, problems, _PACK_NAME),
        starts_at=f.required(data, "starts_at", path, problems, f.timestamp),
        ends_at=_or_none(f.optional(data, "ends_at", path, problems, f.timestamp_or_null)),
        price_eur=_or_none(f.optional(data, "price_eur", path, problems, _PRICE_EUR)),
    )
    if len(problems) == mark:
        f.not_before(entry.ends_at, entry.starts_at, path, "ends_at", "starts_at", problems)
    return entry


def _incident(value: Any, path: str, problems: f.Problems) -> IncidentEntry | None:
    mark = len(problems)
    data = f.record(value, path, problems, _INCIDENT_REQUIRED, _INCIDENT_KEYS)
    if data is None:
        return None
    entry = IncidentEntry(
        at=f.required(data, "at", path, problems, f.timestamp),
        kind=f.required(data, "kind", path, problems, _INCIDENT_KIND),
        resolved_at=_or_none(f.optional(data, "resolved_at", path, problems, f.timestamp_or_null)),
    )
    if len(problems) == mark:
        f.not_before(entry.resolved_at, entry.at, path, "resolved_at", "at", problems)
    return entry


def _purchase(value: Any, path: str, problems: f.Problems) -> PurchaseEntry | None:
    data = f.record(value, path, problems, _PURCHASE_REQUIRED, _PURCHASE_KEYS)
    if data is None:
        return None
    text = _PURCHASE_TEXT
    return PurchaseEntry(
        ref=f.required(data, "ref", path, problems, _PURCHASE_REF),
        purchased_at=f.required(data, "purchased_at", path, problems, f.timestamp),
        price_credits=f.required(data, "price_credits", path, problems, _CREDITS),
        channel=f.required(data, "channel", path, problems, _CHANNEL),
        first_contacted_at=f.optional(
            data, "first_contacted_at", path, problems, f.timestamp_or_null
        ),
        job_won=f.optional(data, "job_won", path, problems, f.boolean),
        client_name=f.optional(data, "client_name", path, problems, text["client_name"]),
        client_phone=f.optional(data, "client_phone", path, problems, text["client_phone"]),
        job_title=f.optional(data, "job_title", path, problems, text["job_title"]),
        city=f.optional(data, "city", path, problems, text["city"]),
    )


def _review(value: Any, path: str, problems: f.Problems) -> ReviewEntry | None:
    data = f.record(value, path, problems, _REVIEW_REQUIRED, _REVIEW_KEYS)
    if data is None:
        return None
    return ReviewEntry(
        ref=f.required(data, "ref", path, problems, _REVIEW_REF),
        at=f.required(data, "at", path, problems, f.timestamp),
        rating=f.required(data, "rating", path, problems, _RATING),
        source=f.required(data, "source", path, problems, _SOURCE),
        contact_ref=f.optional(data, "contact_ref", path, problems, _CONTACT_REF_OR_NULL),
        text=f.optional(data, "text", path, problems, _ANY_TEXT),
    )


def _claim(value: Any, path: str, problems: f.Problems) -> ClaimEntry | None:
    data = f.record(value, path, problems, _CLAIM_REQUIRED, _CLAIM_KEYS)
    if data is None:
        return None
    mark = len(problems)
    explanations = _keyed(data, "explanations", path, problems, _explanation)
    first: dict[str, int] = {}
    for i, explanation in enumerate(explanations):
        earlier = first.setdefault(explanation.contact_ref, i)
        # After a bad explanation the indexes no longer match the file's.
        if earlier != i and len(problems) == mark:
            problems.add(
                f"{path}.explanations[{i}].contact_ref",
                msg(
                    'a second explanation for contact "{ref}" (the first is {place})',
                    ref=explanation.contact_ref,
                    place=f"explanations[{earlier}]",
                ),
            )
    return ClaimEntry(
        ref=f.required(data, "ref", path, problems, _CLAIM_REF),
        submitted_at=f.required(data, "submitted_at", path, problems, f.timestamp),
        status=f.optional(data, "status", path, problems, _STATUS),
        explanations=explanations,
    )


def _explanation(value: Any, path: str, problems: f.Problems) -> ExplanationEntry | None:
    data = f.record(value, path, problems, _EXPLANATION_REQUIRED, _EXPLANATION_KEYS)
    if data is None:
        return None
    return ExplanationEntry(
        contact_ref=f.required(data, "contact_ref", path, problems, _EXPLAINED_REF),
        text=f.required(data, "text", path, problems, _ANY_TEXT),
        verification=f.optional(data, "verification", path, problems, _VERIFICATION),
    )


def _or_none(value: T | Absent) -> T | None:
    return None if value is ABSENT else value


# --- across records -----------------------------------------------------------


class RefOwners(Protocol):
    """Which professional owns each of some refs in the database."""

    def owners(self, kind: str, refs: Collection[str]) -> Mapping[str, str]:
        """`kind` is one of KEYED; returns ref -> professional ref, for the refs that exist."""
        ...


@dataclass(frozen=True, slots=True)
class _Pending:
    """A contact ref named by a review or an explanation, not among the file's own."""

    path: str
    contact_ref: str
    professional: str


class CrossChecker:
    """Checks records against each other, and (per chunk) against the database.

    Keeps, for each kind of ref, the index of the professional that first
    used it: memory grows with the number of refs, not with the records.
    """

    def __init__(self, problems: f.Problems, owners: RefOwners | None) -> None:
        self._problems = problems
        self._owners = owners
        self._professionals: dict[str, int] = {}
        self._seen: dict[str, dict[str, int]] = {kind: {} for kind in KEYED}
        self._chunk: list[tuple[int, ProfessionalEntry]] = []
        self._pending: list[_Pending] = []

    def add(self, index: int, entry: ProfessionalEntry) -> None:
        path = f"professionals[{index}]"
        earlier = self._professionals.setdefault(entry.ref, index)
        if earlier != index:
            self._duplicate(f"{path}.ref", entry.ref, f"professionals[{earlier}]")
        for kind in KEYED:
            seen = self._seen[kind]
            items: tuple[PurchaseEntry | ReviewEntry | ClaimEntry, ...] = getattr(entry, kind)
            for k, item in enumerate(items):
                first = seen.get(item.ref)
                if first is None:
                    seen[item.ref] = index
                else:
                    self._duplicate(
                        f"{path}.{kind}[{k}].ref", item.ref, f"professionals[{first}].{kind}"
                    )
        self._named_contacts(path, entry)
        if self._owners is not None:
            self._chunk.append((index, entry))
            if len(self._chunk) >= CHUNK_SIZE:
                self.flush()

    def _duplicate(self, path: str, ref: str, place: str) -> None:
        self._problems.add(
            path, msg('duplicate ref "{ref}", already used in {place}', ref=ref, place=place)
        )

    def _named_contacts(self, path: str, entry: ProfessionalEntry) -> None:
        own = {p.ref for p in entry.contact_purchases}
        named: list[tuple[str, str]] = [
            (f"{path}.reviews[{k}].contact_ref", r.contact_ref)
            for k, r in enumerate(entry.reviews)
            if isinstance(r.contact_ref, str) and r.contact_ref not in own
        ]
        for c, claim in enumerate(entry.claims):
            named.extend(
                (f"{path}.claims[{c}].explanations[{k}].contact_ref", e.contact_ref)
                for k, e in enumerate(claim.explanations)
                if e.contact_ref not in own
            )
        for where, ref in named:
            if self._owners is None:
                self._not_a_contact(where, ref)
            else:
                self._pending.append(_Pending(where, ref, entry.ref))

    def _not_a_contact(self, path: str, ref: str) -> None:
        self._problems.add(
            path, msg('"{ref}" is not a contact purchase of this professional', ref=ref)
        )

    def flush(self) -> None:
        """Checks the refs of the chunk read so far against the database."""
        chunk, pending = self._chunk, self._pending
        self._chunk, self._pending = [], []
        if self._owners is None or not (chunk or pending):
            return
        for kind in KEYED:
            places: dict[str, tuple[str, str]] = {}
            for index, entry in chunk:
                for k, item in enumerate(getattr(entry, kind)):
                    places[item.ref] = (f"professionals[{index}].{kind}[{k}].ref", entry.ref)
            if not places:
                continue
            for ref, owner in self._owners.owners(kind, places.keys()).items():
                path, professional = places[ref]
                if owner != professional:
                    self._problems.add(
                        path,
                        msg(
                            '"{ref}" already belongs to professional "{owner}" in the database',
                            ref=ref,
                            owner=owner,
                        ),
                    )
        if pending:
            owners = self._owners.owners("contact_purchases", {p.contact_ref for p in pending})
            for p in pending:
                if owners.get(p.contact_ref) != p.professional:
                    self._not_a_contact(p.path, p.contact_ref)


# --- a whole file -------------------------------------------------------------


def validate_case_file(source: Path, owners: RefOwners | None) -> bytes:
    """Validates the whole file, streaming; returns the hash of its bytes.

    `owners` answers for the database being imported into (None: an empty
    one). Raises InvalidCaseFile, NotJson or CaseFileUnreadable.
    """
    problems = f.Problems()
    checker = CrossChecker(problems, owners)
    truncated = False
    with open_source(source) as raw:
        reader = TrackingReader(raw)
        try:
            for index, value in Document(reader, problems).professionals():
                entry = parse_professional(value, f"professionals[{index}]", problems)
                if entry is not None:
                    checker.add(index, entry)
            checker.flush()
        except WrongFormat as wrong:
            raise InvalidCaseFile(str(source), [wrong.problem]) from None
        except f.TooManyProblems:
            truncated = True
        except ijson.JSONError as exc:
            raise not_json(source, reader, exc) from None
        except BadText as exc:
            raise bad_bytes(source, exc) from None
        except (SystemError, ValueError) as exc:
            too_long = number_too_long(source, reader, exc)
            if too_long is None:
                raise
            raise too_long from None
        except OSError as exc:
            raise CaseFileUnreadable(str(source), exc) from exc
        if problems.items:
            raise InvalidCaseFile(str(source), problems.items, truncated=truncated)
        return reader.digest()
