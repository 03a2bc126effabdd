"""Writing validated records to the database, one chunk of professionals at a time.

A chunk costs a fixed number of statements whatever its size: one SELECT
per table for what exists, then executemany INSERTs and UPDATEs. Rows are
compared with what the file says and written only when they differ, so
importing the same file twice writes nothing. The rules are those of
`importer`'s docstring; a claim agents acted on keeps what they decided and
marked, and each value of the file left out is told in the report.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from operator import attrgetter
from typing import Any, Final

from sqlalchemy import Connection, Row, Table, bindparam, delete, insert, select, update

from guarantee_tui.services.case_files.records import (
    ABSENT,
    ClaimEntry,
    ExplanationEntry,
    ProfessionalEntry,
)
from guarantee_tui.services.case_files.report import KeptField, KeptKind, Tally
from guarantee_tui.services.case_files.tables import (
    CLAIMS,
    EXPLANATIONS,
    KEYLESS,
    PROFESSIONALS,
    PURCHASES,
    REVIEWS,
)
from guarantee_tui.services.verdicts import refresh_claims
from guarantee_tui.store import search
from guarantee_tui.store.claims import DECIDING, Act, acts_on
from guarantee_tui.text import email_key, fold, phone_key

# The normalised keys are search aids: cut to their columns (folding can
# lengthen a text, "ß" -> "ss") rather than refuse a file for them.
_KEY_LENGTH: Final[dict[str, int | None]] = {
    name: getattr(PROFESSIONALS.c[name].type, "length", None)
    for name in ("company_key", "email_key", "phone_key")
}

_PURCHASE_DEFAULTS: Final[dict[str, Any]] = {
    "first_contacted_at": None,
    "job_won": False,
    "client_name": None,
    "client_phone": None,
    "job_title": None,
    "city": None,
}
_PURCHASE_COLUMNS: Final = ("ref", "purchased_at", "price_credits", "channel", *_PURCHASE_DEFAULTS)
_REVIEW_DEFAULTS: Final[dict[str, Any]] = {"contact_ref": None, "text": None}
_REVIEW_COLUMNS: Final = ("ref", "at", "rating", "source", *_REVIEW_DEFAULTS)
_VERIFICATION_COLUMNS: Final = ("verified_by", "verified_at", "verification_note")


def _status_act(acts: Sequence[Act]) -> Act:
    """The act a claim's status stands on: its latest decision or reopening, else its latest act."""
    for act in reversed(acts):
        if act.action in DECIDING or act.action == "reopen":
            return act
    return acts[-1]


def _cut(value: str | None, column: str) -> str | None:
    length = _KEY_LENGTH[column]
    return value[:length] if value is not None and length else value


def _merged(
    entry: object, row: Row[Any] | None, columns: Sequence[str], defaults: Mapping[str, Any]
) -> dict[str, Any]:
    """The row the file asks for: what it gives, else what is stored, else the default."""
    stored = row._mapping if row is not None else defaults
    values = {}
    for column in columns:
        value = getattr(entry, column)
        values[column] = stored[column] if value is ABSENT else value
    return values


def _differs(values: Mapping[str, Any], row: Row[Any]) -> bool:
    stored = row._mapping
    return any(stored[column] != value for column, value in values.items())


def _update(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """One executemany UPDATE; every dict has the same keys, `row_id` names the row."""
    if rows:
        conn.execute(update(table).where(table.c.id == bindparam("row_id")), rows)


def _insert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(insert(table), rows)


def _insert_returning_ids(
    conn: Connection, table: Table, rows: list[dict[str, Any]]
) -> dict[str, int]:
    """Inserts rows with a `ref`; returns ref -> new id."""
    if not rows:
        return {}
    result = conn.execute(insert(table).returning(table.c.id, table.c.ref), rows)
    return {ref: row_id for row_id, ref in result}


class RefConflict(Exception):
    """A ref of the file now belongs to another professional (validation saw otherwise)."""

    def __init__(self, ref: str) -> None:
        super().__init__(ref)
        self.ref = ref


class ChunkWriter:
    def __init__(self, conn: Connection, tally: Tally, at: datetime) -> None:
        self._conn = conn
        self._tally = tally
        self._at = at
        # Professionals with any row written in this chunk: their claims' verdicts may change.
        self._touched: set[int] = set()

    def write(self, chunk: Sequence[ProfessionalEntry]) -> None:
        self._touched = set()
        ids, existing, changed = self._professionals(chunk)
        changed |= self._keyless(chunk, ids, existing)
        for entry in chunk:
            if entry.ref not in existing:
                self._touched.add(ids[entry.ref])
            elif entry.ref in changed:
                self._tally.updated("professionals")
                self._touched.add(ids[entry.ref])
            else:
                self._tally.unchanged("professionals")
        existing_ids = [ids[ref] for ref in existing]
        self._keyed(
            chunk,
            ids,
            existing_ids,
            "contact_purchases",
            PURCHASES,
            _PURCHASE_COLUMNS,
            _PURCHASE_DEFAULTS,
        )
        self._keyed(chunk, ids, existing_ids, "reviews", REVIEWS, _REVIEW_COLUMNS, _REVIEW_DEFAULTS)
        self._claims(chunk, ids, existing_ids)
        self._refresh_verdicts()
        # The phone desk finds professionals by these rows' names, e-mails,
        # phones and refs.
        search.sync(self._conn, self._touched)

    def _refresh_verdicts(self) -> None:
        if not self._touched:
            return
        stmt = select(CLAIMS.c.id).where(CLAIMS.c.professional_id.in_(sorted(self._touched)))
        claim_ids = list(self._conn.execute(stmt).scalars())
        refresh_claims(self._conn, claim_ids, self._at)

    # --- professionals ----------------------------------------------------------

    def _professionals(
        self, chunk: Sequence[ProfessionalEntry]
    ) -> tuple[dict[str, int], set[str], set[str]]:
        """Inserts and updates the professionals' own rows.

        Returns ref -> id for all, the refs that existed, and those updated.
        """
        p = PROFESSIONALS
        stmt = select(p).where(p.c.ref.in_([e.ref for e in chunk]))
        rows = {row.ref: row for row in self._conn.execute(stmt)}
        ids = {ref: row.id for ref, row in rows.items()}
        inserts, updates = [], []
        for entry in chunk:
            row = rows.get(entry.ref)
            values = self._professional_values(entry, row)
            if row is None:
                inserts.append(values)
            elif _differs(values, row):
                updates.append({"row_id": row.id, **values})
        ids.update(_insert_returning_ids(self._conn, p, inserts))
        _update(self._conn, p, updates)
        self._tally.new("professionals", len(inserts))
        return ids, set(rows), {u["ref"] for u in updates}

    @staticmethod
    def _professional_values(entry: ProfessionalEntry, row: Row[Any] | None) -> dict[str, Any]:
        email = entry.email if entry.email is not ABSENT else (row.email if row else None)
        phone = entry.phone if entry.phone is not ABSENT else (row.phone if row else None)
        return {
            "ref": entry.ref,
            "market": entry.market,
            "company_name": entry.company_name,
            "email": email,
            "phone": phone,
            "created_at": entry.created_at,
            "company_key": _cut(fold(entry.company_name), "company_key"),
            "email_key": _cut(email_key(email), "email_key"),
            "phone_key": _cut(phone_key(phone), "phone_key"),
        }

    # --- keyless collections: replaced when given -------------------------------

    def _keyless(
        self, chunk: Sequence[ProfessionalEntry], ids: Mapping[str, int], existing: set[str]
    ) -> set[str]:
        """Replaces the collections the file gives that differ; returns the refs changed."""
        changed: set[str] = set()
        for key, table, columns in KEYLESS:
            as_tuple = attrgetter(*columns)
            wanted: dict[int, list[tuple[Any, ...]]] = {}
            owner: dict[int, str] = {}
            for entry in chunk:
                items = getattr(entry, key)
                if items is not ABSENT:
                    wanted[ids[entry.ref]] = [as_tuple(item) for item in items]
                    owner[ids[entry.ref]] = entry.ref
            stored = self._stored_collections(
                table, columns, [ids[ref] for ref in existing if ids[ref] in wanted]
            )
            replace = [
                pid
                for pid, tuples in wanted.items()
                if Counter(tuples) != Counter(stored.get(pid, ()))
            ]
            existing_replaced = [pid for pid in replace if owner[pid] in existing]
            if existing_replaced:
                self._conn.execute(
                    delete(table).where(table.c.professional_id.in_(existing_replaced))
                )
            rows = [
                {"professional_id": pid, **dict(zip(columns, values, strict=True))}
                for pid in replace
                for values in wanted[pid]
            ]
            _insert(self._conn, table, rows)
            changed.update(owner[pid] for pid in existing_replaced)
        return changed

    def _stored_collections(
        self, table: Table, columns: Sequence[str], professional_ids: list[int]
    ) -> dict[int, list[tuple[Any, ...]]]:
        stored: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
        if professional_ids:
            stmt = select(table.c.professional_id, *(table.c[c] for c in columns)).where(
                table.c.professional_id.in_(professional_ids)
            )
            for row in self._conn.execute(stmt):
                stored[row[0]].append(tuple(row[1:]))
        return stored

    # --- records with refs: inserted or updated, never deleted ------------------

    def _stored_by_ref(self, table: Table, professional_ids: list[int]) -> dict[str, Row[Any]]:
        if not professional_ids:
            return {}
        stmt = select(table).where(table.c.professional_id.in_(professional_ids))
        return {row.ref: row for row in self._conn.execute(stmt)}

    def _keyed(
        self,
        chunk: Sequence[ProfessionalEntry],
        ids: Mapping[str, int],
        existing_ids: list[int],
        key: str,
        table: Table,
        columns: Sequence[str],
        defaults: Mapping[str, Any],
    ) -> None:
        stored = self._stored_by_ref(table, existing_ids)
        inserts, updates, unchanged = [], [], 0
        for entry in chunk:
            pid = ids[entry.ref]
            for item in getattr(entry, key):
                row = stored.get(item.ref)
                if row is not None and row.professional_id != pid:
                    raise RefConflict(item.ref)
                values = _merged(item, row, columns, defaults)
                if row is None:
                    inserts.append({"professional_id": pid, **values})
                elif _differs(values, row):
                    updates.append({"row_id": row.id, **values})
                else:
                    unchanged += 1
                    continue
                self._touched.add(pid)
        _insert(self._conn, table, inserts)
        _update(self._conn, table, updates)
        self._tally.new(key, len(inserts))
        self._tally.updated(key, len(updates))
        self._tally.unchanged(key, unchanged)

    # --- claims and their explanations ------------------------------------------

    def _claims(
        self, chunk: Sequence[ProfessionalEntry], ids: Mapping[str, int], existing_ids: list[int]
    ) -> None:
        stored = self._stored_by_ref(CLAIMS, existing_ids)
        explained = self._stored_explanations(existing_ids)
        # Claims agents acted on: what they decided and marked stands.
        acted = acts_on(self._conn, [c.ref for e in chunk for c in e.claims if c.ref in stored])
        new_claims: list[tuple[dict[str, Any], ClaimEntry]] = []
        updates: list[dict[str, Any]] = []
        explanation_inserts: list[dict[str, Any]] = []
        explanation_updates: list[dict[str, Any]] = []
        unchanged = 0
        for entry in chunk:
            for claim in entry.claims:
                row = stored.get(claim.ref)
                if row is not None and row.professional_id != ids[entry.ref]:
                    raise RefConflict(claim.ref)
                values = {
                    "ref": claim.ref,
                    "submitted_at": claim.submitted_at,
                    "status": claim.status if claim.status is not ABSENT else "open",
                }
                if row is None:
                    values |= {"professional_id": ids[entry.ref], "version": 1}
                    new_claims.append((values, claim))
                    self._touched.add(ids[entry.ref])
                    continue
                acts = acted.get(claim.ref)
                if claim.status is ABSENT:
                    values["status"] = row.status
                elif acts and claim.status != row.status:
                    values["status"] = row.status
                    self._keep(claim.ref, "status", None, claim.status, _status_act(acts))
                if acts:
                    inserted, updated = self._kept_explanations(
                        row, claim.explanations, explained.get(row.id, {}), acts
                    )
                else:
                    inserted, updated = self._explanations(
                        row.id, claim.explanations, explained.get(row.id, {})
                    )
                explanation_inserts += inserted
                explanation_updates += updated
                if _differs(values, row) or inserted or updated:
                    # Whoever acted on the claim as it was must see it changed.
                    updates.append({"row_id": row.id, **values, "version": row.version + 1})
                    self._touched.add(ids[entry.ref])
                else:
                    unchanged += 1
        new_ids = _insert_returning_ids(self._conn, CLAIMS, [v for v, _ in new_claims])
        for _, claim in new_claims:
            inserted, _updated = self._explanations(new_ids[claim.ref], claim.explanations, {})
            explanation_inserts += inserted
        _update(self._conn, CLAIMS, updates)
        _insert(self._conn, EXPLANATIONS, explanation_inserts)
        _update(self._conn, EXPLANATIONS, explanation_updates)
        self._tally.new("claims", len(new_claims))
        self._tally.updated("claims", len(updates))
        self._tally.unchanged("claims", unchanged)
        self._tally.new("explanations", len(explanation_inserts))
        self._tally.updated("explanations", len(explanation_updates))
        total = sum(len(c.explanations) for e in chunk for c in e.claims)
        self._tally.unchanged(
            "explanations", total - len(explanation_inserts) - len(explanation_updates)
        )

    def _keep(
        self, claim_ref: str, kind: KeptKind, contact_ref: str | None, given: Any, act: Act
    ) -> None:
        self._tally.kept.append(
            KeptField(claim_ref, kind, contact_ref, given, act.action, act.agent, act.at)
        )

    def _kept_explanations(
        self,
        claim: Row[Any],
        entries: Iterable[ExplanationEntry],
        stored: Mapping[str, Row[Any]],
        acts: Sequence[Act],
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The explanations of a claim agents acted on: texts and marks stay as they are.

        Only an explanation the claim lacks is added, and only while it is open.
        """
        latest = acts[-1]
        new: list[ExplanationEntry] = []
        for entry in entries:
            row = stored.get(entry.contact_ref)
            if row is None:
                if claim.status == "open":
                    new.append(entry)
                else:
                    self._keep(claim.ref, "explanation", entry.contact_ref, None, latest)
                continue
            if entry.text != row.text:
                self._keep(claim.ref, "text", entry.contact_ref, None, latest)
            if entry.verification is not ABSENT and entry.verification != row.verification:
                mark = (
                    Act(latest.seq, row.verified_at, row.verified_by, f"mark_{row.verification}")
                    if row.verification and row.verified_by and row.verified_at
                    else latest
                )
                self._keep(claim.ref, "verification", entry.contact_ref, entry.verification, mark)
        inserts, _ = self._explanations(claim.id, new, {})
        return inserts, []

    def _stored_explanations(self, professional_ids: list[int]) -> dict[int, dict[str, Row[Any]]]:
        """claim id -> contact ref -> explanation row, for the claims of these professionals."""
        found: dict[int, dict[str, Row[Any]]] = defaultdict(dict)
        if professional_ids:
            e = EXPLANATIONS
            stmt = (
                select(e)
                .join(CLAIMS, CLAIMS.c.id == e.c.claim_id)
                .where(CLAIMS.c.professional_id.in_(professional_ids))
            )
            for row in self._conn.execute(stmt):
                found[row.claim_id][row.contact_ref] = row
        return found

    @staticmethod
    def _explanations(
        claim_id: int, entries: Iterable[ExplanationEntry], stored: Mapping[str, Row[Any]]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The explanation rows to insert and to update for one claim."""
        inserts, updates = [], []
        for entry in entries:
            row = stored.get(entry.contact_ref)
            given = entry.verification
            if row is None:
                inserts.append(
                    {
                        "claim_id": claim_id,
                        "contact_ref": entry.contact_ref,
                        "text": entry.text,
                        "verification": None if given is ABSENT else given,
                    }
                )
                continue
            text_changed = entry.text != row.text
            if given is not ABSENT:
                verification = given
            else:
                # A verification judged the text it was made on, not a new one.
                verification = None if text_changed else row.verification
            if not text_changed and verification == row.verification:
                continue
            update_row = {"row_id": row.id, "text": entry.text, "verification": verification}
            # Who verified, when and why no longer holds for a new text or verdict.
            update_row |= dict.fromkeys(_VERIFICATION_COLUMNS)
            updates.append(update_row)
        return inserts, updates
