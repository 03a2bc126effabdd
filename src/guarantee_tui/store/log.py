"""The decision log's storage: appending to the hash chain, reading it back.

Each entry's hash is SHA-256 over a canonical JSON form of the entry
(sorted keys, no spaces, UTF-8) that includes the previous entry's hash.
Appenders first lock the single `log_head` row, so concurrent appends from
any number of processes queue up and the chain never forks; `prev_hash` is
also unique in the table, which makes a fork impossible even for a writer
that bypasses this module.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import Connection, and_, func, insert, not_, select, update
from sqlalchemy.exc import IntegrityError

from guarantee_tui.errors import UserError
from guarantee_tui.store.clock import database_now
from guarantee_tui.store.models import LogEntry, LogHead

if TYPE_CHECKING:
    from guarantee_tui.i18n import Translator

GENESIS: Final = "0" * 64

# What the triggers of migration 0004 say, on both backends, when an entry
# would make the log say a claim was decided twice, or reopened undecided.
DECIDED_TWICE: Final = "a claim is decided once until a supervisor reopens it"
NOTHING_TO_REOPEN: Final = "a reopening needs a decision before it"


class DecidedTwice(Exception):
    """The database refused a decision: the claim's last one was never reopened."""


class NothingToReopen(Exception):
    """The database refused a reopening: the claim has no decision standing."""


class BeforeLatestEntry(UserError):
    """A time chosen for an act (`--at`) that would date it before the log's newest entry."""

    def __init__(self, at: datetime, latest: datetime) -> None:
        super().__init__(at.isoformat())
        self.at, self.latest = at, latest

    def describe(self, tr: Translator) -> str:
        return tr(
            "--at {at} is before the latest log entry ({latest}): the log is written in "
            "the order things happen. Give a later time, or none for now.",
            at=self.at.isoformat(),
            latest=self.latest.isoformat(),
        )


class InTheFuture(UserError):
    """A time chosen for an act (`--at`) later than the database's clock."""

    def __init__(self, at: datetime, now: datetime) -> None:
        super().__init__(at.isoformat())
        self.at, self.now = at, now

    def describe(self, tr: Translator) -> str:
        return tr(
            "--at {at} is in the future (the database's clock says {now}): an act is "
            "recorded once it has happened.",
            at=self.at.isoformat(),
            now=self.now.isoformat(timespec="seconds"),
        )


@dataclass(frozen=True, slots=True)
class NewEntry:
    at: datetime
    agent: str
    role: str
    action: str
    claim_ref: str | None = None
    professional_ref: str | None = None
    market: str | None = None
    letter_language: str | None = None
    letter_text: str | None = None
    reason: str | None = None
    refund_credits: int | None = None
    checklist: str | None = None  # canonical JSON (see canonical_json)
    details: str | None = None  # canonical JSON


@dataclass(frozen=True, slots=True)
class Entry(NewEntry):
    seq: int = 0
    prev_hash: str = GENESIS
    hash: str = GENESIS
    # The database's clock when it wrote the entry; not hashed (the writer
    # cannot know it beforehand). None before revision 0004.
    recorded_at: datetime | None = None


ENTRY_FIELDS: Final = tuple(f.name for f in fields(Entry))


# One encoder for every call: json.dumps with options builds a new one each time.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
_escape = json.encoder.encode_basestring


def canonical_json(value: Any) -> str:
    return _CANONICAL.encode(value)


# What an entry's hash covers, in the canonical (sorted) key order.
HASHED_FIELDS: Final = tuple(sorted(f for f in ENTRY_FIELDS if f not in ("hash", "recorded_at")))


def _timestamp(at: datetime) -> str:
    # "2026-06-01T12:00:00.000000Z", whatever the microseconds.
    return at.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


# `"key":` for each hashed field, in order, as the JSON encoder writes it.
_PREFIXES: Final = tuple(json.dumps(name) + ":" for name in HASHED_FIELDS)


def canonical_entry(values: Sequence[Any]) -> str:
    """The canonical JSON of an entry whose values are in HASHED_FIELDS order.

    Written by hand because `log verify` does it a million times: the same
    bytes as `canonical_json` of the dict (keys sorted, no spaces, UTF-8
    strings escaped by the json module's own C escaper), a third of the time.
    """
    parts = []
    for prefix, value in zip(_PREFIXES, values, strict=True):
        if value is None:
            parts.append(prefix + "null")
        elif isinstance(value, str):
            parts.append(prefix + _escape(value))
        else:
            parts.append(prefix + int.__repr__(value))
    return "{" + ",".join(parts) + "}"


def _digest(values: Sequence[Any]) -> str:
    return hashlib.sha256(canonical_entry(values).encode("utf-8")).hexdigest()


def entry_hash(seq: int, entry: NewEntry, prev_hash: str) -> str:
    special = {"at": _timestamp(entry.at), "seq": seq, "prev_hash": prev_hash}
    return _digest([special[f] if f in special else getattr(entry, f) for f in HASHED_FIELDS])


_NOT_GIVEN: Final = ("seq", "prev_hash", "hash", "recorded_at")


def append(conn: Connection, entry: NewEntry, *, chosen_time: bool = False) -> Entry:
    """Appends `entry` in the caller's transaction; returns it with seq and hashes.

    The database stamps the entry's `recorded_at` with its own clock. With
    `chosen_time` (a person gave `entry.at`, as `decide --at` does), that
    time may be neither before the newest entry's nor after the database's
    clock: BeforeLatestEntry, InTheFuture.
    """
    # A write that returns the head: it takes the row lock (PostgreSQL) or the
    # database write lock (SQLite) before the head is read.
    head = conn.execute(
        update(LogHead)
        .where(LogHead.id == 1)
        .values(seq=LogHead.seq)
        .returning(LogHead.seq, LogHead.hash)
    ).one()
    if chosen_time:
        _check_chosen_time(conn, entry.at, head.seq)
    seq = head.seq + 1
    digest = entry_hash(seq, entry, head.hash)
    # Stored with microsecond precision on both backends, as hashed.
    at = entry.at.astimezone(UTC)
    values = {f: getattr(entry, f) for f in ENTRY_FIELDS if f not in _NOT_GIVEN}
    values["at"] = at
    try:
        recorded = conn.execute(
            insert(LogEntry)
            .values(seq=seq, prev_hash=head.hash, hash=digest, **values)
            .returning(LogEntry.recorded_at)
        ).scalar_one()
    except IntegrityError as exc:
        reason = str(exc.orig)
        if DECIDED_TWICE in reason:
            raise DecidedTwice(entry.claim_ref) from exc
        if NOTHING_TO_REOPEN in reason:
            raise NothingToReopen(entry.claim_ref) from exc
        raise
    conn.execute(update(LogHead).where(LogHead.id == 1).values(seq=seq, hash=digest))
    return Entry(
        **{**values, "seq": seq, "prev_hash": head.hash, "hash": digest, "recorded_at": recorded}
    )


def lock_head(conn: Connection) -> None:
    """Takes the head's lock (as `append` will) before anything else is locked.

    Every act appends to the log and may then update the claims of the same
    professional (their stored verdicts): an act that locked a claim first
    and the head second could wait on one that did the opposite, a deadlock.
    Taking the head first gives every act the same order.
    """
    conn.execute(update(LogHead).where(LogHead.id == 1).values(seq=LogHead.seq))


def _check_chosen_time(conn: Connection, at: datetime, head_seq: int) -> None:
    # Read under the head's lock: no entry can come in between.
    latest = conn.execute(select(LogEntry.at).where(LogEntry.seq == head_seq)).scalar()
    if latest is not None and at < latest:
        raise BeforeLatestEntry(at, latest)
    now = conn.execute(select(database_now())).scalar_one()
    if at > now:
        raise InTheFuture(at, now)


def recorded_at(conn: Connection, seq: int) -> datetime | None:
    """When the database wrote entry `seq` (None: before revision 0004, or no such entry)."""
    value: datetime | None = conn.execute(
        select(LogEntry.recorded_at).where(LogEntry.seq == seq)
    ).scalar()
    return value


def _row_to_entry(row: Mapping[Any, Any]) -> Entry:
    return Entry(**{f: row[f] for f in ENTRY_FIELDS})


def iter_entries(conn: Connection, *, batch_size: int = 5000) -> Iterator[Entry]:
    """Every entry in sequence order, read in batches by key."""
    columns = [getattr(LogEntry, f) for f in ENTRY_FIELDS]
    last = 0
    while True:
        rows = (
            conn.execute(
                select(*columns).where(LogEntry.seq > last).order_by(LogEntry.seq).limit(batch_size)
            )
            .mappings()
            .all()
        )
        if not rows:
            return
        for row in rows:
            yield _row_to_entry(row)
        last = rows[-1]["seq"]


def head(conn: Connection) -> tuple[int, str]:
    row = conn.execute(select(LogHead.seq, LogHead.hash).where(LogHead.id == 1)).one()
    return int(row.seq), str(row.hash)


@dataclass(frozen=True, slots=True)
class LogFilter:
    """Which entries to show or export; empty sets mean all."""

    start: datetime | None = None  # inclusive
    end: datetime | None = None  # exclusive
    agents: frozenset[str] = frozenset()
    markets: frozenset[str] = frozenset()
    actions: frozenset[str] = frozenset()
    claim_ref: str | None = None


def _where(f: LogFilter) -> list[Any]:
    return _where_on(LogEntry, f)


def _count(conn: Connection, conditions: list[Any]) -> int:
    stmt = select(func.count()).select_from(LogEntry)
    for condition in conditions:
        stmt = stmt.where(condition)
    return int(conn.execute(stmt).scalar_one())


@dataclass(frozen=True, slots=True)
class Around:
    """What the reader already holds next to a page: the seq of the row just
    before it (newest first) or of the row just after it."""

    older_than: int | None = None
    newer_than: int | None = None


def _page(
    conn: Connection,
    conditions: list[Any],
    offset: int,
    limit: int,
    total: int | None = None,
    around: Around = Around(),
) -> list[Entry]:
    """Newest first, rows offset..offset+limit.

    An offset is a scan of every row it skips, each tested for folding: 2 s
    in the middle of a 1,000,000-entry log. So a page next to rows the reader
    holds is read from its neighbour's seq through the key (`around`), and,
    given `total` (the rows' count under these conditions), one in the older
    half is read from the oldest end."""
    stmt = select(*(getattr(LogEntry, name) for name in ENTRY_FIELDS))
    for condition in conditions:
        stmt = stmt.where(condition)
    newest_first = True
    if around.older_than is not None:
        stmt, offset = stmt.where(LogEntry.seq < around.older_than), 0
    elif around.newer_than is not None:
        stmt, offset, newest_first = stmt.where(LogEntry.seq > around.newer_than), 0, False
    elif total is not None and offset > total // 2:
        end = min(offset + limit, total)
        if end <= offset:
            return []
        offset, limit, newest_first = total - end, end - offset, False
    order = LogEntry.seq.desc() if newest_first else LogEntry.seq
    rows = conn.execute(stmt.order_by(order).offset(offset).limit(limit)).mappings()
    entries = [_row_to_entry(row) for row in rows]
    return entries if newest_first else entries[::-1]


def count_entries(conn: Connection, f: LogFilter) -> int:
    return _count(conn, _where(f))


def page_entries(conn: Connection, f: LogFilter, offset: int, limit: int) -> list[Entry]:
    """Newest first."""
    return _page(conn, _where(f), offset, limit)


def filtered_entries(conn: Connection, f: LogFilter, *, batch_size: int = 2000) -> Iterator[Entry]:
    """Oldest first, read in batches by key (for exports of any size)."""
    last = 0
    while True:
        stmt = select(*(getattr(LogEntry, name) for name in ENTRY_FIELDS)).where(
            LogEntry.seq > last
        )
        for condition in _where(f):
            stmt = stmt.where(condition)
        rows = conn.execute(stmt.order_by(LogEntry.seq).limit(batch_size)).mappings().all()
        if not rows:
            return
        for row in rows:
            yield _row_to_entry(row)
        last = rows[-1]["seq"]


def entry(conn: Connection, seq: int) -> Entry | None:
    row = (
        conn.execute(
            select(*(getattr(LogEntry, name) for name in ENTRY_FIELDS)).where(LogEntry.seq == seq)
        )
        .mappings()
        .first()
    )
    return None if row is None else _row_to_entry(row)


def hash_checks(
    conn: Connection, *, batch_size: int = 20_000
) -> Iterator[tuple[int, str, str, str, list[Any]]]:
    """Every entry as (seq, prev_hash, stored hash, recomputed hash, values), in
    order; `values` are the hashed fields in HASHED_FIELDS order, `at` in its
    canonical text (`2026-06-01T12:00:00.000000Z`).

    The hot loop of `log verify`: rows come straight from the driver's cursor
    and are hashed without building entry objects; the values are handed on
    so that what the log says can be followed in the same pass
    (services/log_state.py).
    """
    columns = ", ".join(HASHED_FIELDS) + ", hash"
    sqlite = conn.dialect.name == "sqlite"
    marker = "?" if sqlite else "%s"
    sql = (
        f"SELECT {columns} FROM log_entries WHERE seq > {marker} ORDER BY seq "
        f"LIMIT {int(batch_size)}"
    )
    at_index = HASHED_FIELDS.index("at")
    seq_index = HASHED_FIELDS.index("seq")
    prev_index = HASHED_FIELDS.index("prev_hash")
    count = len(HASHED_FIELDS)
    driver = conn.connection.driver_connection
    assert driver is not None
    last = 0
    while True:
        cursor = driver.cursor()
        try:
            cursor.execute(sql, (last,))
            rows = cursor.fetchall()
        finally:
            cursor.close()
        if not rows:
            return
        for row in rows:
            values = list(row[:count])
            at = values[at_index]
            # SQLite holds the naive UTC text "YYYY-MM-DD HH:MM:SS.ffffff".
            values[at_index] = (
                at.replace(" ", "T") + "Z"
                if sqlite and len(at) == 26
                else _timestamp(
                    at
                    if isinstance(at, datetime)
                    else datetime.fromisoformat(at).replace(tzinfo=UTC)
                )
            )
            yield (values[seq_index], values[prev_index], row[count], _digest(values), values)
        last = rows[-1][seq_index]


# --- the log as a supervisor reads it: marks under their claim's decision ----

# The acts on one explanation; they are shown under the decision they led to.
MARKS: Final = ("mark_truthful", "mark_untruthful", "mark_cleared")
_DECISION_ACTIONS: Final = ("approve", "reject", "suspend")


def _grouped(f: LogFilter) -> bool:
    """Marks fold under decisions unless the filter asks for marks and no decision."""
    return not f.actions or bool(f.actions & frozenset(_DECISION_ACTIONS))


def _next_decision(entry: Any) -> Any:
    """The seq of the first decision on `entry`'s claim after it (NULL: none yet)."""
    first = LogEntry.__table__.alias("first_decision")
    return (
        select(func.min(first.c.seq))
        .where(
            first.c.claim_ref == entry.claim_ref,
            first.c.seq > entry.seq,
            first.c.action.in_(_DECISION_ACTIONS),
        )
        .correlate_except(first)
        .scalar_subquery()
    )


def _folded_mark(f: LogFilter) -> Any:
    """A mark that is one of a decision's group, and not the group's newest:
    the group shows as one row (its newest mark's) under the decision, the
    rest only when it is opened. The decision must itself be shown by `f`."""
    nxt = LogEntry.__table__.alias("next_decision")
    first_seq = _next_decision(LogEntry)
    decision = select(nxt.c.seq).where(nxt.c.seq == first_seq)
    for condition in _where_on(nxt.c, replace_actions(f)):
        decision = decision.where(condition)
    later = LogEntry.__table__.alias("later_mark")
    newer_mark = select(later.c.seq).where(
        later.c.claim_ref == LogEntry.claim_ref,
        later.c.seq > LogEntry.seq,
        later.c.seq < first_seq,
        later.c.action.in_(MARKS),
        *_where_on(later.c, f),
    )
    return and_(LogEntry.action.in_(MARKS), decision.exists(), newer_mark.exists())


def replace_actions(f: LogFilter) -> LogFilter:
    """`f` for the decision a mark leads to: only decisions the filter shows."""
    wanted = frozenset(_DECISION_ACTIONS) & f.actions if f.actions else frozenset()
    return replace(f, actions=wanted or frozenset(_DECISION_ACTIONS))


def _where_on(c: Any, f: LogFilter) -> list[Any]:
    """`f` as conditions on the columns of `c`: the log's table, or an alias of it."""
    conditions: list[Any] = []
    if f.start is not None:
        conditions.append(c.at >= f.start)
    if f.end is not None:
        conditions.append(c.at < f.end)
    if f.agents:
        conditions.append(c.agent.in_(sorted(f.agents)))
    if f.markets:
        conditions.append(c.market.in_(sorted(f.markets)))
    if f.actions:
        conditions.append(c.action.in_(sorted(f.actions)))
    if f.claim_ref is not None:
        conditions.append(c.claim_ref == f.claim_ref)
    return conditions


def _top_level(f: LogFilter) -> list[Any]:
    conditions = _where(f)
    if _grouped(f):
        conditions.append(not_(_folded_mark(f)))
    return conditions


def _folded_count(f: LogFilter, after: int | None = None) -> Any:
    """How many marks `_folded_mark` folds under `f` (those after seq `after`
    if given), as a scalar subquery.

    Counted from the decisions rather than tested mark by mark (searches of
    the claim's entries for each mark, several times slower): a decision the
    filter shows folds the marks it shows between the claim's previous
    decision (shown or not) and itself, all but the newest. Each mark joins
    only its next decision, so the join's rows less the decisions joined are
    the folded marks. The searches by claim read the index on
    (claim_ref, seq, action) alone (migration 0012).
    """
    table = LogEntry.__table__
    shown = table.alias("decision")
    before = table.alias("previous_decision")
    previous = (
        select(func.max(before.c.seq))
        .where(
            before.c.claim_ref == shown.c.claim_ref,
            before.c.seq < shown.c.seq,
            before.c.action.in_(_DECISION_ACTIONS),
        )
        .correlate(shown)
        .scalar_subquery()
    )
    decision = (
        select(shown.c.seq, shown.c.claim_ref, func.coalesce(previous, 0).label("previous_seq"))
        .where(shown.c.claim_ref.is_not(None), *_where_on(shown.c, replace_actions(f)))
        .subquery("shown_decision")
    )
    mark = table.alias("mark")
    conditions = [mark.c.action.in_(MARKS), *_where_on(mark.c, f)]
    if after is not None:
        conditions.append(mark.c.seq > after)
    joined = decision.join(
        mark,
        and_(
            mark.c.claim_ref == decision.c.claim_ref,
            mark.c.seq > decision.c.previous_seq,
            mark.c.seq < decision.c.seq,
        ),
    )
    return (
        select(func.count() - func.count(decision.c.seq.distinct()))
        .select_from(joined)
        .where(*conditions)
        .scalar_subquery()
    )


def _count_top_level(conn: Connection, f: LogFilter, after: int | None = None) -> int:
    """The folded log's rows (after seq `after` if given): as `_count` of
    `_top_level(f)`, in one pass over the decisions instead of a search per mark."""
    conditions = _where(f)
    if after is not None:
        conditions.append(LogEntry.seq > after)
    entries = select(func.count()).select_from(LogEntry).where(*conditions).scalar_subquery()
    if not _grouped(f):
        return int(conn.execute(select(entries)).scalar_one())
    return int(conn.execute(select(entries - _folded_count(f, after))).scalar_one())


def count_top_level(conn: Connection, f: LogFilter) -> int:
    """How many rows the grouped log has: entries, less the marks folded under a decision."""
    return _count_top_level(conn, f)


def page_top_level(
    conn: Connection,
    f: LogFilter,
    offset: int,
    limit: int,
    total: int | None = None,
    around: Around = Around(),
) -> list[Entry]:
    """Newest first, the folded marks left out; `total` (`count_top_level`)
    and `around`, when known, make deep pages quick (`_page`)."""
    return _page(conn, _top_level(f), offset, limit, total, around)


@dataclass(frozen=True, slots=True)
class MarkGroup:
    """The marks that led to a decision, shown as one row (their newest's)."""

    decision_seq: int
    marks: tuple[Entry, ...]  # oldest first, the newest being the row's


def mark_groups(conn: Connection, entries: Sequence[Entry], f: LogFilter) -> dict[int, MarkGroup]:
    """For each mark of `entries` that stands for its decision's group (see
    `_folded_mark`), the group; keyed by that mark's seq."""
    marks = [e for e in entries if e.action in MARKS and e.claim_ref]
    if not marks or not _grouped(f):
        return {}
    claims = sorted({m.claim_ref for m in marks if m.claim_ref is not None})
    stmt = select(*(getattr(LogEntry, name) for name in ENTRY_FIELDS)).where(
        LogEntry.claim_ref.in_(claims),
        LogEntry.action.in_((*MARKS, *_DECISION_ACTIONS)),
        LogEntry.seq >= min(m.seq for m in marks),
    )
    rows = [_row_to_entry(r) for r in conn.execute(stmt.order_by(LogEntry.seq)).mappings()]
    # Every mark the filter shows between a claim's decisions, by claim, and
    # which of them each decision closed.
    decided = replace_actions(f)
    wanted = {m.seq for m in marks}
    pending: dict[str, list[Entry]] = {}
    found: dict[int, MarkGroup] = {}
    # Marks before the first row read belong to a group whose earlier marks are
    # not read here: read them too when a group is found (rare, small).
    for row in rows:
        assert row.claim_ref is not None
        if row.action in _DECISION_ACTIONS:
            closed = pending.pop(row.claim_ref, [])
            if closed and closed[-1].seq in wanted and _shows(decided, row, actions=True):
                found[closed[-1].seq] = MarkGroup(row.seq, tuple(closed))
        elif _shows(f, row, actions=True):
            pending.setdefault(row.claim_ref, []).append(row)
    for seq, found_group in list(found.items()):
        earlier = _earlier_marks(conn, found_group.marks[0], f)
        if earlier:
            found[seq] = MarkGroup(found_group.decision_seq, (*earlier, *found_group.marks))
    return found


def _earlier_marks(conn: Connection, first: Entry, f: LogFilter) -> list[Entry]:
    """The marks of `first`'s group that come before it (since the claim's previous decision)."""
    previous = (
        select(func.max(LogEntry.seq))
        .where(
            LogEntry.claim_ref == first.claim_ref,
            LogEntry.seq < first.seq,
            LogEntry.action.in_(_DECISION_ACTIONS),
        )
        .scalar_subquery()
    )
    stmt = select(*(getattr(LogEntry, name) for name in ENTRY_FIELDS)).where(
        LogEntry.claim_ref == first.claim_ref,
        LogEntry.seq < first.seq,
        LogEntry.seq > func.coalesce(previous, 0),
        LogEntry.action.in_(MARKS),
        *_where(f),
    )
    return [_row_to_entry(r) for r in conn.execute(stmt.order_by(LogEntry.seq)).mappings()]


def _shows(f: LogFilter, e: Entry, *, actions: bool = False) -> bool:
    return (
        (f.start is None or e.at >= f.start)
        and (f.end is None or e.at < f.end)
        and (not f.agents or e.agent in f.agents)
        and (not f.markets or e.market in f.markets)
        and (not actions or not f.actions or e.action in f.actions)
    )


def known_agents(conn: Connection) -> list[str]:
    """Everyone the log names, for choosing rather than typing names."""
    rows = conn.execute(select(LogEntry.agent).distinct().order_by(LogEntry.agent)).scalars()
    return [str(name) for name in rows]


def top_level_positions(conn: Connection, f: LogFilter, seqs: Sequence[int]) -> dict[int, int]:
    """For each entry of `seqs` the folded log shows, how many rows come before it."""
    conditions = _top_level(f)
    shown = select(LogEntry.seq).where(LogEntry.seq.in_(sorted(seqs)), *conditions)
    found: dict[int, int] = {}
    for seq in conn.execute(shown).scalars():
        found[int(seq)] = _count_top_level(conn, f, after=int(seq))
    return found
