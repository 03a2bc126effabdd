"""kill -9 at every step of a decision, a reopening and an import (issue 12).

A forked child does the act and kills itself with SIGKILL right after the
Nth SQL statement it sent, for every N from 1 to the act's total (counted
in a normal run of the same act, in a child too), then once more right
after the act returned. After each kill the database holds none of the act
(killed before the commit) or all of it (killed after): the claim's status,
its decision, the log entry, the ledger, the outbox's effects, the
suspension. `log verify` holds, and doing the act again works exactly once.
On SQLite and PostgreSQL.

A child is a fork of the test process, not a new interpreter: everything is
imported and the engine's statements compiled already, so a kill costs a few
milliseconds, not half a second.
The suite samples the kill points (every third statement and those around
the commit); scripts/hardening.py runs the same matrices at every statement.
"""

from __future__ import annotations

import copy
import io
import os
import signal
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any, Final

import pytest
from sqlalchemy import Engine, event, select, update

from guarantee_tui.errors import UserError
from guarantee_tui.services import decisions, reopen
from guarantee_tui.services.agents import set_role
from guarantee_tui.services.case_files import export_case_file, import_case_file
from guarantee_tui.services.log import verify
from guarantee_tui.store.engine import make_engine
from guarantee_tui.store.models import (
    Claim,
    Decision,
    LedgerEntry,
    LogEntry,
    OutboxMessage,
    Professional,
)
from tests.builders import AT, claim_for, eligible_professional, tagged
from tests.store.helpers import insert
from tests.strategies import sample, write_case_file

SUPERVISOR: Final = "Sofia"
MESSAGE: Final = "We checked your file: see the details below."
# A kill point after the act returned (every other point is a statement's number).
RETURNED: Final = 0
# Not a kill: the act runs whole and the child says how many statements it sent.
COUNT: Final = -1

# What a child does.
Act = Callable[[], object]


# --- the child --------------------------------------------------------------------


def _act_and_die(engine: Engine, act: Act, kill_after: int) -> str:
    # The parent's connections stay the parent's: the child opens its own.
    engine.dispose(close=False)
    sent = 0

    def after_statement(*_args: Any) -> None:
        nonlocal sent
        sent += 1
        if sent == kill_after:
            os.kill(os.getpid(), signal.SIGKILL)

    # On the class: the act may make engines of its own (an import building a
    # new SQLite file does), and this process ends with the act.
    event.listen(Engine, "after_cursor_execute", after_statement)
    act()
    if kill_after == RETURNED:
        os.kill(os.getpid(), signal.SIGKILL)
    return f"sent {sent}"


def in_child(engine: Engine, act: Act, kill_after: int) -> tuple[int, str]:
    """Does `act` (on `engine`) in a forked child killed after statement `kill_after`
    (or after the act returned, or not at all with COUNT); returns its exit code (-9
    when killed) and what it said ("sent N", or the error it met)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; it never returns into the caller
        os.close(read_end)
        said = "the child said nothing"
        try:
            said = _act_and_die(engine, act, kill_after)
        except BaseException as exc:
            said = f"error: {exc!r}"
        finally:
            os.write(write_end, said.encode())
            # No clean-up of what the parent owns (its connections, pytest's state).
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        said = pipe.read().decode()
    _pid, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), said


def counted(engine: Engine, act: Act) -> int:
    """How many statements `act` sends, in a child run whole."""
    code, said = in_child(engine, act, COUNT)
    if code != 0 or not said.startswith("sent "):
        raise AssertionError(f"the counting run failed: exit {code}, {said}")
    return int(said.removeprefix("sent "))


@dataclass
class Matrix:
    """A kill matrix's figures: one try per kill point, and what went wrong."""

    name: str
    tries: int = 0
    failures: list[str] = field(default_factory=list)


def _killed(code: int, said: str, point: int) -> str | None:
    """What went wrong with a child meant to die at `point`, or None."""
    if code == -signal.SIGKILL:
        return None
    where = "after returning" if point == RETURNED else f"after statement {point}"
    return f"not killed {where}: exit {code}, {said}"


# --- decisions and reopenings ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class Scenario:
    """An act on a claim: a decision, or the reopening of `decided_first`."""

    name: str
    action: str
    decided_first: str | None = None

    def act(self, engine: Engine, ref: str) -> None:
        if self.action == "reopen":
            reopen.reopen(
                engine, ref, reason="Decided too fast", agent=SUPERVISOR, at=AT + timedelta(hours=1)
            )
        else:
            decisions.decide(
                engine,
                ref,
                self.action,
                reason="Checked",
                agent=SUPERVISOR,
                at=AT,
                message_for_professional=MESSAGE,
            )

    def prepare(self, engine: Engine, ref: str) -> None:
        if self.decided_first is not None:
            replace(self, action=self.decided_first).act(engine, ref)

    @property
    def refused_again(self) -> type[UserError]:
        return reopen.NotDecided if self.action == "reopen" else decisions.ClaimNotOpen


SCENARIOS: Final = (
    Scenario("approve", "approve"),
    Scenario("reject", "reject"),
    Scenario("suspend", "suspend"),
    Scenario("reopen an approval", "reopen", "approve"),
    Scenario("reopen a rejection", "reopen", "reject"),
    Scenario("reopen a suspension", "reopen", "suspend"),
)


@dataclass(frozen=True, slots=True)
class ClaimState:
    """Everything an act on one claim changes, without ids and refs, so that the
    claims of one matrix (each of its own professional) compare equal."""

    status: str
    version: int
    holder: str | None
    # The professional's status and why they are suspended.
    professional: tuple[str, str | None]
    decisions: tuple[tuple[Any, ...], ...]
    log: tuple[tuple[Any, ...], ...]
    ledger: tuple[tuple[Any, ...], ...]
    effects: tuple[tuple[Any, ...], ...]


def claim_state(engine: Engine, ref: str) -> ClaimState:
    with engine.connect() as conn:
        claim = conn.execute(
            select(
                Claim.id, Claim.professional_id, Claim.status, Claim.version, Claim.holder
            ).where(Claim.ref == ref)
        ).one()
        pro = conn.execute(
            select(Professional.ref, Professional.status, Professional.suspension_reason).where(
                Professional.id == claim.professional_id
            )
        ).one()

        def rows(*columns: Any, where: Any, order: Any) -> tuple[tuple[Any, ...], ...]:
            found = conn.execute(select(*columns).where(where).order_by(order))
            return tuple(tuple(row) for row in found)

        return ClaimState(
            status=claim.status,
            version=claim.version,
            holder=claim.holder,
            professional=(pro.status, pro.suspension_reason),
            decisions=rows(
                Decision.action,
                Decision.refund_credits,
                Decision.reason,
                where=Decision.claim_id == claim.id,
                order=Decision.id,
            ),
            log=rows(
                LogEntry.action,
                LogEntry.refund_credits,
                LogEntry.reason,
                where=LogEntry.claim_ref == ref,
                order=LogEntry.seq,
            ),
            ledger=rows(
                LedgerEntry.kind,
                LedgerEntry.amount,
                where=LedgerEntry.professional_id == claim.professional_id,
                order=LedgerEntry.id,
            ),
            effects=rows(
                OutboxMessage.kind,
                OutboxMessage.state,
                where=OutboxMessage.professional == pro.ref,
                order=OutboxMessage.id,
            ),
        )


def add_claims(engine: Engine, tag: str, count: int, scenario: Scenario) -> list[str]:
    """`count` open eligible claims, each of its own professional, prepared for `scenario`."""
    refs = []
    for i in range(count):
        pro = tagged(eligible_professional(), f"{tag}{i}")
        ref = f"CL-{tag}{i}"
        insert(engine, pro, replace(claim_for(pro), ref=ref), email=f"{tag.lower()}{i}@x.fr")
        scenario.prepare(engine, ref)
        refs.append(ref)
    return refs


def _acting(engine: Engine, scenario: Scenario, ref: str) -> Act:
    return lambda: scenario.act(engine, ref)


def _again(engine: Engine, scenario: Scenario, ref: str) -> str | None:
    """Acting on a claim the act is done on: refused, or what happened instead."""
    try:
        scenario.act(engine, ref)
    except scenario.refused_again:
        return None
    except Exception as exc:
        return f"done again: {exc!r} instead of {scenario.refused_again.__name__}"
    return "done twice"


def kill_points(total: int, every: int) -> list[int]:
    """Every `every`th of `total` statements, the last three (the commit and what
    surrounds it, where a torn act would show) and after the act returned."""
    return sorted({*range(1, total + 1, every), *range(max(1, total - 2), total + 1)}) + [RETURNED]


def decision_matrix(url: str, scenario: Scenario, tag: str, every: int = 1) -> Matrix:
    """Kills `scenario`'s act after each `every`th of its statements, around its commit
    and after it returned, each time on a claim of its own (`CL-<tag><n>`, in whatever
    the database holds). `every=1` is every statement (scripts/hardening.py)."""
    matrix = Matrix(f"kill -9 at every step: {scenario.name}")
    engine = make_engine(url)
    try:
        set_role(engine, SUPERVISOR, "supervisor", AT)
        (first,) = add_claims(engine, f"{tag}C", 1, scenario)
        none = claim_state(engine, first)
        total = counted(engine, _acting(engine, scenario, first))
        whole = claim_state(engine, first)
        assert whole != none and verify(engine).ok
        points = kill_points(total, every)
        refs = add_claims(engine, tag, len(points), scenario)
        for point, ref in zip(points, refs, strict=True):
            matrix.tries += 1
            where = f"{scenario.name}, killed after {point or 'returning'}: {ref}"
            code, said = in_child(engine, _acting(engine, scenario, ref), point)
            problems = [_killed(code, said, point)]
            after_kill = claim_state(engine, ref)
            expected = whole if point == RETURNED else none
            if after_kill != expected:
                problems.append(f"holds {after_kill}, not {expected}")
            if not verify(engine).ok:
                problems.append("log verify fails after the kill")
            if after_kill == none:
                try:
                    scenario.act(engine, ref)
                except Exception as exc:
                    problems.append(f"doing it again failed: {exc!r}")
            problems.append(_again(engine, scenario, ref))
            if claim_state(engine, ref) != whole:
                problems.append(f"holds {claim_state(engine, ref)} once done again")
            matrix.failures.extend(f"{where}: {p}" for p in problems if p)
        if not verify(engine).ok:
            matrix.failures.append(f"{scenario.name}: log verify fails once all done again")
        return matrix
    finally:
        engine.dispose()


# Reopening a rejection sends a subset of the statements of the other two
# reopenings: scripts/hardening.py runs it, the tests need not.
TESTED: Final = tuple(s for s in SCENARIOS if s.name != "reopen a rejection")


# The suite kills at every third statement and around the commit; every statement
# of each act is scripts/hardening.py's.
@pytest.mark.parametrize("scenario", TESTED, ids=[s.name for s in TESTED])
def test_kill_9_at_every_step_leaves_all_or_nothing(db_url: str, scenario: Scenario) -> None:
    matrix = decision_matrix(db_url, scenario, "K", every=3)
    assert matrix.failures == []
    # A third of some fifteen to twenty-five statements, the commit's and after it.
    assert matrix.tries > 6


def test_kill_points_cover_the_commit_and_the_return() -> None:
    assert kill_points(10, 3) == [1, 4, 7, 8, 9, 10, RETURNED]
    assert kill_points(10, 1) == [*range(1, 11), RETURNED]
    assert kill_points(2, 3) == [1, 2, RETURNED]


def test_the_matrix_sees_an_act_done_in_two_transactions(sqlite_path: Path) -> None:
    """What the matrix looks for: a kill between two commits leaves half an act."""
    engine = make_engine(str(sqlite_path))
    scenario = SCENARIOS[0]
    try:
        set_role(engine, SUPERVISOR, "supervisor", AT)
        (ref,) = add_claims(engine, "H", 1, scenario)
        none = claim_state(engine, ref)

        def in_two() -> None:
            with engine.begin() as conn:
                conn.execute(update(Claim).where(Claim.ref == ref).values(holder=SUPERVISOR))
            scenario.act(engine, ref)

        # The first transaction's statement, then the second's first.
        code, said = in_child(engine, in_two, 2)
        assert _killed(code, said, 2) is None
        assert claim_state(engine, ref) == replace(none, holder=SUPERVISOR)
    finally:
        engine.dispose()


# --- imports --------------------------------------------------------------------


def stored(engine: Engine) -> str:
    """Everything an import writes, as an export reads it."""
    out = io.StringIO()
    export_case_file(engine, out, client_data=True)
    return out.getvalue()


def changed_sample() -> dict[str, Any]:
    """The sample with a value changed in each kind of record an import writes."""
    doc = copy.deepcopy(sample())
    for pro in doc["professionals"]:
        pro["company_name"] += " (new)"
        for purchase in pro["contact_purchases"]:
            purchase["price_credits"] += 1
        for claim in pro.get("claims", []):
            for explanation in claim["explanations"]:
                explanation["text"] += " Called again."
    return doc


def _importing(engine: Engine, source: Path) -> Act:
    return lambda: import_case_file(engine, source, at=AT)


def import_matrix(url: str, workdir: Path, every: int = 1) -> Matrix:
    """Kills an import of changes into a database that holds the sample, after every
    `every`th statement, its last, and after it returned; the database holds the old
    data or the new."""
    matrix = Matrix("kill -9 at every step: import into a database")
    old = write_case_file(workdir / "old.json", sample())
    new = write_case_file(workdir / "new.json", changed_sample())
    engine = make_engine(url)
    try:
        import_case_file(engine, old, at=AT)
        before = stored(engine)
        total = counted(engine, _importing(engine, new))
        after = stored(engine)
        assert after != before
        import_case_file(engine, old, at=AT)
        assert stored(engine) == before
        for point in sorted({*range(1, total + 1, every), total, RETURNED}):
            matrix.tries += 1
            code, said = in_child(engine, _importing(engine, new), point)
            problems = [_killed(code, said, point)]
            expected = after if point == RETURNED else before
            if stored(engine) != expected:
                problems.append("holds neither the old data nor the new")
            if not verify(engine).ok:
                problems.append("log verify fails after the kill")
            import_case_file(engine, new, at=AT)
            if stored(engine) != after:
                problems.append("importing again did not give the new data")
            import_case_file(engine, old, at=AT)
            matrix.failures.extend(f"import, killed after {point}: {p}" for p in problems if p)
        return matrix
    finally:
        engine.dispose()


def _gone(target: Path) -> None:
    for path in target.parent.glob(f"*{target.name}*"):
        path.unlink()


def new_file_matrix(workdir: Path, every: int = 1) -> Matrix:
    """Kills an import creating a new SQLite file after every `every`th statement (the
    schema's too) and after it returned: the file is whole, or not there."""
    matrix = Matrix("kill -9 at every step: import creating a SQLite file")
    source = write_case_file(workdir / "sample.json", sample())
    target = workdir / "created" / "new.db"
    target.parent.mkdir()
    engine = make_engine(str(target), create=True)
    try:
        total = counted(engine, _importing(engine, source))
        whole = stored(engine)
        for point in sorted({*range(1, total + 1, every), total, RETURNED}):
            engine.dispose()
            _gone(target)
            matrix.tries += 1
            code, said = in_child(engine, _importing(engine, source), point)
            problems = [_killed(code, said, point)]
            if point != RETURNED and target.exists():
                problems.append("a database is left at the name")
            if point == RETURNED and stored(engine) != whole:
                problems.append("the database is not whole")
            report = import_case_file(engine, source, at=AT)
            if report.created_database != (point != RETURNED) or stored(engine) != whole:
                problems.append("importing again did not give the whole database")
            leftovers = [p.name for p in target.parent.iterdir() if p.name.startswith(".")]
            if leftovers:
                problems.append(f"left behind: {leftovers}")
            matrix.failures.extend(f"new file, killed after {point}: {p}" for p in problems if p)
    finally:
        engine.dispose()
    _gone(target)
    return matrix


# Imports are long: a test kills one at a few of its statements (every one of them
# is scripts/hardening.py's).


def test_kill_9_during_an_import(db_url: str, tmp_path: Path) -> None:
    matrix = import_matrix(db_url, tmp_path, every=6)
    assert matrix.failures == []
    assert matrix.tries > 4


def test_kill_9_while_an_import_creates_a_sqlite_file(tmp_path: Path) -> None:
    # Some 150 statements, the schema's first, then the data's.
    matrix = new_file_matrix(tmp_path, every=40)
    assert matrix.failures == []
    assert matrix.tries > 4
