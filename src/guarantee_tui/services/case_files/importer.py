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
- A file brings facts; it never changes what an agent or a supervisor
  decided. For a claim agents acted on (any decision, reopening or mark in
  the log), the stored status, the explanations' texts and marks (with who,
  when, why) are kept whatever the file says, and an explanation the file
  adds is added only while the claim is open. Each value of the file left out
  is one line of the report (`KeptField`): the import still applies the rest,
  so that the marketplace's facts keep flowing in. Decisions, the ledger and
  the log are never written by an import at all.
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
created with the migrations, but only once the file is known to be valid; a
new SQLite file is built under a temporary name and renamed once committed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, Literal

import ijson
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from guarantee_tui.services.case_files.errors import CaseFileChanged, ImportConflict
from guarantee_tui.services.case_files.fields import Problems, TooManyProblems
from guarantee_tui.services.case_files.reading import BadText, TrackingReader, open_source
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
    within: Callable[[Connection], None] | None = None,
) -> ImportReport:
    """Imports `source` into the database of `engine`; see the module docstring.

    With `create_schema` (the default), a missing SQLite file or an empty
    database is migrated after validation; without it, they are errors.
    The stored verdicts of the claims whose facts changed are recomputed as
    of `at` (default: now). Raises a UserError for a bad file or an
    unusable database.
    `within(conn)` runs in the import's transaction just before it commits
    (pull stores its cursor there, with the page).
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
                if within is not None:
                    within(conn)
            return tally.report(source, created_database=False)
        digest = validate_case_file(source, None)
        from guarantee_tui.store.migrate import upgrade

        if state == "missing":
            tally = _into_new_file(engine, source, digest, at, within)
            return tally.report(source, created_database=True)
        upgrade(engine)
        with write_transaction(engine) as conn:
            tally = _apply(conn, source, digest, at)
            if within is not None:
                within(conn)
        return tally.report(source, created_database=False)
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


def _into_new_file(
    engine: Engine,
    source: Path,
    digest: bytes,
    at: datetime,
    within: Callable[[Connection], None] | None,
) -> Tally:
    """Creates the SQLite file of `engine` holding the file's data, or nothing.

    The database is built under a temporary name beside it and takes its name
    only once committed and whole (the write-ahead log folded in): an import
    killed on the way leaves no database behind, only a hidden `.NAME.PID.partial`
    file, which the next import into that directory removes.
    """
    from guarantee_tui.store.engine import make_engine
    from guarantee_tui.store.migrate import upgrade

    assert engine.url.database
    target = Path(engine.url.database)
    _remove_stale_partials(target)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    building = make_engine(engine.url.set(database=str(partial)), create=True)
    try:
        upgrade(building)
        with write_transaction(building) as conn:
            tally = _apply(conn, source, digest, at)
            if within is not None:
                within(conn)
        with building.connect() as conn:
            busy = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").scalar()
        building.dispose()
        if busy:
            raise DatabaseUnavailable(str(partial), "the write-ahead log could not be folded in")
        _publish(partial, target)
        return tally
    finally:
        building.dispose()
        for suffix in _SQLITE_COMPANIONS:
            Path(f"{partial}{suffix}").unlink(missing_ok=True)


def _publish(partial: Path, target: Path) -> None:
    """Gives the built file its name, unless a file took that name meanwhile."""
    try:
        # A hard link never replaces a file, unlike a rename.
        os.link(partial, target)
    except FileExistsError:
        raise DatabaseUnavailable(
            str(target), "another process created this file during the import"
        ) from None
    except OSError:
        if target.exists():
            raise DatabaseUnavailable(
                str(target), "another process created this file during the import"
            ) from None
        # A file system without hard links.
        os.replace(partial, target)


def _remove_stale_partials(target: Path) -> None:
    """The leftovers of imports killed while creating `target` (their process is gone)."""
    for stale in target.parent.glob(f".{target.name}.*.partial*"):
        pid = stale.name[len(target.name) + 2 :].split(".", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            stale.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


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
        except (ijson.JSONError, TooManyProblems, BadText, SystemError, ValueError):
            # Validation read these bytes without any of these problems.
            raise CaseFileChanged(str(source)) from None
        if reader.digest() != digest:
            raise CaseFileChanged(str(source))
    return tally


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
