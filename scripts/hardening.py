"""The attacks of issue 12 at full size: tries and failures per experiment, as a table.

    .venv/bin/python scripts/hardening.py [--only WORD,...] [--backends sqlite,postgresql]

Each experiment is kept as a test at a smaller size; this runs the tests'
building blocks at the size the issue reports:

- mutated case files (2,200), odd moments, odd queries: tests/test_fuzz_case_files.py;
- 8 processes deciding the same 300 claims, two claims of one professional
  decided at once (152 times, rejected and approved), a first-time agent
  acting from 8 processes (64 times): tests/team/test_decide_races.py;
- kill -9 at every step of a decision, a reopening and an import:
  tests/services/test_kill_matrix.py;
- the tamper scenarios: tests/store/test_tamper.py, run by pytest.

`--only` keeps the experiments whose key (see `experiments`) holds one of
the words. A failure is a try that crashed or left a wrong state, or, in a
race, a refusal other than the clear "already decided", "changed by someone
else" (or, for the second of two approvals of one professional, "not
eligible"). The table comes first, then the failures (at most ten per
experiment); the exit status is 1 when any try failed. Takes some six
minutes on two cores.

PostgreSQL: a database `guarantee_hardening` on the server of
GUARANTEE_TUI_TEST_PG (default 127.0.0.1:5432, user postgres), emptied
before each experiment and dropped at the end; the tamper scenarios run in
the test suite's own databases.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Final

from sqlalchemy import Engine, create_engine, func, select, text

from guarantee_tui.cli import main as cli
from guarantee_tui.services.log import verify
from guarantee_tui.store.engine import make_engine
from guarantee_tui.store.migrate import upgrade
from guarantee_tui.store.models import Agent

ROOT: Final = Path(__file__).resolve().parent.parent
# The tests' building blocks.
sys.path.insert(0, str(ROOT))

import tests.test_fuzz_case_files as fuzz  # noqa: E402
from tests.conftest import PG_ADMIN_URL, empty_pg_database  # noqa: E402
from tests.services import test_kill_matrix as kill  # noqa: E402
from tests.strategies import sample, write_case_file  # noqa: E402
from tests.team import test_decide_races as races  # noqa: E402

DATABASE: Final = "guarantee_hardening"
MUTATIONS: Final = 2_200
RACE_PROCESSES: Final = 8
RACE_CLAIMS: Final = 300
PAIRS: Final = 152
FIRST_TIME_ROUNDS: Final = 8
SHOWN: Final = 10
# What an agent who came second is told (and, for two approvals of one
# professional, that the claim is no longer eligible).
CLEAR: Final = ("ClaimNotOpen", "ClaimChanged", "ActionNotAllowed")


@dataclass
class Row:
    experiment: str
    tries: int = 0
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0


# --- databases --------------------------------------------------------------------


class Databases:
    """A new, migrated, empty database of a backend for each experiment."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.template = workdir / "template.db"
        engine = make_engine(str(self.template), create=True)
        try:
            upgrade(engine)
        finally:
            engine.dispose()
        self.made = 0
        self.admin: Engine | None = None

    def fresh(self, backend: str) -> str:
        self.made += 1
        if backend == "sqlite":
            path = self.workdir / f"db{self.made}" / "hardening.db"
            path.parent.mkdir()
            shutil.copyfile(self.template, path)
            return str(path)
        if self.admin is None:
            self.admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        url = empty_pg_database(self.admin, DATABASE)
        engine = make_engine(url)
        try:
            upgrade(engine)
        finally:
            engine.dispose()
        return url

    def close(self) -> None:
        if self.admin is None:
            return
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
        self.admin.dispose()


# --- reading: case files, moments, queries ----------------------------------------------


def run_cli(argv: list[str]) -> tuple[int | str, str, str]:
    """(exit status, or the exception that escaped; stdout; stderr) of a command."""
    out, err = io.StringIO(), io.StringIO()
    status: int | str
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = cli(argv)
        except SystemExit as exc:  # argparse's refusals
            status = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
        except Exception as exc:
            status = repr(exc)
    return status, out.getvalue(), err.getvalue()


def mutated_case_files(workdir: Path) -> Row:
    row = Row(f"mutated case files, imported ({MUTATIONS:,} files)")
    db = str(workdir / "fuzz.db")
    base = write_case_file(workdir / "base.json", sample())
    assert run_cli(["import", str(base), "--db", db])[0] == 0
    engine = make_engine(db)
    path = workdir / "mutated.json"
    # The corpus is the test's, made longer: the same seed, its first files the same.
    vars(fuzz)["MUTATIONS"] = MUTATIONS
    try:
        before = fuzz.stored(engine)
        for name, data in fuzz.mutations():
            row.tries += 1
            path.write_bytes(data)
            status, out, err = run_cli(["import", str(path), "--db", db])
            problem = None
            if status == 0:
                before = fuzz.stored(engine)
            elif status != 2:
                problem = f"exit {status}: {err.strip()[-200:]}"
            elif out or fuzz.CONTROLS.search(err.replace("\n", "")):
                problem = f"printed {out + err!r:.200}"
            elif any(not named(line, path) for line in err.splitlines()):
                problem = f"a line names neither a place nor a path: {err!r:.200}"
            elif fuzz.stored(engine) != before:
                problem = "a refused file changed the database"
            if problem:
                row.failures.append(f"{name}: {problem}")
    finally:
        engine.dispose()
    return row


def named(line: str, path: Path) -> bool:
    rest = line.removeprefix(f"{path}: ")
    return rest != line and (fuzz.NAMED.match(rest) is not None or "stopped after" in rest)


def odd_moments(workdir: Path) -> Row:
    row = Row(f"odd moments ({len(fuzz.ODD_MOMENTS)} on 4 options)")
    db = str(workdir / "moments.db")
    assert (
        run_cli(["import", str(write_case_file(workdir / "m.json", sample())), "--db", db])[0] == 0
    )
    for moment in fuzz.ODD_MOMENTS:
        for argv in (
            ["hours", f"--at={moment}", "--json"],
            ["check", "--all", f"--at={moment}", "--db", db],
            ["log", "export", "--format", "csv", f"--from={moment}", "--db", db],
            ["log", "export", "--format", "csv", f"--to={moment}", "--db", db],
        ):
            row.tries += 1
            status, out, err = run_cli(argv)
            # 2: a moment refused (or, for check, a claim it could not check).
            if status not in (0, 2) or "Traceback" in err:
                row.failures.append(f"{argv[:2]} {moment!r}: exit {status} {err[-200:]!r}")
            elif "\x1b" in out + err:
                row.failures.append(f"{argv[:2]} {moment!r}: an escape code printed")
    return row


def odd_queries(workdir: Path) -> Row:
    queries = list(fuzz.odd_queries())
    row = Row(f"odd queries, looked up ({len(queries)}, plain and JSON)")
    db = str(workdir / "lookup.db")
    assert (
        run_cli(["import", str(write_case_file(workdir / "q.json", sample())), "--db", db])[0] == 0
    )
    for query in queries:
        for extra in ([], ["--json"]):
            row.tries += 1
            status, out, err = run_cli(["lookup", "--db", db, *extra, "--", query])
            if status not in (0, 1, 2):
                row.failures.append(f"{query!r}: exit {status}")
            elif "\x1b" in out + err or "\x9b" in out + err:
                row.failures.append(f"{query!r}: an escape code printed")
    return row


# --- races -------------------------------------------------------------------------


def decision_race(url: str, backend: str) -> Row:
    row = Row(f"{RACE_PROCESSES} processes deciding the same {RACE_CLAIMS} claims ({backend})")
    engine = make_engine(url)
    try:
        claims = races.add_race_claims(engine, "R", RACE_CLAIMS)
        engine.dispose()
        reports = races.race(url, claims, RACE_PROCESSES, seed=12)
        row.tries = RACE_PROCESSES * RACE_CLAIMS
        row.failures = races.race_failures(engine, claims, reports)
    finally:
        engine.dispose()
    return row


def unclear(errors: list[str]) -> list[str]:
    return [e for e in errors if not any(f"{name}(" in e for name in CLEAR)]


def pairs_at_once(url: str, backend: str, action: str) -> Row:
    """Two claims of one professional decided at once, `PAIRS` times: both rejected
    (each gets through), or both approved (one does: the guarantee pays once)."""
    done = {"reject": "rejected", "approve": "approved"}[action]
    row = Row(f"two claims of one professional, {done} at once ({backend})")
    engine = make_engine(url)
    try:
        pairs = [races.add_pair(engine, f"P{n}") for n in range(PAIRS)]
        engine.dispose()
        for first, second in pairs:
            row.tries += 1
            errors = races.at_once(url, [(first, action, "Ana"), (second, action, "Ana")])
            if action == "reject" and errors:
                row.failures.append(f"{first}, {second}: {'; '.join(errors)}")
            elif unclear(errors):
                row.failures.append(f"{first}, {second}: {'; '.join(unclear(errors))}")
        if action == "approve":
            refunds = races.refunds_per_professional(engine)
            row.failures += [
                f"professional #{p} refunded {n} times" for p, n in refunds.items() if n > 1
            ]
        if not verify(engine).ok:
            row.failures.append("log verify fails")
    finally:
        engine.dispose()
    return row


def first_time_agents(url: str, backend: str) -> Row:
    """A new agent's first act, from 8 processes at once; 8 agents."""
    row = Row(f"a first-time agent acting from {RACE_PROCESSES} processes ({backend})")
    engine = make_engine(url)
    try:
        claims = races.add_race_claims(engine, "N", FIRST_TIME_ROUNDS * RACE_PROCESSES)
        engine.dispose()
        for n in range(FIRST_TIME_ROUNDS):
            agent = f"Nadia {n}"
            mine = claims[n * RACE_PROCESSES : (n + 1) * RACE_PROCESSES]
            errors = races.at_once(url, [(c.ref, "reject", agent) for c in mine])
            row.tries += RACE_PROCESSES
            row.failures += errors
            with engine.connect() as conn:
                recorded = conn.execute(
                    select(func.count()).select_from(Agent).where(Agent.name == agent)
                ).scalar_one()
            if recorded != 1:
                row.failures.append(f"{agent} recorded {recorded} times")
        if not verify(engine).ok:
            row.failures.append("log verify fails")
    finally:
        engine.dispose()
    return row


# --- kill -9 ----------------------------------------------------------------------


def kill_acts(scenario: kill.Scenario) -> Callable[[str, str], Row]:
    def run(url: str, backend: str) -> Row:
        matrix = kill.decision_matrix(url, scenario, "K")
        return Row(f"{matrix.name} ({backend})", matrix.tries, matrix.failures)

    return run


def kill_imports(workdir: Path) -> Callable[[str, str], Row]:
    def run(url: str, backend: str) -> Row:
        matrix = kill.import_matrix(url, Path(tempfile.mkdtemp(dir=workdir)))
        return Row(f"{matrix.name} ({backend})", matrix.tries, matrix.failures)

    return run


def kill_new_files(workdir: Path) -> Row:
    matrix = kill.new_file_matrix(Path(tempfile.mkdtemp(dir=workdir)))
    return Row(f"{matrix.name} (sqlite)", matrix.tries, matrix.failures)


# --- tamper -----------------------------------------------------------------------


def tamper_scenarios(workdir: Path) -> Row:
    """tests/store/test_tamper.py, each scenario on both backends, run by pytest."""
    report = workdir / "tamper.xml"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"--junitxml={report}",
            "tests/store/test_tamper.py",
        ],
        cwd=ROOT,
        check=False,
        capture_output=True,
    )
    row = Row("tamper scenarios (tests/store/test_tamper.py)")
    for case in ET.parse(report).getroot().iter("testcase"):
        row.tries += 1
        if case.find("failure") is not None or case.find("error") is not None:
            row.failures.append(f"{case.get('name')} failed")
        elif case.find("skipped") is not None:
            row.tries -= 1
    return row


# --- the table --------------------------------------------------------------------

Experiment = tuple[str, Callable[[], Row]]


def experiments(args: argparse.Namespace, workdir: Path, dbs: Databases) -> Iterator[Experiment]:
    yield "mutated case files", partial(mutated_case_files, workdir)
    yield "odd moments", partial(odd_moments, workdir)
    yield "odd queries", partial(odd_queries, workdir)
    for backend in args.backends:

        def on(run: Callable[[str, str], Row], backend: str = backend) -> Callable[[], Row]:
            return lambda: run(dbs.fresh(backend), backend)

        yield f"race {backend}", on(decision_race)
        yield f"pairs reject {backend}", on(partial(pairs_at_once, action="reject"))
        yield f"pairs approve {backend}", on(partial(pairs_at_once, action="approve"))
        yield f"first-time {backend}", on(first_time_agents)
        for scenario in kill.SCENARIOS:
            yield f"kill {scenario.name} {backend}", on(kill_acts(scenario))
        yield f"kill import {backend}", on(kill_imports(workdir))
    if "sqlite" in args.backends:
        yield "kill import new file sqlite", partial(kill_new_files, workdir)
    yield "tamper", partial(tamper_scenarios, workdir)


def table(rows: list[Row]) -> str:
    width = max(len(r.experiment) for r in rows)
    lines = [
        f"| {'experiment':<{width}} | {'tries':>6} | {'failures':>8} | {'seconds':>7} |",
        f"|{'-' * (width + 2)}|{'-' * 7}:|{'-' * 9}:|{'-' * 8}:|",
    ]
    lines += [
        f"| {r.experiment:<{width}} | {r.tries:>6,} | {len(r.failures):>8,} | {r.seconds:>7.1f} |"
        for r in rows
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="", help="keep experiments naming one of these words")
    parser.add_argument(
        "--backends",
        default="sqlite,postgresql",
        type=lambda value: value.split(","),
        help="sqlite, postgresql or both",
    )
    args = parser.parse_args(argv)
    words = [w for w in args.only.split(",") if w]
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="guarantee-hardening-") as tmp:
        dbs = Databases(Path(tmp))
        try:
            for name, run in experiments(args, Path(tmp), dbs):
                if words and not any(w in name for w in words):
                    continue
                started = time.perf_counter()
                row = run()
                row.seconds = time.perf_counter() - started
                print(
                    f"{row.experiment}: {row.tries:,} tries, {len(row.failures):,} failures",
                    file=sys.stderr,
                    flush=True,
                )
                rows.append(row)
        finally:
            dbs.close()
    print(table(rows))
    for row in rows:
        for failure in row.failures[:SHOWN]:
            print(f"{row.experiment}: {failure}")
        if len(row.failures) > SHOWN:
            print(f"{row.experiment}: ... {len(row.failures) - SHOWN:,} more")
    return 1 if any(r.failures for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
