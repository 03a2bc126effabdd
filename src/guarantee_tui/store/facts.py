"""Loading the policy's facts for claims, in a fixed number of queries.

One claim costs the same ten queries whatever the size of the database; a
batch of claims costs ten. Rows go straight into the policy's frozen
dataclasses: no ORM objects on this path, it is the hot one. The statements
are built once, at import, with bound parameters: building a statement costs
more than running these indexed queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import BindParameter, Connection, bindparam, select, true
from sqlalchemy.orm import aliased

from guarantee_tui import policy
from guarantee_tui.policy.vocabulary import CONTACTS_REQUIRED
from guarantee_tui.store.models import (
    Claim,
    CompletenessRecord,
    ContactPurchase,
    Explanation,
    Pack,
    PaymentIncident,
    Professional,
    Review,
    TrustLabel,
)
from guarantee_tui.store.sqlite_time import from_sqlite
from guarantee_tui.store.types import UTCDateTime, _from_server

BATCH_SIZE = 500


@dataclass(frozen=True, slots=True)
class ClaimFacts:
    """A claim and its professional, as the policy sees them, with their row ids."""

    claim_id: int
    professional_id: int
    version: int
    claim: policy.Claim
    professional: policy.Professional


_CLAIMS = (
    select(
        Claim.id,
        Claim.professional_id,
        Claim.version,
        Claim.ref,
        Claim.submitted_at,
        Claim.status,
        Professional.ref,
        Professional.market,
    )
    .join(Professional, Professional.id == Claim.professional_id)
    .order_by(Claim.ref)
)
CLAIM_BY_REF: Final = _CLAIMS.where(Claim.ref == bindparam("ref"))
CLAIMS_BY_ID: Final = _CLAIMS.where(Claim.id.in_(bindparam("ids", expanding=True)))
_AFTER = _CLAIMS.where(Claim.ref > bindparam("after")).limit(bindparam("limit"))
_UNTIL = Claim.ref <= bindparam("until")
_STATUS = Claim.status == bindparam("status")
# By (filtered by status, bounded above).
CLAIMS_AFTER: Final = {
    (False, False): _AFTER,
    (True, False): _AFTER.where(_STATUS),
    (False, True): _AFTER.where(_UNTIL),
    (True, True): _AFTER.where(_STATUS, _UNTIL),
}

_PROS: BindParameter[int] = bindparam("pro_ids", expanding=True)
# The first twenty purchases of each professional, in no particular order (the
# policy orders them): twenty index seeks per professional. A window function
# ranking all their purchases took twice as long on SQLite. SQLite has no
# LATERAL, and PostgreSQL cannot run SQLite's form (a correlated IN with a
# LIMIT) other than by testing every purchase row: one statement for each.
_PURCHASE_COLUMNS = (
    ContactPurchase.professional_id,
    ContactPurchase.ref,
    ContactPurchase.purchased_at,
    ContactPurchase.price_credits,
    ContactPurchase.channel,
    ContactPurchase.first_contacted_at,
    ContactPurchase.job_won,
)
_PURCHASE_ORDER = (ContactPurchase.purchased_at, ContactPurchase.ref)
_earlier = aliased(ContactPurchase)
_FIRST_TWENTY_SQLITE = (
    select(*_PURCHASE_COLUMNS)
    .select_from(Professional)
    .join(
        ContactPurchase,
        ContactPurchase.id.in_(
            select(_earlier.id)
            .where(_earlier.professional_id == Professional.id)
            .order_by(_earlier.purchased_at, _earlier.ref)
            .limit(CONTACTS_REQUIRED)
            .correlate(Professional)
        ),
    )
    .where(Professional.id.in_(_PROS))
)
_first = (
    select(*_PURCHASE_COLUMNS)
    .where(ContactPurchase.professional_id == Professional.id)
    .order_by(*_PURCHASE_ORDER)
    .limit(CONTACTS_REQUIRED)
    .lateral()
)
_FIRST_TWENTY_LATERAL = (
    select(*_first.c)
    .select_from(Professional)
    .join(_first, true())
    .where(Professional.id.in_(_PROS))
)


def first_twenty_statement(dialect: str) -> Any:
    return _FIRST_TWENTY_SQLITE if dialect == "sqlite" else _FIRST_TWENTY_LATERAL


COMPLETENESS: Final = select(
    CompletenessRecord.professional_id, CompletenessRecord.at, CompletenessRecord.percent
).where(CompletenessRecord.professional_id.in_(_PROS))
LABELS: Final = select(
    TrustLabel.professional_id, TrustLabel.kind, TrustLabel.activated_at, TrustLabel.revoked_at
).where(TrustLabel.professional_id.in_(_PROS))
PACKS: Final = select(Pack.professional_id, Pack.name, Pack.starts_at, Pack.ends_at).where(
    Pack.professional_id.in_(_PROS)
)
INCIDENTS: Final = select(
    PaymentIncident.professional_id,
    PaymentIncident.at,
    PaymentIncident.kind,
    PaymentIncident.resolved_at,
).where(PaymentIncident.professional_id.in_(_PROS))
REVIEWS: Final = select(
    Review.professional_id, Review.ref, Review.at, Review.rating, Review.source, Review.contact_ref
).where(Review.professional_id.in_(_PROS))
OTHER_CLAIMS: Final = select(Claim.professional_id, Claim.ref, Claim.status).where(
    Claim.professional_id.in_(_PROS)
)
EXPLANATIONS: Final = select(
    Explanation.claim_id, Explanation.contact_ref, Explanation.text, Explanation.verification
).where(Explanation.claim_id.in_(bindparam("claim_ids", expanding=True)))


# --- reading rows through the driver ----------------------------------------
# The child queries return tens of thousands of rows per batch. SQLAlchemy's
# Row objects and per-value processors cost more than the queries themselves,
# so these are compiled once per (dialect, list length) and read from the
# driver's cursor, converting only the UTC timestamp columns.


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    # Per parameter of the SQL, in order: the index in the id list, or a constant.
    args: tuple[tuple[bool, Any], ...]
    # The parameter names, for drivers that take a mapping (psycopg).
    names: tuple[str, ...] | None
    datetimes: tuple[int, ...]


_COMPILED: dict[tuple[int, str, int], _Compiled] = {}


def _compile(conn: Connection, stmt: Any, name: str, count: int) -> _Compiled:
    key = (id(stmt), conn.dialect.name, count)
    found = _COMPILED.get(key)
    if found is not None:
        return found
    state = stmt.compile(dialect=conn.dialect).construct_expanded_state({name: list(range(count))})
    named = state.positiontup is None
    order = list(state.parameters) if named else list(state.positiontup)
    prefix = f"{name}_"

    def arg(p: str) -> tuple[bool, Any]:
        # An expanded list item ("pro_ids_12") or a constant of the statement.
        suffix = p[len(prefix) :]
        if p.startswith(prefix) and suffix.isdigit():
            return True, int(suffix) - 1
        return False, state.parameters[p]

    args = tuple(arg(p) for p in order)
    datetimes = tuple(
        i for i, column in enumerate(stmt.selected_columns) if isinstance(column.type, UTCDateTime)
    )
    found = _COMPILED[key] = _Compiled(
        state.statement, args, tuple(order) if named else None, datetimes
    )
    return found


def _fetch(conn: Connection, stmt: Any, name: str, values: Sequence[Any]) -> list[Any]:
    """`stmt` run with its one expanding parameter `name` set to `values`."""
    if not values:
        return []
    compiled = _compile(conn, stmt, name, len(values))
    args = [values[v] if is_value else v for is_value, v in compiled.args]
    params: Any = args if compiled.names is None else dict(zip(compiled.names, args, strict=True))
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(compiled.sql, params)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    if not compiled.datetimes:
        return list(rows)
    convert = from_sqlite if conn.dialect.name == "sqlite" else _from_server
    positions = compiled.datetimes
    out = []
    for row in rows:
        row = list(row)
        for i in positions:
            row[i] = convert(row[i])
        out.append(row)
    return out


def _group(rows: Sequence[Any]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[row[0]].append(row)
    return grouped


def _professionals(
    conn: Connection, pro_rows: Sequence[tuple[int, str, str]], claim_ids: Sequence[int]
) -> tuple[dict[int, policy.Professional], dict[int, list[Any]]]:
    """The professionals (id, ref, market) as the policy sees them, and the
    explanations of these claims: eight queries whatever the numbers."""
    ids = sorted({r[0] for r in pro_rows})
    purchases = _group(_fetch(conn, first_twenty_statement(conn.dialect.name), "pro_ids", ids))
    completeness = _group(_fetch(conn, COMPLETENESS, "pro_ids", ids))
    labels = _group(_fetch(conn, LABELS, "pro_ids", ids))
    packs = _group(_fetch(conn, PACKS, "pro_ids", ids))
    incidents = _group(_fetch(conn, INCIDENTS, "pro_ids", ids))
    reviews = _group(_fetch(conn, REVIEWS, "pro_ids", ids))
    claims = _group(_fetch(conn, OTHER_CLAIMS, "pro_ids", ids))
    explanations = _group(_fetch(conn, EXPLANATIONS, "claim_ids", list(claim_ids)))
    professionals: dict[int, policy.Professional] = {}
    for pro_id, pro_ref, market in pro_rows:
        if pro_id in professionals:
            continue
        professionals[pro_id] = policy.Professional(
            ref=pro_ref,
            market=policy.Market(market),
            purchases=tuple(
                policy.Purchase(r[1], r[2], r[3], r[4], r[5], bool(r[6]))
                for r in purchases.get(pro_id, ())
            ),
            completeness=tuple(
                policy.CompletenessRecord(r[1], r[2]) for r in completeness.get(pro_id, ())
            ),
            labels=tuple(policy.TrustLabel(r[1], r[2], r[3]) for r in labels.get(pro_id, ())),
            packs=tuple(policy.Pack(r[1], r[2], r[3]) for r in packs.get(pro_id, ())),
            incidents=tuple(
                policy.PaymentIncident(r[1], r[2], r[3]) for r in incidents.get(pro_id, ())
            ),
            reviews=tuple(
                policy.Review(r[1], r[2], r[3], r[4], r[5]) for r in reviews.get(pro_id, ())
            ),
            claims=tuple(policy.OtherClaim(r[1], r[2]) for r in claims.get(pro_id, ())),
        )
    return professionals, explanations


def _claim(
    claim_ref: str, submitted_at: Any, status: str, explanations: Sequence[Any]
) -> policy.Claim:
    return policy.Claim(
        ref=claim_ref,
        submitted_at=submitted_at,
        status=status,
        explanations=tuple(policy.Explanation(r[1], r[2], r[3]) for r in explanations),
    )


def _load(conn: Connection, claim_rows: Sequence[Any]) -> list[ClaimFacts]:
    if not claim_rows:
        return []
    professionals, explanations = _professionals(
        conn, [(r[1], r[6], r[7]) for r in claim_rows], [r[0] for r in claim_rows]
    )
    out: list[ClaimFacts] = []
    for claim_id, pro_id, version, claim_ref, submitted_at, status, _ref, _market in claim_rows:
        claim = _claim(claim_ref, submitted_at, status, explanations.get(claim_id, ()))
        out.append(ClaimFacts(claim_id, pro_id, version, claim, professionals[pro_id]))
    return out


@dataclass(frozen=True, slots=True)
class LoadedClaim:
    claim_id: int
    version: int
    claim: policy.Claim


@dataclass(frozen=True, slots=True)
class ProfessionalFacts:
    """One professional as the policy sees them, with every claim they made
    (oldest first), whether or not they made any."""

    professional_id: int
    professional: policy.Professional
    claims: tuple[LoadedClaim, ...]


def load_professional(conn: Connection, professional_id: int) -> ProfessionalFacts | None:
    """The facts of one professional and all their claims: eleven queries."""
    pro = conn.execute(
        select(Professional.id, Professional.ref, Professional.market).where(
            Professional.id == professional_id
        )
    ).first()
    if pro is None:
        return None
    claim_rows = conn.execute(
        select(Claim.id, Claim.version, Claim.ref, Claim.submitted_at, Claim.status)
        .where(Claim.professional_id == professional_id)
        .order_by(Claim.submitted_at, Claim.ref)
    ).all()
    professionals, explanations = _professionals(
        conn, [(pro[0], pro[1], pro[2])], [r[0] for r in claim_rows]
    )
    return ProfessionalFacts(
        professional_id=professional_id,
        professional=professionals[professional_id],
        claims=tuple(
            LoadedClaim(
                claim_id, version, _claim(ref, submitted_at, status, explanations.get(claim_id, ()))
            )
            for claim_id, version, ref, submitted_at, status in claim_rows
        ),
    )


def load_claim(conn: Connection, claim_ref: str) -> ClaimFacts | None:
    """The facts of one claim, or None when no claim has that ref."""
    found = _load(conn, conn.execute(CLAIM_BY_REF, {"ref": claim_ref}).all())
    return found[0] if found else None


def load_claims(conn: Connection, claim_ids: Sequence[int]) -> list[ClaimFacts]:
    """The facts of the claims with these ids (in ref order), batch by batch."""
    out: list[ClaimFacts] = []
    ids = list(claim_ids)
    for start in range(0, len(ids), BATCH_SIZE):
        rows = conn.execute(CLAIMS_BY_ID, {"ids": ids[start : start + BATCH_SIZE]}).all()
        out.extend(_load(conn, rows))
    return out


def iter_claims(
    conn: Connection,
    *,
    status: str | None = None,
    after: str = "",
    until: str | None = None,
    batch_size: int = BATCH_SIZE,
) -> Iterator[ClaimFacts]:
    """Every claim (or those with `status`) with `after < ref <= until`, in ref order,
    loaded batch by batch. Refs are non-empty, so "" comes before all of them."""
    stmt = CLAIMS_AFTER[(status is not None, until is not None)]
    last_ref = after
    while True:
        params: dict[str, Any] = {"after": last_ref, "limit": batch_size}
        if status is not None:
            params["status"] = status
        if until is not None:
            params["until"] = until
        batch = _load(conn, conn.execute(stmt, params).all())
        if not batch:
            return
        yield from batch
        last_ref = batch[-1].claim.ref


def ref_boundaries(conn: Connection, every: int, status: str | None = None) -> list[str]:
    """Every `every`-th claim ref, in order: the upper bounds of equal slices."""
    stmt = select(Claim.ref).order_by(Claim.ref)
    if status is not None:
        stmt = stmt.where(Claim.status == status)
    refs = conn.execute(stmt).scalars().all()
    bounds = [refs[i] for i in range(every - 1, len(refs), every)]
    if refs and (not bounds or bounds[-1] != refs[-1]):
        bounds.append(refs[-1])
    return bounds
