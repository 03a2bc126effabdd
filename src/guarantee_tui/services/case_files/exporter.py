"""Exporting professionals as a case file, streamed.

The output is a function of the database's content alone, byte for byte:
professionals in code-point order of their refs (the same on SQLite and
PostgreSQL), purchases by (purchased_at, ref), reviews by (at, ref), claims
by (submitted_at, ref), explanations by contact ref, keyless collections by
all their fields. One professional per line; timestamps in UTC with a Z,
microseconds only when there are some. Nullable timestamps, a review's
`contact_ref` and an explanation's `verification` are written even when
null; other optional values are left out when NULL (which, imported again,
keeps what is stored).

Clients' names and phones are written only when asked for (`client_data`);
otherwise they are left out, so that the file reveals nobody and, imported
again, keeps the stored ones. Who may ask is `services.privacy`'s business.

Professionals are read a chunk at a time, with a fixed number of queries per
chunk, so memory does not grow with the database.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, Final, TextIO

from sqlalchemy import Connection, Engine, Row, Table, select

from guarantee_tui.services.case_files.errors import UnknownProfessionals
from guarantee_tui.services.case_files.records import FORMAT
from guarantee_tui.services.case_files.tables import (
    CLAIMS,
    COMPLETENESS,
    EXPLANATIONS,
    INCIDENTS,
    PACKS,
    PROFESSIONALS,
    PURCHASES,
    REVIEWS,
    TRUST_LABELS,
    batches,
)
from guarantee_tui.text import inert_json

CHUNK_SIZE: Final = 500
_HEAD: Final = '{"format": ' + json.dumps(FORMAT) + ', "professionals": [\n'
_TAIL: Final = "\n]}\n"
_OPTIONAL_PURCHASE_TEXT: Final = ("client_name", "client_phone", "job_title", "city")
# What identifies a client: left out unless client data is asked for.
CLIENT_DATA: Final = frozenset(("client_name", "client_phone"))


def export_case_file(
    engine: Engine,
    out: TextIO,
    professional_refs: Sequence[str] | None = None,
    *,
    client_data: bool = False,
) -> int:
    """Writes the professionals (all, or those named) to `out`; returns how many.

    Without `client_data`, clients' names and phones are left out. An unknown
    ref raises UnknownProfessionals before anything is written.
    """
    left_out = frozenset() if client_data else CLIENT_DATA
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            # One snapshot for all the chunks' queries.
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        if professional_refs is None:
            pages = _all_pages(conn)
        else:
            pages = _named_pages(conn, professional_refs)
        count = 0
        out.write(_HEAD)
        for page in pages:
            for document in _documents(conn, page, left_out):
                if count:
                    out.write(",\n")
                # DEL and C1 escaped: the same JSON, inert on a terminal.
                out.write(inert_json(json.dumps(document, ensure_ascii=False)))
                count += 1
        out.write(_TAIL if count else _TAIL.lstrip("\n"))
        return count


def _all_pages(conn: Connection) -> Iterator[Sequence[Row[Any]]]:
    """Every professional by ref, a chunk at a time (keyset pagination)."""
    p = PROFESSIONALS
    # Code-point order on both backends: SQLite compares bytes; PostgreSQL
    # would follow the database's locale unless told otherwise.
    order = p.c.ref.collate("C") if conn.dialect.name == "postgresql" else p.c.ref
    last: str | None = None
    while True:
        stmt = select(p).order_by(order).limit(CHUNK_SIZE)
        if last is not None:
            stmt = stmt.where(order > last)
        rows = conn.execute(stmt).all()
        if not rows:
            return
        yield rows
        last = rows[-1].ref


def check_refs(conn: Connection, refs: Sequence[str]) -> list[str]:
    """The refs, sorted and once each; raises UnknownProfessionals for any not stored."""
    wanted = sorted(set(refs))
    p = PROFESSIONALS
    found: set[str] = set()
    for batch in batches(wanted):
        found.update(conn.execute(select(p.c.ref).where(p.c.ref.in_(batch))).scalars())
    unknown = [ref for ref in dict.fromkeys(refs) if ref not in found]
    if unknown:
        raise UnknownProfessionals(unknown)
    return wanted


def _named_pages(conn: Connection, refs: Sequence[str]) -> Iterator[Sequence[Row[Any]]]:
    return _named_rows(conn, check_refs(conn, refs))


def _named_rows(conn: Connection, wanted: list[str]) -> Iterator[Sequence[Row[Any]]]:
    p = PROFESSIONALS
    for batch in batches(wanted, CHUNK_SIZE):
        rows = conn.execute(select(p).where(p.c.ref.in_(batch))).all()
        yield sorted(rows, key=lambda row: row.ref)


def timestamp(value: datetime) -> str:
    """`2026-03-12T13:05:00Z`, with microseconds only when there are some."""
    v = value.astimezone(UTC)
    text = f"{v.year:04d}-{v.month:02d}-{v.day:02d}T{v.hour:02d}:{v.minute:02d}:{v.second:02d}"
    if v.microsecond:
        text += f".{v.microsecond:06d}"
    return text + "Z"


def _optional_timestamp(value: datetime | None) -> str | None:
    return None if value is None else timestamp(value)


def _by_professional(conn: Connection, table: Table, ids: list[int]) -> dict[int, list[Row[Any]]]:
    grouped: dict[int, list[Row[Any]]] = defaultdict(list)
    for row in conn.execute(select(table).where(table.c.professional_id.in_(ids))):
        grouped[row.professional_id].append(row)
    return grouped


def _none_first(*values: Any) -> tuple[tuple[bool, Any], ...]:
    """A sort key over values that may be None."""
    return tuple((v is not None, v) for v in values)


def _documents(
    conn: Connection, page: Sequence[Row[Any]], left_out: frozenset[str]
) -> Iterator[dict[str, Any]]:
    ids = [row.id for row in page]
    completeness = _by_professional(conn, COMPLETENESS, ids)
    labels = _by_professional(conn, TRUST_LABELS, ids)
    packs = _by_professional(conn, PACKS, ids)
    incidents = _by_professional(conn, INCIDENTS, ids)
    purchases = _by_professional(conn, PURCHASES, ids)
    reviews = _by_professional(conn, REVIEWS, ids)
    claims = _by_professional(conn, CLAIMS, ids)
    explanations: dict[int, list[Row[Any]]] = defaultdict(list)
    stmt = (
        select(EXPLANATIONS)
        .join(CLAIMS, CLAIMS.c.id == EXPLANATIONS.c.claim_id)
        .where(CLAIMS.c.professional_id.in_(ids))
    )
    for row in conn.execute(stmt):
        explanations[row.claim_id].append(row)
    for pro in page:
        document: dict[str, Any] = {
            "ref": pro.ref,
            "market": pro.market,
            "company_name": pro.company_name,
        }
        if pro.email is not None:
            document["email"] = pro.email
        if pro.phone is not None:
            document["phone"] = pro.phone
        document["created_at"] = timestamp(pro.created_at)
        document["profile_completeness"] = [
            {"at": timestamp(r.at), "percent": r.percent}
            for r in sorted(completeness[pro.id], key=lambda r: (r.at, r.percent))
        ]
        document["trust_labels"] = [
            {
                "kind": r.kind,
                "activated_at": timestamp(r.activated_at),
                "revoked_at": _optional_timestamp(r.revoked_at),
            }
            for r in sorted(
                labels[pro.id], key=lambda r: _none_first(r.activated_at, r.kind, r.revoked_at)
            )
        ]
        document["packs"] = [
            _pack(r)
            for r in sorted(
                packs[pro.id],
                key=lambda r: _none_first(r.starts_at, r.name, r.ends_at, r.price_eur),
            )
        ]
        document["payment_incidents"] = [
            {
                "at": timestamp(r.at),
                "kind": r.kind,
                "resolved_at": _optional_timestamp(r.resolved_at),
            }
            for r in sorted(
                incidents[pro.id], key=lambda r: _none_first(r.at, r.kind, r.resolved_at)
            )
        ]
        document["contact_purchases"] = [
            _purchase(r, left_out)
            for r in sorted(purchases[pro.id], key=lambda r: (r.purchased_at, r.ref))
        ]
        document["reviews"] = [
            _review(r) for r in sorted(reviews[pro.id], key=lambda r: (r.at, r.ref))
        ]
        document["claims"] = [
            {
                "ref": c.ref,
                "submitted_at": timestamp(c.submitted_at),
                "status": c.status,
                "explanations": [
                    {"contact_ref": e.contact_ref, "text": e.text, "verification": e.verification}
                    for e in sorted(explanations[c.id], key=lambda e: e.contact_ref)
                ],
            }
            for c in sorted(claims[pro.id], key=lambda c: (c.submitted_at, c.ref))
        ]
        yield document


def _pack(row: Row[Any]) -> dict[str, Any]:
    pack: dict[str, Any] = {
        "name": row.name,
        "starts_at": timestamp(row.starts_at),
        "ends_at": _optional_timestamp(row.ends_at),
    }
    if row.price_eur is not None:
        pack["price_eur"] = row.price_eur
    return pack


def _purchase(row: Row[Any], left_out: frozenset[str]) -> dict[str, Any]:
    purchase: dict[str, Any] = {
        "ref": row.ref,
        "purchased_at": timestamp(row.purchased_at),
        "price_credits": row.price_credits,
        "channel": row.channel,
        "first_contacted_at": _optional_timestamp(row.first_contacted_at),
        "job_won": bool(row.job_won),
    }
    for key in _OPTIONAL_PURCHASE_TEXT:
        value = row._mapping[key]
        if value is not None and key not in left_out:
            purchase[key] = value
    return purchase


def _review(row: Row[Any]) -> dict[str, Any]:
    review: dict[str, Any] = {
        "ref": row.ref,
        "at": timestamp(row.at),
        "rating": row.rating,
        "source": row.source,
        "contact_ref": row.contact_ref,
    }
    if row.text is not None:
        review["text"] = row.text
    return review
