"""Importing a case file: validate all of it, then apply it in one transaction.

Two streaming passes over the file. The first validates everything
(`validate.validate_case_file`), keeping only sets of refs; the second
parses again and writes, a chunk of professionals at a time, inside one
transaction. A bad file changes nothing; the file's hash is compared between
the passes, so a file changed meanwhile is not half-imported either.

How the file's records meet the stored ones (refs are the keys):

- A professional is matched by `ref`. A key the file leaves out keeps the
  stored value (a new row gets the schema's default, or NULL); `null` where
  the schema allows it clears the value.
- A keyless collection the file gives (`profile_completeness`,
  `trust_labels`, `packs`, `payment_incidents`) replaces the professional's
  stored one, whatever its order; a collection left out is kept. It is
  written only when it differs, as a multiset, from the stored one.
- Contact purchases, reviews and claims are matched by ref, explanations by
  (claim, `contact_ref`): inserted or updated, never deleted when absent.
- A claim's `status` and an explanation's `verification` change only when
  the file gives them (a new claim is `open`, a new explanation unverified).
- When an explanation's text changes and the file gives no verification, the
  stored verification is cleared: it judged another text. Whenever the text
  or the verification changes, `verified_by`, `verified_at` and
  `verification_note` are cleared too.
- A claim whose fields or explanations change gets `version` + 1, so that an
  agent acting on what they saw before notices.
- `company_key`, `email_key` and `phone_key` follow `company_name`, `email`
  and `phone` (see guarantee_tui.text).

Nothing is written for records that are already as the file says, so
importing a file twice changes nothing the second time, and the report says
so.

The claims of every professional the import changed get their stored
verdict recomputed in the same transaction (see services/verdicts.py).

A SQLite file that does not exist yet, or a database without tables, is
created with the migrations, but only once the file is known to be valid.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, Literal

import ijson
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from guarantee_tui.services.case_files.errors import CaseFileChanged, ImportConflict
from guarantee_tui.services.case_files.fields import Problems, TooManyProblems
from guarantee_tui.services.case_files.reading import TrackingReader, open_source
from guarantee_tui.services.case_files.records import ProfessionalEntry
from guarantee_tui.services.case_files.report import ImportReport, Tally
from guarantee_tui.services.case_files.tables import DatabaseOwners, has_professionals
from guarantee_tui.services.case_files.validate import (
    CHUNK_SIZE,
    parse_professional,
    validate_case_file,
)
from guarantee_tui.services.case_files.writer import ChunkWriter, RefConflict
from guarantee_tui.store.engine import check_schema, describe
from guarantee_tui.store.errors import DatabaseMissing, DatabaseUnavailable, SchemaEmpty
from guarantee_tui.store.transactions import write_transaction

State = Literal["ready", "missing", "empty"]
_SQLITE_COMPANIONS: Final = ("", "-wal", "-shm", "-journal")


def import_case_file(
    engine: Engine,
    source: Path,
    *,
    create_schema: bool = True,
    at: datetime | None = None,
) -> ImportReport:
    """Imports `source` into the database of `engine`; see the module docstring.

    With `create_schema` (the default), a missing SQLite file or an empty
    database is migrated after validation; without it, they are errors.
    The stored verdicts of the claims whose facts changed are recomputed as
    of `at` (default: now). Raises a UserError for a bad file or an
    unusable database.
    """
    source = Path(source)
    at = at or datetime.now(UTC)
    state = _database_state(engine)
    if state != "ready" and not create_schema:
        if state == "missing":
            raise DatabaseMissing(describe(engine.url))
        raise SchemaEmpty(describe(engine.url), has_tables=False)
    try:
        if state == "ready":
            # Validation only reads: the write lock is taken for the second pass
            # alone, and what changed in between is caught while writing.
            with engine.connect() as conn:
                owners = DatabaseOwners(conn) if has_professionals(conn) else None
                digest = validate_case_file(source, owners)
            with write_transaction(engine) as conn:
                tally = _apply(conn, source, digest, at)
            return tally.report(source, created_database=False)
        digest = validate_case_file(source, None)
        with _removed_on_failure(engine, state == "missing"):
            from guarantee_tui.store.migrate import upgrade

            upgrade(engine)
            with write_transaction(engine) as conn:
                tally = _apply(conn, source, digest, at)
        return tally.report(source, created_database=state == "missing")
    except RefConflict as exc:
        raise ImportConflict(str(source), str(exc), ref=exc.ref) from exc
    except IntegrityError as exc:
        raise ImportConflict(str(source), _first_line(exc)) from exc
    except OperationalError as exc:
        raise DatabaseUnavailable(describe(engine.url), _first_line(exc)) from exc


def _database_state(engine: Engine) -> State:
    url = engine.url
    path = url.database if url.get_backend_name() == "sqlite" else None
    if path and path != ":memory:" and not Path(path).exists():
        return "missing"
    try:
        check_schema(engine)
    except SchemaEmpty as exc:
        if exc.has_tables:
            raise
        return "empty"
    return "ready"


@contextlib.contextmanager
def _removed_on_failure(engine: Engine, created: bool) -> Iterator[None]:
    """Leaves no new SQLite file behind when the import that created it fails."""
    try:
        yield
    except BaseException:
        if created and engine.url.database:
            engine.dispose()
            for suffix in _SQLITE_COMPANIONS:
                Path(engine.url.database + suffix).unlink(missing_ok=True)
        raise


def _apply(conn: Connection, source: Path, digest: bytes, at: datetime) -> Tally:
    """The second pass: parse again and write, chunk by chunk."""
    tally = Tally()
    writer = ChunkWriter(conn, tally, at)
    # The file validated: any problem now means it changed since.
    problems = Problems(limit=1)
    chunk: list[ProfessionalEntry] = []
    with open_source(source) as raw:
        reader = TrackingReader(raw)
        try:
            items = ijson.items(reader, "professionals.item", use_float=False)
            for index, value in enumerate(items):
                entry = parse_professional(value, f"professionals[{index}]", problems)
                if entry is None:
                    raise CaseFileChanged(str(source))
                chunk.append(entry)
                if len(chunk) >= CHUNK_SIZE:
                    writer.write(chunk)
                    chunk = []
            if chunk:
                writer.write(chunk)
        except (ijson.JSONError, TooManyProblems):
            raise CaseFileChanged(str(source)) from None
        if reader.digest() != digest:
            raise CaseFileChanged(str(source))
    return tally


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
