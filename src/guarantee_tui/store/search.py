"""Finding professionals by phone, e-mail, company name or ref: the phone desk's queries.

Every searchable value is kept, normalised, in `search_tokens` (one row per
professional and word) with an index on (kind, token) that sorts bytes on
both backends. A lookup is therefore a handful of index range scans, each
limited, whatever the size of the database:

- phone, e-mail, professional and claim refs: `token >= key AND token < key+1`
  (a prefix; the exact value sorts first);
- company names: a prefix of one word of the query, the other words checked
  with EXISTS on the primary key (professional_id, kind, token);
- contact refs: the unique index of `contact_purchases.ref`, exact, in the
  case written, upper or lower case (2.5 million contacts are not worth a
  token each).

`sync(conn, professional_ids)` rebuilds the tokens of some professionals;
whatever writes professionals or claims (the importer, the seed) calls it
in the same transaction. `rebuild(conn)` does all of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Final

from sqlalchemy import Connection, Select, delete, exists, insert, select
from sqlalchemy.orm import aliased

from guarantee_tui.store.models import Claim, ContactPurchase, Professional, SearchToken
from guarantee_tui.text import SearchQuery, email_key, phone_key, ref_key, words

KINDS: Final = ("company", "email", "phone", "ref", "claim")
TOKEN_LENGTH: Final = 320
# How many rows one range may bring back before ranking (a prefix of one
# letter matches thousands of words; the first ones in order are enough).
RANGE_LIMIT: Final = 200
SYNC_BATCH: Final = 500

# What a result matched, best first: the order results are ranked in.
MATCHED_ON: Final = ("phone", "email", "ref", "claim", "contact", "company")


@dataclass(frozen=True, slots=True)
class Hit:
    """One professional found, and why."""

    professional_id: int
    matched_on: str  # one of MATCHED_ON
    exact: bool
    # The stored token that matched (its order ranks hits of the same kind).
    token: str


@dataclass(frozen=True, slots=True)
class FoundProfessional:
    id: int
    ref: str
    company: str
    market: str
    email: str | None
    phone: str | None
    status: str


# --- the tokens --------------------------------------------------------------


def _cut(value: str) -> str:
    return value[:TOKEN_LENGTH]


def tokens_for(
    ref: str,
    company: str,
    email: str | None,
    phone: str | None,
    claim_refs: Iterable[str] = (),
) -> set[tuple[str, str]]:
    """The (kind, token) pairs one professional is found by.

    The phone is parsed here, when it is written (text.phone_key), so a
    lookup compares stored keys and parses only what was typed.
    """
    found: set[tuple[str, str]] = {("company", _cut(w)) for w in words(company)}
    mail = email_key(email)
    if mail:
        found.add(("email", _cut(mail)))
    number = phone_key(phone)
    if number:
        found.add(("phone", _cut(number)))
    own = ref_key(ref)
    if own:
        found.add(("ref", _cut(own)))
    for claim_ref in claim_refs:
        key = ref_key(claim_ref)
        if key:
            found.add(("claim", _cut(key)))
    return found


def _chunks(values: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def sync(conn: Connection, professional_ids: Iterable[int]) -> None:
    """Rebuilds the tokens of these professionals, in the caller's transaction.

    Costs three statements per batch of 500 professionals (read, delete,
    insert), whatever changed.
    """
    ids = sorted(set(professional_ids))
    for chunk in _chunks(ids, SYNC_BATCH):
        pros = conn.execute(
            select(
                Professional.id,
                Professional.ref,
                Professional.company_name,
                Professional.email,
                Professional.phone,
            ).where(Professional.id.in_(chunk))
        ).all()
        claims: dict[int, list[str]] = {}
        for pid, claim_ref in conn.execute(
            select(Claim.professional_id, Claim.ref).where(Claim.professional_id.in_(chunk))
        ):
            claims.setdefault(pid, []).append(claim_ref)
        conn.execute(delete(SearchToken).where(SearchToken.professional_id.in_(chunk)))
        rows = [
            {"professional_id": pid, "kind": kind, "token": token}
            for pid, ref, company, email, phone in pros
            for kind, token in sorted(tokens_for(ref, company, email, phone, claims.get(pid, ())))
        ]
        if rows:
            conn.execute(insert(SearchToken), rows)


def rebuild(conn: Connection) -> int:
    """Rebuilds every professional's tokens; returns how many professionals."""
    last = 0
    done = 0
    while True:
        ids = list(
            conn.execute(
                select(Professional.id)
                .where(Professional.id > last)
                .order_by(Professional.id)
                .limit(SYNC_BATCH)
            ).scalars()
        )
        if not ids:
            return done
        sync(conn, ids)
        done += len(ids)
        last = ids[-1]


# --- the lookup ----------------------------------------------------------------


def upper_bound(prefix: str) -> str | None:
    """The smallest string above every string that starts with `prefix`
    (code-point order, which is UTF-8 byte order); None when there is none."""
    chars = list(prefix)
    while chars:
        last = ord(chars.pop())
        if last >= 0x10FFFF:
            continue
        nxt = last + 1
        if 0xD800 <= nxt <= 0xDFFF:  # surrogates cannot be stored
            nxt = 0xE000
        return "".join(chars) + chr(nxt)
    return None


def _range(kind: str, prefix: str, limit: int = RANGE_LIMIT) -> Select[int, str]:
    """The tokens of `kind` that start with `prefix`, in byte order."""
    stmt = (
        select(SearchToken.professional_id, SearchToken.token)
        .where(SearchToken.kind == kind, SearchToken.token >= prefix)
        .order_by(SearchToken.token)
        .limit(limit)
    )
    high = upper_bound(prefix)
    if high is not None:
        stmt = stmt.where(SearchToken.token < high)
    return stmt


def _company(query_words: Sequence[str], limit: int = RANGE_LIMIT) -> Select[int, str]:
    """Professionals with a company word starting with each query word."""
    # The longest word drives the scan: it is usually the rarest.
    driver = max(query_words, key=len)
    stmt = _range("company", driver, limit)
    others = [w for w in query_words if w != driver]
    for word in others:
        other = aliased(SearchToken)
        condition = exists().where(
            other.professional_id == SearchToken.professional_id,
            other.kind == "company",
            other.token >= word,
        )
        high = upper_bound(word)
        if high is not None:
            condition = condition.where(other.token < high)
        stmt = stmt.where(condition)
    return stmt


def _contact(ref: str, limit: int = RANGE_LIMIT) -> Select[int, str]:
    variants = sorted({ref, ref.upper(), ref.lower()})
    return (
        select(ContactPurchase.professional_id, ContactPurchase.ref)
        .where(ContactPurchase.ref.in_(variants))
        .limit(limit)
    )


@dataclass(frozen=True, slots=True)
class Search:
    """One query of a lookup: what it matches on, and the value an exact hit equals."""

    matched_on: str
    statement: Select[int, str]
    exact_value: str | None
    # Matches that are only a guess (a word that may start an e-mail) rank last.
    weak: bool = False


def statements(query: SearchQuery, limit: int = RANGE_LIMIT) -> list[Search]:
    """The queries a lookup runs (also for EXPLAIN in the tests)."""
    found: list[Search] = []
    if query.phone:
        found.append(Search("phone", _range("phone", query.phone, limit), query.phone))
    if query.email:
        found.append(Search("email", _range("email", query.email, limit), query.email))
    if query.ref:
        # A start of a ref has a digit ("cl-0001"); "fr" alone would list a market.
        has_digit = any(c.isdigit() for c in query.ref)
        for kind in ("ref", "claim"):
            stmt = _range(kind, query.ref, limit)
            if not has_digit:
                stmt = stmt.where(SearchToken.token == query.ref)
            found.append(Search(kind, stmt, query.ref))
        found.append(Search("contact", _contact(query.ref, limit), query.ref))
        if not query.email and len(query.ref) >= 3:
            # "geral" may be the start of an e-mail address.
            found.append(Search("email", _range("email", query.ref, limit), query.ref, weak=True))
    if query.words:
        found.append(Search("company", _company(query.words, limit), None))
    return found


def starts(
    conn: Connection, query: SearchQuery, limit: int, skip: frozenset[str] = frozenset()
) -> frozenset[int] | None:
    """Every professional whose phone, e-mail, ref, claim ref, contact ref or a
    company word starts with what `query` holds, unranked (the queue's filter),
    less the kinds in `skip`; None when one range alone reaches `limit`: too
    broad for the index to answer faster than a scan."""
    found: set[int] = set()
    for search in statements(query, limit):
        if search.matched_on in skip:
            continue
        rows = conn.execute(search.statement).all()
        if len(rows) >= limit:
            return None
        found.update(pid for pid, _ in rows)
    return frozenset(found)


def ranges(query: SearchQuery, skip: frozenset[str] = frozenset()) -> list[Select[tuple[int]]]:
    """The professionals `starts` looks for, each range as a subquery of their
    ids, whole (no limit): for a range too broad for a list of ids."""
    found: list[Select[tuple[int]]] = []
    for search in statements(query):
        if search.matched_on in skip:
            continue
        stmt = search.statement
        found.append(stmt.with_only_columns(stmt.selected_columns[0]).order_by(None).limit(None))
    return found


def _tier(search: Search, token: str, query: SearchQuery) -> tuple[int, bool]:
    """Where a hit ranks (lower first), and whether it is exact."""
    if search.matched_on == "company":
        exact = token in query.words
        return (2 if exact else 3), exact
    if search.weak:
        return 4, False
    exact = token == search.exact_value
    return (0 if exact else 1), exact


def find(conn: Connection, query: SearchQuery, limit: int = 50) -> list[Hit]:
    """The professionals `query` finds, best first, each once.

    Exact phones, e-mails and refs come first, then their starts, then
    company names (a whole word before a start of one); within each, by
    kind and the matched value's order.
    """
    best: dict[int, tuple[tuple[int, int, str, int], Hit]] = {}
    for search in statements(query):
        for pid, stored in conn.execute(search.statement):
            token = stored.casefold() if search.matched_on == "contact" else stored
            tier, exact = _tier(search, token, query)
            rank = (tier, MATCHED_ON.index(search.matched_on), token, pid)
            current = best.get(pid)
            if current is None or rank < current[0]:
                best[pid] = (rank, Hit(pid, search.matched_on, exact, token))
    ranked = sorted(best.values(), key=lambda pair: pair[0])
    return [hit for _, hit in ranked[:limit]]


def professionals(conn: Connection, ids: Sequence[int]) -> dict[int, FoundProfessional]:
    if not ids:
        return {}
    rows = conn.execute(
        select(
            Professional.id,
            Professional.ref,
            Professional.company_name,
            Professional.market,
            Professional.email,
            Professional.phone,
            Professional.status,
        ).where(Professional.id.in_(list(ids)))
    )
    return {row.id: FoundProfessional(*row) for row in rows}


def professional_id(conn: Connection, ref: str) -> int | None:
    """The id of the professional with this ref (exact, then any case)."""
    found = conn.execute(select(Professional.id).where(Professional.ref == ref)).scalar()
    if found is not None:
        return int(found)
    key = ref_key(ref)
    if not key:
        return None
    row = conn.execute(
        select(SearchToken.professional_id).where(
            SearchToken.kind == "ref", SearchToken.token == key
        )
    ).first()
    return None if row is None else int(row[0])
