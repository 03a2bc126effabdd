"""The claim queue in SQL: filtered, sorted and read a page at a time.

The queue can hold 100,000 claims; the screen shows forty. Counting and
paging happen in the database with the stored verdicts (services/verdicts),
so no query here evaluates the policy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Final

from sqlalchemy import ColumnElement, Connection, Select, case, func, or_, select

from guarantee_tui.filters import QueueFilter, QueueRow, QueueSort
from guarantee_tui.store import queue_shape as shape
from guarantee_tui.store.clock import database_now
from guarantee_tui.store.models import Claim, Professional
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


def _professional_conditions(f: QueueFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    text_condition = _text_condition(f.text)
    if text_condition is not None:
        conditions.append(text_condition)
    if f.markets:
        conditions.append(Professional.market.in_(sorted(f.markets)))
    return conditions


def _claim_conditions(f: QueueFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
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


def _where(f: QueueFilter) -> list[ColumnElement[bool]]:
    return [*_professional_conditions(f), *_claim_conditions(f)]


def _order(sort: QueueSort, f: QueueFilter) -> list[Any]:
    if sort.column is None:
        return [_order_item(item) for item in shape.default_order(f)]
    column = _column(shape.SORT_COLUMNS[sort.column])
    descending = sort.descending != (sort.column == "age")
    return [column.desc() if descending else column.asc(), _column(shape.TIEBREAK)]


def _base(columns: Sequence[Any], f: QueueFilter) -> Any:
    joined, to = shape.JOIN
    stmt = (
        select(*columns)
        .select_from(_TABLES[shape.CLAIMS])
        .join(_TABLES[joined.table], _column(joined) == _column(to))
    )
    for condition in _where(f):
        stmt = stmt.where(condition)
    return stmt


def count(conn: Connection, f: QueueFilter) -> int:
    if _professional_conditions(f):
        return int(conn.execute(_base([func.count()], f)).scalar_one())
    # Nothing asked of the professionals: the claims' own index counts them.
    stmt = select(func.count()).select_from(Claim)
    for condition in _claim_conditions(f):
        stmt = stmt.where(condition)
    return int(conn.execute(stmt).scalar_one())


def page_statement(f: QueueFilter, sort: QueueSort) -> Select[Any]:
    """The page's rows in order, before OFFSET and LIMIT (store/first_page.py
    writes the same in SQL text)."""
    stmt: Select[Any] = _base([_column(c) for c in shape.PAGE_COLUMNS], f)
    return stmt.order_by(*_order(sort, f))


def page(
    conn: Connection, f: QueueFilter, sort: QueueSort, offset: int, limit: int
) -> list[QueueRow]:
    stmt = page_statement(f, sort).offset(offset).limit(limit)
    return [QueueRow(*row) for row in conn.execute(stmt)]


def next_open(
    conn: Connection, f: QueueFilter, sort: QueueSort, *, skip: str, agent: str
) -> str | None:
    """The first open claim in the queue's order under `f` (whatever its status
    filter), other than `skip`, that nobody but `agent` holds now."""
    f = replace(f, statuses=frozenset({"open"}), held_by=None, unheld=False)
    stmt = (
        _base([Claim.ref], f)
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
