"""The claim queue in SQL: filtered, sorted and read a page at a time.

The queue can hold 100,000 claims; the screen shows forty. Counting and
paging happen in the database with the stored verdicts (services/verdicts),
so no query here evaluates the policy.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, Final

from sqlalchemy import ColumnElement, Connection, Select, case, false, func, or_, select
from sqlalchemy.exc import OperationalError

from guarantee_tui.filters import ExactRef, QueueFilter, QueueResult, QueueRow, QueueSort
from guarantee_tui.store import queue_shape as shape
from guarantee_tui.store.clock import database_now
from guarantee_tui.store.models import Claim, ContactPurchase, Explanation, Professional
from guarantee_tui.text import email_key, fold, phone_key

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


def _professional_conditions(
    f: QueueFilter, exact: ExactRef | None = None
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    text_condition = None if exact is not None else _text_condition(f.text)
    if text_condition is not None:
        conditions.append(text_condition)
    if f.markets:
        conditions.append(Professional.market.in_(sorted(f.markets)))
    return conditions


def _claim_conditions(f: QueueFilter, exact: ExactRef | None = None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if exact is not None:
        # Only what the ref designates: a loose match never hides an exact one.
        conditions.append(_exact_condition(exact))
    if f.statuses:
        conditions.append(_column(shape.STATUS).in_(sorted(f.statuses)))
    if f.verdicts:
        conditions.append(Claim.verdict.in_(sorted(f.verdicts)))
    # A lease counts until it expires, by the database's clock (store/leases.py).
    if f.held_by is not None:
        conditions.append(Claim.holder == f.held_by)
        conditions.append(Claim.held_until > database_now())
    if f.unheld:
        conditions.append(or_(Claim.holder.is_(None), Claim.held_until <= database_now()))
    return conditions


def _where(f: QueueFilter, exact: ExactRef | None = None) -> list[ColumnElement[bool]]:
    return [*_professional_conditions(f, exact), *_claim_conditions(f, exact)]


def _order(sort: QueueSort, f: QueueFilter) -> list[Any]:
    if sort.column is None:
        return [_order_item(item) for item in shape.default_order(f)]
    column = _column(shape.SORT_COLUMNS[sort.column])
    descending = sort.descending != (sort.column == "age")
    return [column.desc() if descending else column.asc(), _column(shape.TIEBREAK)]


def _base(columns: Sequence[Any], f: QueueFilter, exact: ExactRef | None = None) -> Any:
    joined, to = shape.JOIN
    stmt = (
        select(*columns)
        .select_from(_TABLES[shape.CLAIMS])
        .join(_TABLES[joined.table], _column(joined) == _column(to))
    )
    for condition in _where(f, exact):
        stmt = stmt.where(condition)
    return stmt


def _count(conn: Connection, f: QueueFilter, exact: ExactRef | None) -> int:
    if _professional_conditions(f, exact):
        return int(conn.execute(_base([func.count()], f, exact)).scalar_one())
    # Nothing asked of the professionals: the claims' own index counts them.
    stmt = select(func.count()).select_from(Claim)
    for condition in _claim_conditions(f, exact):
        stmt = stmt.where(condition)
    return int(conn.execute(stmt).scalar_one())


def count(conn: Connection, f: QueueFilter) -> int:
    return _count(conn, f, exact_ref(conn, f.text) if f.text else None)


def page_statement(f: QueueFilter, sort: QueueSort, exact: ExactRef | None = None) -> Select[Any]:
    """The page's rows in order, before OFFSET and LIMIT (store/first_page.py
    writes the same in SQL text)."""
    stmt: Select[Any] = _base([_column(c) for c in shape.PAGE_COLUMNS], f, exact)
    return stmt.order_by(*_order(sort, f))


def _page(
    conn: Connection,
    f: QueueFilter,
    sort: QueueSort,
    offset: int,
    limit: int,
    exact: ExactRef | None,
) -> list[QueueRow]:
    stmt = page_statement(f, sort, exact).offset(offset).limit(limit)
    return [QueueRow(*row) for row in conn.execute(stmt)]


def page(
    conn: Connection, f: QueueFilter, sort: QueueSort, offset: int, limit: int
) -> list[QueueRow]:
    return _page(conn, f, sort, offset, limit, exact_ref(conn, f.text) if f.text else None)


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
        exact = exact_ref(conn, f.text) if f.text else None
        total = _count(conn, f, exact)
        start = min(offset, max(total - 1, 0)) // max(limit, 1) * max(limit, 1)
        rows = _page(conn, f, sort, start, limit, exact) if total else []
    except OperationalError as exc:
        if cancelled is not None and cancelled():
            raise SearchCancelled from exc
        raise
    finally:
        if watched:
            assert handler is not None
            handler(None, 0)
    return QueueResult(total, start, rows, exact)
