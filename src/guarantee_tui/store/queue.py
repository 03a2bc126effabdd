"""The claim queue in SQL: filtered, sorted and read a page at a time.

The queue can hold 100,000 claims; the screen shows forty. Counting and
paging happen in the database with the stored verdicts (services/verdicts),
so no query here evaluates the policy.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, case, func, or_, select

from guarantee_tui.filters import QueueFilter, QueueRow, QueueSort, open_first_matters
from guarantee_tui.store.models import Claim, Professional
from guarantee_tui.text import email_key, fold, phone_key


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
        conditions.append(Claim.status.in_(sorted(f.statuses)))
    if f.verdicts:
        conditions.append(Claim.verdict.in_(sorted(f.verdicts)))
    return conditions


def _where(f: QueueFilter) -> list[ColumnElement[bool]]:
    return [*_professional_conditions(f), *_claim_conditions(f)]


def _order(sort: QueueSort, f: QueueFilter) -> list[Any]:
    columns: dict[str, Any] = {
        "claim": Claim.ref,
        "company": Professional.company_key,
        "market": Professional.market,
        "submitted": Claim.submitted_at,
        # Older claims have more days: age ascending is submitted descending.
        "age": Claim.submitted_at,
        "status": Claim.status,
        "verdict": Claim.verdict,
        "action": Claim.recommended_action,
        "refund": Claim.refund_credits,
    }
    if sort.column is None:
        if not open_first_matters(f):
            # Without it the (status, submitted_at) index gives the order.
            return [Claim.submitted_at, Claim.ref]
        open_first = case((Claim.status == "open", 0), else_=1)
        return [open_first, Claim.submitted_at, Claim.ref]
    column = columns[sort.column]
    descending = sort.descending != (sort.column == "age")
    return [column.desc() if descending else column.asc(), Claim.ref]


def _base(columns: Sequence[Any], f: QueueFilter) -> Any:
    stmt = (
        select(*columns)
        .select_from(Claim)
        .join(Professional, Professional.id == Claim.professional_id)
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


def page(
    conn: Connection, f: QueueFilter, sort: QueueSort, offset: int, limit: int
) -> list[QueueRow]:
    stmt = (
        _base(
            [
                Claim.ref,
                Professional.ref,
                Professional.company_name,
                Professional.market,
                Claim.submitted_at,
                Claim.status,
                Claim.verdict,
                Claim.recommended_action,
                Claim.refund_credits,
            ],
            f,
        )
        .order_by(*_order(sort, f))
        .offset(offset)
        .limit(limit)
    )
    return [QueueRow(*row) for row in conn.execute(stmt)]
