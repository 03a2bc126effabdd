"""The decision log for people: checking it, reading it, exporting it, reviewing it.

Appends happen inside each act's own transaction (store.log). What an actor
may read is decided here, not on the screen: an agent sees their own
entries, a supervisor all of them.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from statistics import median
from typing import Any, Final, TextIO

from sqlalchemy import Engine

from guarantee_tui.errors import UserError
from guarantee_tui.i18n import N_, Translator
from guarantee_tui.policy.messages import Message, msg
from guarantee_tui.services.agents import Actor, NotAllowed, lookup_actor, resolve_actor
from guarantee_tui.services.log_heads import HeadCheck, KeptHead
from guarantee_tui.services.log_state import LogState
from guarantee_tui.store import decisions as store_decisions
from guarantee_tui.store import log as store
from guarantee_tui.store.log import (
    GENESIS,
    HASHED_FIELDS,
    Around,
    Entry,
    LogFilter,
    NewEntry,
    canonical_json,
)
from guarantee_tui.store.transactions import write_transaction
from guarantee_tui.text import inert_json, visible

__all__ = ["Around", "Entry", "Grouped", "LogFilter"]

# Every kind of act the log records.
ACTIONS: Final = (
    "approve",
    "reject",
    "suspend",
    "reopen",
    "mark_truthful",
    "mark_untruthful",
    "mark_cleared",
    "reveal_client_data",
    "call_note",
    "claim_note",
    "review_agree",
    "review_disagree",
    "cancel_effect",
    "take_over",
    "agent_add",
    "agent_set",
    "agent_remove",
    "intake",
)
DECISIONS: Final = ("approve", "reject", "suspend")
_ACTION: Final = HASHED_FIELDS.index("action")
_CLAIM: Final = HASHED_FIELDS.index("claim_ref")


class UnknownLogAction(UserError):
    def __init__(self, action: str) -> None:
        super().__init__(action)
        self.action = action

    def describe(self, tr: Translator) -> str:
        return tr(
            "Unknown action {action}; the log knows: {known}.",
            action=self.action,
            known=", ".join(ACTIONS),
        )


class UnknownEntry(UserError):
    def __init__(self, seq: int) -> None:
        super().__init__(str(seq))
        self.seq = seq

    def describe(self, tr: Translator) -> str:
        return tr("No log entry number {seq} for you.", seq=self.seq)


def check_actions(actions: Iterable[str]) -> frozenset[str]:
    for action in actions:
        if action not in ACTIONS:
            raise UnknownLogAction(action)
    return frozenset(actions)


# --- integrity ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Verification:
    # The chain holds, the tables say what the log says, every kept head is in the chain.
    ok: bool
    count: int
    head: str
    broken_seq: int | None = None
    problem: Message | None = None
    # Where the tables differ from the log (services/log_state.py), one message each;
    # looked for only when the chain holds.
    differences: tuple[Message, ...] = ()
    # Kept heads the chain no longer holds (services/log_heads.py).
    head_problems: tuple[Message, ...] = ()
    # How many kept heads were checked.
    heads_checked: int = 0


def verify(engine: Engine, heads: Sequence[KeptHead] = ()) -> Verification:
    """Walks the chain from the first entry; stops at the first broken link.

    A link is broken when its hashes do not hold, and also when the log says
    what never happens: a claim decided again while its decision stands (no
    reopening between them), or a reopening with no decision before it.

    A chain that holds proves its entries, not the tables beside it: the
    state the entries imply is recomputed in the same walk and compared with
    the tables (`differences`). Nor does it prove it was not cut short or
    rewritten whole: `heads`, kept outside the database, must each still be
    in it, unchanged (`head_problems`).
    """
    expected_seq, previous = 1, GENESIS
    count = 0
    broken: tuple[int, Message] | None = None
    # Claim ref -> the entry of the decision that stands on it.
    standing: dict[str, int] = {}
    state = LogState()
    kept = HeadCheck(heads)
    wanted = kept.wanted
    differences: list[Message] = []
    with engine.connect() as conn:
        for seq, prev_hash, stored, recomputed, values in store.hash_checks(conn):
            if seq != expected_seq:
                broken = (expected_seq, msg("entry {seq} is missing", seq=expected_seq))
                break
            if prev_hash != previous:
                broken = (seq, msg("it does not follow the entry before it"))
                break
            if recomputed != stored:
                broken = (seq, msg("its content does not match its hash"))
                break
            action, claim_ref = values[_ACTION], values[_CLAIM]
            if action in DECISIONS and claim_ref is not None:
                if claim_ref in standing:
                    broken = (
                        seq,
                        msg(
                            "it decides claim {claim} again, though the decision of entry "
                            "{decided} was never reopened",
                            claim=claim_ref,
                            decided=standing[claim_ref],
                        ),
                    )
                    break
                standing[claim_ref] = seq
            elif action == "reopen" and (claim_ref is None or claim_ref not in standing):
                broken = (
                    seq,
                    msg(
                        "it reopens claim {claim}, which has no decision to reopen",
                        claim=claim_ref or "?",
                    ),
                )
                break
            elif action == "reopen" and claim_ref is not None:
                del standing[claim_ref]
            state.feed(values)
            if wanted and seq in wanted:
                kept.see(seq, stored)
            previous = stored
            expected_seq += 1
            count += 1
        else:
            head_seq, head_hash = store.head(conn)
            if (head_seq, head_hash) != (count, previous):
                broken = (head_seq, msg("the recorded head does not match the last entry"))
        if broken is None:
            differences = state.differences(conn)
    kept.finish(count, broken is not None)
    return Verification(
        ok=broken is None and not differences and not kept.problems,
        count=count,
        head=previous,
        broken_seq=None if broken is None else broken[0],
        problem=None if broken is None else broken[1],
        differences=tuple(differences),
        head_problems=tuple(kept.problems),
        heads_checked=kept.checked,
    )


def head(engine: Engine) -> tuple[int, str]:
    with engine.connect() as conn:
        return store.head(conn)


# --- reading, by role --------------------------------------------------------


def scoped(f: LogFilter, actor: Actor) -> LogFilter:
    """What `actor` may see of `f`: an agent only their own entries."""
    if actor.is_supervisor:
        return f
    return replace(f, agents=frozenset({actor.name}))


def count(engine: Engine, f: LogFilter, agent: str | None) -> int:
    with engine.connect() as conn:
        actor = lookup_actor(conn, agent)
        return store.count_entries(conn, scoped(f, actor))


def page(engine: Engine, f: LogFilter, agent: str | None, offset: int, limit: int) -> list[Entry]:
    with engine.connect() as conn:
        actor = lookup_actor(conn, agent)
        return store.page_entries(conn, scoped(f, actor), offset, limit)


@dataclass(frozen=True, slots=True)
class Grouped:
    """A row of the log as a supervisor reads it: an entry, or, for the marks
    that led to a decision, one row for them all (`entry` is their newest)."""

    entry: Entry
    # The group's marks, oldest first; empty for an entry shown alone.
    marks: tuple[Entry, ...] = ()
    # The decision the marks led to.
    decision_seq: int | None = None

    @property
    def is_group(self) -> bool:
        return bool(self.marks)


def count_grouped(engine: Engine, f: LogFilter, agent: str | None) -> int:
    """How many rows the log has once each decision holds its marks."""
    with engine.connect() as conn:
        actor = lookup_actor(conn, agent)
        return store.count_top_level(conn, scoped(f, actor))


def page_grouped(
    engine: Engine,
    f: LogFilter,
    agent: str | None,
    offset: int,
    limit: int,
    total: int | None = None,
    around: Around | None = None,
) -> list[Grouped]:
    """Newest first; the marks that led to a decision are one row, not a row each.
    `total` (`count_grouped`) and `around` (the seq of a row beside the page),
    when known, make deep pages quick."""
    with engine.connect() as conn:
        actor = lookup_actor(conn, agent)
        mine = scoped(f, actor)
        entries = store.page_top_level(conn, mine, offset, limit, total, around or Around())
        groups = store.mark_groups(conn, entries, mine)
    rows = []
    for e in entries:
        group = groups.get(e.seq)
        rows.append(Grouped(e) if group is None else Grouped(e, group.marks, group.decision_seq))
    return rows


def positions(
    engine: Engine, f: LogFilter, agent: str | None, seqs: Sequence[int]
) -> dict[int, int]:
    """Where each of these entries is in the folded log (newest first), if it is there."""
    if not seqs:
        return {}
    with engine.connect() as conn:
        actor = lookup_actor(conn, agent)
        return store.top_level_positions(conn, scoped(f, actor), seqs)


def known_agents(engine: Engine, agent: str | None) -> list[str]:
    """The agents a filter can choose from: everyone in the log for a
    supervisor, oneself for an agent."""
    with engine.connect() as conn:
        actor = lookup_actor(conn, agent)
        if not actor.is_supervisor:
            return [actor.name]
        return store.known_agents(conn)


def get(engine: Engine, seq: int, agent: str | None) -> Entry:
    with engine.connect() as conn:
        actor = lookup_actor(conn, agent)
        found = store.entry(conn, seq)
    if found is None or not (actor.is_supervisor or found.agent == actor.name):
        raise UnknownEntry(seq)
    return found


# --- export ---------------------------------------------------------------

CSV_COLUMNS: Final = (
    ("seq", N_("seq")),
    ("at", N_("time (UTC)")),
    ("agent", N_("agent")),
    ("role", N_("role")),
    ("action", N_("action")),
    ("claim_ref", N_("claim")),
    ("professional_ref", N_("professional")),
    ("market", N_("market")),
    ("refund_credits", N_("refund (credits)")),
    ("reason", N_("reason")),
    ("letter_language", N_("letter language")),
    ("letter_text", N_("letter")),
    ("checklist", N_("checklist")),
    ("details", N_("details")),
    ("prev_hash", N_("previous hash")),
    ("hash", N_("hash")),
)


def _json_or_none(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def entry_record(entry: Entry) -> dict[str, Any]:
    """An entry as a JSON object (the JSONL export, and programs)."""
    record: dict[str, Any] = {name: getattr(entry, name) for name, _ in CSV_COLUMNS}
    record["at"] = entry.at.isoformat()
    # When the database wrote it, by its own clock (None before revision 0004).
    record["recorded_at"] = entry.recorded_at.isoformat() if entry.recorded_at else None
    record["checklist"] = _json_or_none(entry.checklist)
    record["details"] = _json_or_none(entry.details)
    return record


# What makes a spreadsheet read a cell as a formula (OWASP, "CSV Injection"):
# `=`, `+`, `-`, `@`, and tab or carriage return, which some strip first.
FORMULA_STARTS: Final = frozenset("=+-@\t\r")


def csv_cell(value: object) -> object:
    """A value as a CSV cell: a text starting like a formula gets a leading
    single quote, which spreadsheets show as text and do not evaluate
    (`=HYPERLINK(…)`, `+cmd|…`, `-1+1`, `@SUM(…)`, an agent named `=1+1`),
    and control characters are shown, not kept (`text.visible`). Numbers stay
    numbers: a reversed refund of -240 is not a formula."""
    if not isinstance(value, str):
        return value
    shown = visible(value, lines=True)
    return "'" + shown if value[:1] in FORMULA_STARTS else shown


def export(
    engine: Engine, out: TextIO, f: LogFilter, agent: str | None, fmt: str, tr: Translator
) -> int:
    """Writes the entries `agent` may see, oldest first; returns how many.

    CSV is for spreadsheets in French and Portuguese settings: UTF-8 with a
    byte-order mark (so accents survive), `;` between fields (the comma is
    their decimal separator), one quoted field per value, times as
    `YYYY-MM-DD HH:MM:SS` in UTC, which they read as dates. A text cell is
    never a formula (`csv_cell`). JSON lines keep every text exactly, with
    DEL and C1 controls escaped as JSON escapes C0.
    """
    written = 0
    with engine.connect() as conn:
        actor = lookup_actor(conn, agent)
        entries = store.filtered_entries(conn, scoped(f, actor))
        if fmt == "jsonl":
            for entry in entries:
                out.write(inert_json(json.dumps(entry_record(entry), ensure_ascii=False)))
                out.write("\n")
                written += 1
            return written
        out.write("\ufeff")
        writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        writer.writerow([tr(title) for _, title in CSV_COLUMNS])
        for entry in entries:
            row = []
            for name, _ in CSV_COLUMNS:
                value = getattr(entry, name)
                if name == "at":
                    value = entry.at.strftime("%Y-%m-%d %H:%M:%S")
                row.append("" if value is None else csv_cell(value))
            writer.writerow(row)
            written += 1
    return written


# --- figures per agent ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AgentFigures:
    agent: str
    approve: int
    reject: int
    suspend: int
    # Median time from opening a claim to deciding it, in seconds (None: unknown).
    median_seconds: float | None

    @property
    def decisions(self) -> int:
        return self.approve + self.reject + self.suspend

    @property
    def approval_rate(self) -> float | None:
        return self.approve / self.decisions if self.decisions else None


def figures(engine: Engine, f: LogFilter, agent: str | None) -> list[AgentFigures]:
    """Decisions by action, approval rate and median time to decide, per agent.

    The log's action filter is not the figures' business: they always count
    every decision of the period and markets (under "action: suspended" every
    agent would otherwise read 0 % approvals)."""
    with engine.connect() as conn:
        actor = lookup_actor(conn, agent)
        decided = replace(scoped(f, actor), actions=frozenset(DECISIONS))
        by_agent: dict[str, dict[str, int]] = {}
        seqs: dict[str, list[int]] = {}
        for entry in store.filtered_entries(conn, decided):
            counts = by_agent.setdefault(entry.agent, dict.fromkeys(DECISIONS, 0))
            counts[entry.action] += 1
            seqs.setdefault(entry.agent, []).append(entry.seq)
        durations: dict[str, list[float]] = {}
        for name, numbers in seqs.items():
            durations[name] = [
                (decided_at - opened_at).total_seconds()
                for opened_at, decided_at in store_decisions.times_to_decide(conn, numbers)
            ]
    return [
        AgentFigures(
            agent=name,
            approve=counts["approve"],
            reject=counts["reject"],
            suspend=counts["suspend"],
            median_seconds=median(durations[name]) if durations.get(name) else None,
        )
        for name, counts in sorted(by_agent.items())
    ]


# --- quality review -------------------------------------------------------


def sample_seed(f: LogFilter, percent: float) -> int:
    """The same period, filters and share always draw the same sample."""
    key = canonical_json(
        {
            "start": f.start.isoformat() if f.start else None,
            "end": f.end.isoformat() if f.end else None,
            "agents": sorted(f.agents),
            "markets": sorted(f.markets),
            "percent": percent,
        }
    )
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")


def review_sample(engine: Engine, f: LogFilter, percent: float, agent: str | None) -> list[Entry]:
    """A reproducible random `percent` of the period's decisions (at least one if any)."""
    if not 0 < percent <= 100:
        raise InvalidPercent(percent)
    with engine.connect() as conn:
        actor = lookup_actor(conn, agent)
        if not actor.is_supervisor:
            raise NotAllowed(actor, N_("draw a review sample"))
        decisions = list(store.filtered_entries(conn, replace(f, actions=frozenset(DECISIONS))))
    if not decisions:
        return []
    size = max(1, round(len(decisions) * percent / 100))
    chosen = random.Random(sample_seed(f, percent)).sample(decisions, size)
    return sorted(chosen, key=lambda e: e.seq)


class InvalidPercent(UserError):
    def __init__(self, percent: float) -> None:
        super().__init__(str(percent))
        self.percent = percent

    def describe(self, tr: Translator) -> str:
        return tr("The sample must be more than 0% and at most 100% of the decisions.")


def record_review(
    engine: Engine, seq: int, agree: bool, note: str, agent: str | None, at: datetime
) -> Entry:
    """A supervisor's second opinion on a logged decision, itself logged."""
    if not note.strip():
        from guarantee_tui.services.decisions import ReasonRequired

        raise ReasonRequired(str(seq))
    with write_transaction(engine) as conn:
        actor = resolve_actor(conn, agent, at)
        if not actor.is_supervisor:
            raise NotAllowed(actor, N_("review a decision"))
        reviewed = store.entry(conn, seq)
        if reviewed is None or reviewed.action not in DECISIONS:
            raise UnknownEntry(seq)
        return store.append(
            conn,
            NewEntry(
                at=at,
                agent=actor.name,
                role=actor.role,
                action="review_agree" if agree else "review_disagree",
                claim_ref=reviewed.claim_ref,
                professional_ref=reviewed.professional_ref,
                market=reviewed.market,
                reason=note.strip(),
                details=canonical_json({"reviewed_seq": seq, "decided_by": reviewed.agent}),
            ),
        )


def reviews_of(engine: Engine, seqs: Iterable[int]) -> dict[int, Entry]:
    """The latest review recorded for each of these decisions."""
    wanted = set(seqs)
    found: dict[int, Entry] = {}
    with engine.connect() as conn:
        reviews = store.filtered_entries(
            conn, LogFilter(actions=frozenset({"review_agree", "review_disagree"}))
        )
        for review in reviews:
            details = _json_or_none(review.details) or {}
            reviewed = details.get("reviewed_seq")
            if reviewed in wanted:
                found[int(reviewed)] = review
    return found


def reviews_of_decision(engine: Engine, seq: int, agent: str | None) -> list[Entry]:
    """The reviews recorded on decision `seq`, oldest first, for whoever may read it
    (a supervisor, or the agent who decided)."""
    decision = get(engine, seq, agent)
    if decision.action not in DECISIONS or decision.claim_ref is None:
        return []
    with engine.connect() as conn:
        reviews = store.filtered_entries(
            conn,
            LogFilter(
                actions=frozenset({"review_agree", "review_disagree"}),
                claim_ref=decision.claim_ref,
            ),
        )
        return [r for r in reviews if (_json_or_none(r.details) or {}).get("reviewed_seq") == seq]


def iter_all(engine: Engine) -> Iterator[Entry]:
    with engine.connect() as conn:
        yield from store.iter_entries(conn)
