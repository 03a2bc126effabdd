"""The claim queue in SQL: filtered, sorted and read a page at a time.

The queue can hold 100,000 claims; the screen shows forty. Counting and
paging happen in the database with the stored verdicts (services/verdicts),
so no query here evaluates the policy.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final

from sqlalchemy import ColumnElement, Connection, Select, and_, case, false, func, or_, select
from sqlalchemy.exc import OperationalError

from guarantee_tui.filters import ExactRef, QueueFilter, QueueResult, QueueRow, QueueSort
from guarantee_tui.store import queue_shape as shape
from guarantee_tui.store import search as tokens
from guarantee_tui.store.clock import database_now
from guarantee_tui.store.models import Claim, ContactPurchase, Explanation, Professional
from guarantee_tui.text import email_key, fold, parse_query, phone_key

_TABLES: Final = {
    Claim.__tablename__: Claim.__table__,
    Professional.__tablename__: Professional.__table__,
}


def _column(column: shape.Column) -> ColumnElement[Any]:
    return _TABLES[column.table].c[column.name]


def _order_item(item: shape.OrderItem) -> ColumnElement[Any]:
    if isinstance(item, shape.OpenFirst):
        return case((_column(item.column) == item.value, 0), else_=1)
    return _column(item)


# What a ref looks like (CL-000039, FR-00027, L-0000396): letters or digits
# joined by hyphens, no spaces. Anything else is never looked up as a ref.
REF_SHAPE: Final = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+")


def exact_ref(conn: Connection, text: str) -> ExactRef | None:
    """What `text`, if it is exactly a claim, professional or contact ref (in
    any case), designates; None otherwise. Three unique-index lookups at most."""
    raw = text.strip()
    if not REF_SHAPE.fullmatch(raw):
        return None
    key = raw.upper()
    claim = conn.execute(select(Claim.ref, Claim.status).where(Claim.ref == key)).first()
    if claim is not None:
        return ExactRef("claim", claim.ref, ((claim.ref, claim.status),))
    by_date = (Claim.submitted_at, Claim.ref)
    pro = conn.execute(select(Professional.id, Professional.ref).where(Professional.ref == key))
    found = pro.first()
    if found is not None:
        rows = conn.execute(
            select(Claim.ref, Claim.status)
            .where(Claim.professional_id == found.id)
            .order_by(*by_date)
        )
        return ExactRef("professional", found.ref, tuple((r.ref, r.status) for r in rows))
    contact = conn.execute(
        select(ContactPurchase.professional_id, ContactPurchase.ref).where(
            ContactPurchase.ref.in_(sorted({raw, key}))
        )
    ).first()
    if contact is None:
        return None
    # The professional's claims first (few), then their explanations' index.
    rows = conn.execute(
        select(Claim.ref, Claim.status)
        .join(Explanation, Explanation.claim_id == Claim.id)
        .where(Claim.professional_id == contact.professional_id)
        .where(Explanation.contact_ref == contact.ref)
        .order_by(*by_date)
    )
    return ExactRef("contact", contact.ref, tuple((r.ref, r.status) for r in rows))


def _exact_condition(exact: ExactRef) -> ColumnElement[bool]:
    refs = [ref for ref, _ in exact.claims]
    return Claim.ref.in_(refs) if refs else false()


# Professionals one indexed range may bring back before the filter scans instead.
TOKEN_LIMIT: Final = 3_000
# Letters a word needs before a range too broad for TOKEN_LIMIT is still read
# through the index rather than by the scan (measured: bench.py, 100,000).
BROAD_WORD: Final = 4


def _indexed_condition(conn: Connection, text: str) -> ColumnElement[bool] | None:
    """The claims whose ref, or whose professional's phone, e-mail, ref or a
    company word, starts with `text`, found through indexes (the search
    tokens of store/search.py, the claims' refs) in milliseconds; None when
    they find nothing (the text may be inside a word: the scan looks) or too
    much to be quicker than the scan."""
    query = parse_query(text)
    if query.empty or query.too_long:
        return None
    # A claim ref's start lists those claims, not every claim of their professionals.
    skip = frozenset({"claim"})
    ids = tokens.starts(conn, query, TOKEN_LIMIT, skip=skip)
    options: list[ColumnElement[bool]] = []
    if ids is None:
        # Too many for a list of ids. A word of a few letters ("rénovation":
        # 9,000 of 100,000 companies) is still found through the index, read
        # as subqueries, in half the scan's time; a letter or two is left to
        # the scan, which is then as quick and finds it inside words too.
        if max((len(w) for w in query.words), default=0) < BROAD_WORD:
            return None
        options += [Claim.professional_id.in_(r) for r in tokens.ranges(query, skip)]
    elif ids:
        options.append(Claim.professional_id.in_(sorted(ids)))
    if query.ref and any(c.isdigit() for c in query.ref):
        key = query.ref.upper()
        high = tokens.upper_bound(key)
        by_ref = Claim.ref >= key if high is None else and_(Claim.ref >= key, Claim.ref < high)
        found = conn.execute(
            select(func.count()).select_from(
                select(Claim.id).where(by_ref).limit(TOKEN_LIMIT).subquery()
            )
        ).scalar_one()
        if found >= TOKEN_LIMIT:
            return None
        if found:
            options.append(by_ref)
    return or_(*options) if options else None


def _resolve_text(conn: Connection, text: str) -> Text:
    """What the filter's text selects: the claims an exact ref designates, else
    the indexed starts, else a scan for the text anywhere in the searched columns."""
    if not text.strip():
        return NO_TEXT
    exact = exact_ref(conn, text)
    if exact is not None:
        return Text(exact, _exact_condition(exact), selective=True)
    indexed = _indexed_condition(conn, text)
    if indexed is not None:
        return Text(None, indexed, selective=True)
    return Text(None, _text_condition(text))


def _text_condition(text: str) -> ColumnElement[bool] | None:
    raw = text.strip()
    if not raw:
        return None
    lowered = raw.lower()
    options: list[ColumnElement[bool]] = [
        func.lower(Claim.ref).contains(lowered, autoescape=True),
        func.lower(Professional.ref).contains(lowered, autoescape=True),
    ]
    folded = fold(raw)
    if folded:
        options.append(Professional.company_key.contains(folded, autoescape=True))
    mail = email_key(raw)
    if mail:
        options.append(Professional.email_key.contains(mail, autoescape=True))
    # Only something that reads as a phone number is matched against phones.
    digits = sum(c.isdigit() for c in raw)
    phone = phone_key(raw)
    if phone and digits >= 4 and digits * 2 >= len(raw.replace(" ", "")):
        options.append(Professional.phone_key.contains(phone, autoescape=True))
    return or_(*options)


@dataclass(frozen=True, slots=True)
class Text:
    """The filter's text as SQL: the ref it is exactly, if so, and its condition."""

    exact: ExactRef | None = None
    condition: ColumnElement[bool] | None = None
    # Found through an index, a few claims at most: the other filters must not
    # lead the query planner to their own, far broader, indexes.
    selective: bool = False


NO_TEXT: Final = Text()


def _loose(f: QueueFilter) -> Text:
    """The text looked for anywhere, for callers without a connection."""
    return Text(None, _text_condition(f.text))


def _claim_column(column: shape.Column, text: Text) -> ColumnElement[Any]:
    # `|| ''` keeps SQLite from scanning the status (or verdict) index when the
    # text's own index finds a few claims; the value is the same on both backends.
    found = _column(column)
    return found.concat("") if text.selective else found


def _professional_conditions(f: QueueFilter, text: Text = NO_TEXT) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if text.condition is not None and text.exact is None:
        conditions.append(text.condition)
    if f.markets:
        conditions.append(Professional.market.in_(sorted(f.markets)))
    return conditions


def _claim_conditions(f: QueueFilter, text: Text = NO_TEXT) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if text.exact is not None and text.condition is not None:
        # Only what the ref designates: a loose match never hides an exact one.
        conditions.append(text.condition)
    if f.statuses:
        conditions.append(_claim_column(shape.STATUS, text).in_(sorted(f.statuses)))
    if f.verdicts:
        conditions.append(_claim_column(shape.VERDICT, text).in_(sorted(f.verdicts)))
    # A lease counts until it expires, by the database's clock (store/leases.py).
    if f.held_by is not None:
        conditions.append(Claim.holder == f.held_by)
        conditions.append(Claim.held_until > database_now())
    if f.unheld:
        conditions.append(or_(Claim.holder.is_(None), Claim.held_until <= database_now()))
    return conditions


def _where(f: QueueFilter, text: Text) -> list[ColumnElement[bool]]:
    return [*_professional_conditions(f, text), *_claim_conditions(f, text)]


def _order(sort: QueueSort, f: QueueFilter) -> list[Any]:
    if sort.column is None:
        return [_order_item(item) for item in shape.default_order(f)]
    column = _column(shape.SORT_COLUMNS[sort.column])
    descending = sort.descending != (sort.column == "age")
    return [column.desc() if descending else column.asc(), _column(shape.TIEBREAK)]


def _base(columns: Sequence[Any], f: QueueFilter, text: Text) -> Any:
    joined, to = shape.JOIN
    stmt = (
        select(*columns)
        .select_from(_TABLES[shape.CLAIMS])
        .join(_TABLES[joined.table], _column(joined) == _column(to))
    )
    for condition in _where(f, text):
        stmt = stmt.where(condition)
    return stmt


def _count(conn: Connection, f: QueueFilter, text: Text) -> int:
    if _professional_conditions(f, text):
        return int(conn.execute(_base([func.count()], f, text)).scalar_one())
    # Nothing asked of the professionals: the claims' own index counts them.
    stmt = select(func.count()).select_from(Claim)
    for condition in _claim_conditions(f, text):
        stmt = stmt.where(condition)
    return int(conn.execute(stmt).scalar_one())


def count(conn: Connection, f: QueueFilter) -> int:
    return _count(conn, f, _resolve_text(conn, f.text))


def page_statement(f: QueueFilter, sort: QueueSort, text: Text | None = None) -> Select[Any]:
    """The page's rows in order, before OFFSET and LIMIT (store/first_page.py
    writes the same in SQL text). Without `text` resolved on a connection, the
    filter's text is looked for anywhere in the searched columns."""
    stmt: Select[Any] = _base(
        [_column(c) for c in shape.PAGE_COLUMNS], f, _loose(f) if text is None else text
    )
    return stmt.order_by(*_order(sort, f))


def _page(
    conn: Connection,
    f: QueueFilter,
    sort: QueueSort,
    offset: int,
    limit: int,
    text: Text,
) -> list[QueueRow]:
    stmt = page_statement(f, sort, text).offset(offset).limit(limit)
    return [QueueRow(*row) for row in conn.execute(stmt)]


def page(
    conn: Connection, f: QueueFilter, sort: QueueSort, offset: int, limit: int
) -> list[QueueRow]:
    return _page(conn, f, sort, offset, limit, _resolve_text(conn, f.text))


class SearchCancelled(Exception):
    """A newer search made this one pointless; SQLite stopped it mid-query."""


# SQLite virtual machine steps between two looks at whether a search is still wanted
# (each look takes the GIL: a few milliseconds of work apart).
CANCEL_CHECK_STEPS: Final = 20_000


def search(
    conn: Connection,
    f: QueueFilter,
    sort: QueueSort,
    offset: int,
    limit: int,
    cancelled: Callable[[], bool] | None = None,
) -> QueueResult:
    """The count, the page at `offset` and what an exact ref designates, in one
    go. On SQLite, `cancelled` is asked every few thousand steps and a True
    stops the query (SearchCancelled): a key typed since makes it stale."""
    raw = conn.connection.driver_connection
    handler = getattr(raw, "set_progress_handler", None)
    watched = cancelled is not None and handler is not None
    if watched:
        assert cancelled is not None and handler is not None
        handler(lambda: 1 if cancelled() else 0, CANCEL_CHECK_STEPS)
    try:
        text = _resolve_text(conn, f.text)
        total = _count(conn, f, text)
        start = min(offset, max(total - 1, 0)) // max(limit, 1) * max(limit, 1)
        rows = _page(conn, f, sort, start, limit, text) if total else []
    except OperationalError as exc:
        if cancelled is not None and cancelled():
            raise SearchCancelled from exc
        raise
    finally:
        if watched:
            assert handler is not None
            handler(None, 0)
    return QueueResult(total, start, rows, text.exact)


def next_open(
    conn: Connection, f: QueueFilter, sort: QueueSort, *, skip: str, agent: str
) -> str | None:
    """The first open claim in the queue's order under `f` (whatever its status
    filter), other than `skip`, that nobody but `agent` holds now."""
    f = replace(f, statuses=frozenset({"open"}), held_by=None, unheld=False)
    stmt = (
        _base([Claim.ref], f, _resolve_text(conn, f.text))
        .where(Claim.ref != skip)
        .where(
            or_(
                Claim.holder.is_(None),
                Claim.holder == agent,
                Claim.held_until <= database_now(),
            )
        )
        .order_by(*_order(sort, f))
        .limit(1)
    )
    ref = conn.execute(stmt).scalar_one_or_none()
    return None if ref is None else str(ref)
