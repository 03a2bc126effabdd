"""Benchmark figures: how `check` scales with the size of the database.

    .venv/bin/python scripts/bench.py                          # 100,000 professionals
    .venv/bin/python scripts/bench.py --professionals 20000 --samples 200
    .venv/bin/python scripts/bench.py --profile                # where the time goes

Builds `bench/bench-100k.db` with `guarantee-tui seed` (bench/*.db is
ignored by git) and reuses it while the size, the seed and the generated
data are unchanged (`bench-100k.db-seed.json` beside it records them;
`--rebuild` forces a new one), so reruns take seconds. Then prints, section
by section:

- the database: file size, row counts, how long seeding took;
- `check CLAIM_REF`: latency of one claim, in-process, over random claims
  after a warm-up (p50, p95);
- `check --all`: claims per second, in-process, doing what the command does
  (load in batches, evaluate, build the JSON, serialise it) into a null sink;
- the same single-claim figures on the committed sample.db, and the ratio,
  so growth is visible.

The marketplace and team sections (`--only marketplace,team`) need no
large database: they make scratch ones, SQLite and PostgreSQL
(scripts/bench_backends.py), and drop them afterwards; their helpers are
scripts/bench_marketplace.py, scripts/bench_team.py and scripts/bench_live.py
(another agent's workspace, headless, timing its repaints).

These are figures for people, not tests: nothing fails on a slow machine.
Targets at 100,000 professionals: p50 <= 5 ms, --all >= 2,000 claims/s.
To add a section, write a function taking the `Bench` and returning its
rows, and decorate it with `@section("Title")`.
"""

from __future__ import annotations

import argparse
import compileall
import cProfile
import hashlib
import io
import json
import os
import platform
import pstats
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, insert, select, update

from guarantee_tui.i18n import Translator, translator
from guarantee_tui.services.checks import check_claim, json_lines
from guarantee_tui.services.seed import (
    DEFAULT_ANCHOR,
    DEFAULT_SEED,
    Generator,
    SeedOptions,
    seed_database,
)
from guarantee_tui.store.engine import make_engine
from guarantee_tui.store.location import SCHEMA_REVISION
from guarantee_tui.store.models import Claim, ContactPurchase, Explanation, Professional, Review

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
SAMPLE_DB = ROOT / "sample.db"
# The generated rows of this many professionals identify a bench database's data.
FINGERPRINT_ROWS = 300
WARM_UP = 20
TARGET_P50_MS = 5.0
TARGET_PER_SECOND = 2_000.0

Rows = list[tuple[str, str]]


@dataclass
class Bench:
    """What the sections share: options, the open databases, figures for later sections."""

    args: argparse.Namespace
    db: Path
    tr: Translator = field(default_factory=lambda: translator("en"))
    engine: Engine | None = None
    figures: dict[str, float] = field(default_factory=dict)

    def big(self) -> Engine:
        assert self.engine is not None, "the database section runs first"
        return self.engine


SECTIONS: list[tuple[str, Callable[[Bench], Rows]]] = []
# The sections that make their own scratch databases, not the large one.
OWN_DATABASES: set[str] = set()


def section(
    title: str, *, large_db: bool = True
) -> Callable[[Callable[[Bench], Rows]], Callable[[Bench], Rows]]:
    def register(fn: Callable[[Bench], Rows]) -> Callable[[Bench], Rows]:
        SECTIONS.append((title, fn))
        if not large_db:
            OWN_DATABASES.add(title)
        return fn

    return register


# --- helpers --------------------------------------------------------------------------


def number(value: float, digits: int = 0) -> str:
    return f"{value:,.{digits}f}"


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:,.1f} MB"


def fingerprint(professionals: int, seed: int) -> str:
    """Changes when the generator makes other data (judged on its first rows) or the schema."""
    digest = hashlib.sha256(SCHEMA_REVISION.encode())
    batch = next(Generator(professionals, seed).batches(FINGERPRINT_ROWS))
    digest.update(repr(sorted(batch.rows.items())).encode())
    return digest.hexdigest()[:16]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def claim_refs(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(select(Claim.ref).order_by(Claim.ref)).scalars())


def latencies(engine: Engine, refs: list[str], samples: int) -> list[float]:
    """Milliseconds of `check_claim` for `samples` random refs, after a warm-up."""
    rng = random.Random(0)
    at = DEFAULT_ANCHOR
    for ref in rng.choices(refs, k=WARM_UP):
        check_claim(engine, ref, at)
    out = []
    for ref in rng.choices(refs, k=samples):
        start = time.perf_counter()
        check_claim(engine, ref, at)
        out.append((time.perf_counter() - start) * 1000)
    return out


def latency_rows(values: list[float], refs: int) -> Rows:
    return [
        ("claims sampled", f"{number(len(values))} (of {number(refs)}, {WARM_UP} warm-up)"),
        ("p50", f"{values and percentile(values, 0.5):.2f} ms"),
        ("p95", f"{values and percentile(values, 0.95):.2f} ms"),
        ("mean", f"{statistics.fmean(values):.2f} ms"),
    ]


def show_progress(done: int, total: int) -> None:
    if done % 10_000 == 0 or done == total:
        print(f"  {number(done)} / {number(total)}", file=sys.stderr, flush=True)


@contextmanager
def profiled(enabled: bool, title: str) -> Iterator[None]:
    if not enabled:
        yield
        return
    profile = cProfile.Profile()
    profile.enable()
    try:
        yield
    finally:
        profile.disable()
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out)
        stats.sort_stats("cumulative").print_stats(25)
        stats.sort_stats("tottime").print_stats(20)
        print(f"\n--- profile: {title} ---\n{out.getvalue()}", file=sys.stderr)


# --- sections -------------------------------------------------------------------------


@section("Machine", large_db=False)
def machine(bench: Bench) -> Rows:
    return [
        ("python", platform.python_version()),
        ("sqlite", sqlite3.sqlite_version),
        ("cpus", str(os.cpu_count())),
        ("platform", platform.platform(terse=True)),
    ]


DATABASE_TITLE = "Database"


@section(DATABASE_TITLE)
def database(bench: Bench) -> Rows:
    args, db = bench.args, bench.db
    # "-seed.json": matched by the bench/*.db-* ignore rule.
    marker = db.with_name(db.name + "-seed.json")
    wanted = {
        "professionals": args.professionals,
        "seed": args.seed,
        "data": fingerprint(args.professionals, args.seed),
    }
    recorded: dict[str, Any] = {}
    if db.exists() and marker.exists() and not args.rebuild:
        recorded = json.loads(marker.read_text())
    reused = all(recorded.get(k) == v for k, v in wanted.items())
    if not reused:
        db.parent.mkdir(parents=True, exist_ok=True)
        print(f"Seeding {db} with {number(args.professionals)} professionals...", file=sys.stderr)
        marker.unlink(missing_ok=True)
        with profiled(args.profile, "seed"):
            summary = seed_database(
                str(db),
                SeedOptions(professionals=args.professionals, seed=args.seed, replace=True),
                progress=show_progress,
            )
        recorded = {**wanted, "seed_seconds": round(summary.seconds, 1)}
        marker.write_text(json.dumps(recorded, indent=2) + "\n")
    bench.engine = make_engine(str(db))
    with bench.big().connect() as conn:
        counts = {
            name: int(conn.execute(select(func.count()).select_from(model)).scalar_one())
            for name, model in (
                ("professionals", Professional),
                ("contact purchases", ContactPurchase),
                ("reviews", Review),
                ("claims", Claim),
                ("explanations", Explanation),
            )
        }
    wal = Path(f"{db}-wal")
    size = db.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
    seeded = f"{number(recorded['seed_seconds'], 1)} s"
    return [
        ("file", str(db.relative_to(ROOT) if db.is_relative_to(ROOT) else db)),
        ("size", megabytes(size)),
        *((name, number(n)) for name, n in counts.items()),
        ("seed time", seeded + (" (reused; measured when built)" if reused else "")),
    ]


@section("check CLAIM_REF: one claim, in-process")
def single_claim(bench: Bench) -> Rows:
    engine = bench.big()
    refs = claim_refs(engine)
    with profiled(bench.args.profile, "check one claim"):
        values = latencies(engine, refs, bench.args.samples)
    bench.figures["p50"] = percentile(values, 0.5)
    bench.figures["p95"] = percentile(values, 0.95)
    verdict = "met" if bench.figures["p50"] <= TARGET_P50_MS else "MISSED"
    return [*latency_rows(values, len(refs)), ("target p50 <= 5 ms", verdict)]


@section("check --all: every claim, as the command runs it")
def all_claims(bench: Bench) -> Rows:
    engine = bench.big()
    rows: Rows = []
    cpus = os.cpu_count() or 1
    for jobs in sorted({1, cpus}):
        with (
            open(os.devnull, "w", encoding="utf-8") as sink,
            profiled(bench.args.profile and jobs == 1, "--all"),
        ):
            start = time.perf_counter()
            n = 0
            for line in json_lines(engine, DEFAULT_ANCHOR, None, "en", jobs=jobs):
                sink.write(line)
                n += line.count("\n")
            seconds = time.perf_counter() - start
        rate = n / seconds if seconds else 0.0
        bench.figures[f"all_{jobs}"] = rate
        rows.append(
            (
                f"{jobs} process(es)",
                f"{number(n)} claims in {seconds:.1f} s: {number(rate)} claims/s",
            )
        )
    best = max(bench.figures[f"all_{j}"] for j in {1, cpus})
    rows.append(("target >= 2,000 claims/s", "met" if best >= TARGET_PER_SECOND else "MISSED"))
    return rows


@section("sample.db: one claim, in-process")
def sample(bench: Bench) -> Rows:
    if not SAMPLE_DB.exists():
        return [("sample.db", "missing: run 'guarantee-tui seed --db sample.db'")]
    with tempfile.TemporaryDirectory() as tmp:
        # A copy: opening a database switches it to WAL, which would change the committed file.
        copy = Path(tmp) / "sample.db"
        shutil.copyfile(SAMPLE_DB, copy)
        upgrade_copy(copy)
        engine = make_engine(str(copy))
        try:
            refs = claim_refs(engine)
            values = latencies(engine, refs, bench.args.samples)
        finally:
            engine.dispose()
    p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
    rows = [("size", megabytes(SAMPLE_DB.stat().st_size)), *latency_rows(values, len(refs))]
    if "p50" in bench.figures:
        rows.append(
            (
                "large / sample",
                f"p50 x{bench.figures['p50'] / p50:.2f}, p95 x{bench.figures['p95'] / p95:.2f}",
            )
        )
    return rows


# --- the workspace -------------------------------------------------------------------

PAINT_SCRIPT = Path(__file__).resolve().parent / "bench_paint.py"
START_ROUNDS = 9
TARGET_PAINT_RATIO = 1.5
TARGET_PAINT_GROWTH_MS = 300.0
TARGET_OPEN_MS = 150.0


@dataclass(frozen=True)
class Paint:
    """Milliseconds from process start to the first complete frame (`frame`)
    and to the paint once idle (`painted`), and peak memory then in KiB."""

    frame: float
    painted: float
    kib: int


def first_paint(*args: str) -> Paint:
    started = time.time()
    done = subprocess.run(
        [sys.executable, str(PAINT_SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    result: dict[str, Any] = json.loads(lines[-1]) if lines else {"error": done.stderr[-300:]}
    if "error" in result:
        raise RuntimeError(f"bench_paint {' '.join(args)}: {result['error']}")
    return Paint(
        frame=(float(result["frame"]) - started) * 1000,
        painted=(float(result["painted"]) - started) * 1000,
        kib=int(result["peak_kib"]),
    )


def upgrade_copy(path: Path) -> None:
    """Brings a copy of sample.db to the code's schema (a no-op when it is current)."""
    from guarantee_tui.store.migrate import upgrade

    engine = make_engine(str(path))
    try:
        upgrade(engine)
    finally:
        engine.dispose()


@contextmanager
def sample_copy() -> Iterator[Path]:
    # A copy, so that the benchmark's own writes never touch the committed file.
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "sample.db"
        shutil.copyfile(SAMPLE_DB, copy)
        upgrade_copy(copy)
        yield copy


def compile_bytecode() -> None:
    """Byte-compiles the package, as installing it or any first run does.

    An editable install under PYTHONDONTWRITEBYTECODE (set on some machines)
    would otherwise compile every module of ours at every start, while
    Textual, installed by pip, comes compiled."""
    compileall.compile_dir(ROOT / "src" / "guarantee_tui", quiet=1)


@section("Start-up: process start to the first complete frame of the claim queue")
def start_up(bench: Bench) -> Rows:
    # Rounds of bare app, sample.db, large database, one after the other, so
    # that machine noise hits all three alike; the ratio is taken per round.
    # The frame counted is the first of those handed to the terminal that
    # show the queue as it stays (focus, rows, footer keys: bench_paint.py),
    # against the bare app's first frame with its Static.
    bares: list[Paint] = []
    smalls: list[Paint] = []
    larges: list[Paint] = []
    with sample_copy() as copy:
        for _ in range(START_ROUNDS):
            bares.append(first_paint("bare"))
            smalls.append(first_paint("queue", str(copy)))
            larges.append(first_paint("queue", str(bench.db)))
    bare, small, large = (statistics.median(p.frame for p in v) for v in (bares, smalls, larges))
    ratio = statistics.median(s.frame / b.frame for s, b in zip(smalls, bares, strict=True))
    idle_ratio = statistics.median(
        s.painted / b.painted for s, b in zip(smalls, bares, strict=True)
    )
    growth = statistics.median(lg.frame - s.frame for lg, s in zip(larges, smalls, strict=True))
    small_kib = max(p.kib for p in smalls)
    large_kib = max(p.kib for p in larges)
    return [
        ("rounds", str(START_ROUNDS)),
        ("bare Textual app (one Static), first frame, median", f"{bare:.0f} ms"),
        ("queue on sample.db, first complete frame, median", f"{small:.0f} ms"),
        (
            "ratio, median of rounds (target <= 1.5x)",
            f"x{ratio:.2f} ({'met' if ratio <= TARGET_PAINT_RATIO else 'MISSED'})",
        ),
        ("ratio once idle after the first page (the measure before)", f"x{idle_ratio:.2f}"),
        ("queue on the large database, median", f"{large:.0f} ms"),
        (
            "large - sample (target <= 300 ms)",
            f"{growth:+.0f} ms ({'met' if growth <= TARGET_PAINT_GROWTH_MS else 'MISSED'})",
        ),
        (
            "memory at first paint, before the database opens: sample / large",
            f"{small_kib / 1024:.0f} / {large_kib / 1024:.0f} MiB (the tour below: in use)",
        ),
    ]


def tour(db: Path) -> dict[str, Any]:
    """Memory along bench_paint.py's scripted tour of the workspace on `db`."""
    done = subprocess.run(
        [sys.executable, str(PAINT_SCRIPT), "tour", str(db)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    result: dict[str, Any] = json.loads(lines[-1]) if lines else {"error": done.stderr[-300:]}
    if "error" in result:
        raise RuntimeError(f"bench_paint tour: {result['error']}")
    return result


def mib(kib: int) -> str:
    return f"{kib / 1024:.0f} MiB"


# Peak resident memory over the tour on the large database (issue 14).
TARGET_TOUR_PEAK_MIB = 100


@section("Memory: a scripted tour of the workspace, each key on a settled app")
def memory_tour(bench: Bench) -> Rows:
    rows: Rows = []
    with sample_copy() as copy:
        for name, db in (("sample.db", copy), ("large database", bench.db)):
            try:
                result = tour(db)
            except RuntimeError as exc:
                rows.append((name, f"not measured: {exc}"))
                continue
            rows.append((f"{name}: at first paint", mib(result["first_paint_kib"])))
            for step in result["steps"]:
                rows.append((f"{name}: {step['step']}", f"{mib(step['rss_kib'])} resident"))
            rows.append((f"{name}: peak over the tour (VmHWM)", mib(result["peak_kib"])))
            if db == bench.db:
                peak = result["peak_kib"] / 1024
                rows.append(
                    (
                        f"{name}: peak target <= {TARGET_TOUR_PEAK_MIB} MiB",
                        f"{peak:.0f} MiB ({'met' if peak <= TARGET_TOUR_PEAK_MIB else 'MISSED'})",
                    )
                )
    return rows


PRESS_SCRIPT = Path(__file__).resolve().parent / "bench_press.py"


def spread(values: list[float]) -> str:
    """Every value counted: n, p50, p95, max."""
    return (
        f"n={len(values)}, p50 {percentile(values, 0.5):.0f} ms, "
        f"p95 {percentile(values, 0.95):.0f} ms, max {max(values):.0f} ms"
    )


def press_times(*args: str) -> list[float]:
    """Key-press-to-painted milliseconds measured by bench_press.py in a fresh process."""
    done = subprocess.run(
        [sys.executable, str(PRESS_SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode or not lines:
        raise RuntimeError(f"bench_press {' '.join(args)}: {done.stderr[-300:]}")
    return [float(ms) for ms in json.loads(lines[-1])["times_ms"]]


@section("Key press to an opened checklist (large database)")
def open_claim(bench: Bench) -> Rows:
    # Headless, with the key posted as the terminal driver posts it; the Pilot's
    # idle waits would add a floor of their own to both figures.
    # Every press counts, the first (cold pages, the claim screen's import) too.
    bare = press_times("bare")
    timings = press_times("claim", str(bench.db))
    typical = statistics.median(timings)
    floor = statistics.median(bare)
    return [
        ("bare Textual, Enter to a pushed screen painted", spread(bare)),
        ("Enter to the claim's checklist painted", spread(timings)),
        ("first press", f"{timings[0]:.0f} ms"),
        (
            "target: median of every press <= 150 ms",
            f"{typical:.0f} ms ({'met' if typical <= TARGET_OPEN_MS else 'MISSED'})",
        ),
        ("ratio to bare Textual, medians", f"x{typical / floor:.1f}"),
    ]


# --- the speed an agent feels (scripts/bench_feel.py) --------------------------------

FEEL_SCRIPT = Path(__file__).resolve().parent / "bench_feel.py"
TARGET_FILTER_P95_MS = 200.0
ECHO_LATE_MS = 100.0


def feel(*args: str) -> dict[str, Any]:
    """One run of bench_feel.py in a fresh process."""
    done = subprocess.run(
        [sys.executable, str(FEEL_SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode or not lines:
        raise RuntimeError(f"bench_feel {' '.join(args)}: {done.stderr[-300:]}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def ratio(value: float, floor: float) -> str:
    return f"x{value / floor:.1f}" if floor > 0 else "-"


@section("Typing in the queue's filter: key echo and filtered rows, paired with bare Textual")
def typing_filter(bench: Bench) -> Rows:
    bare = feel("bare-filter")
    bare_echo, bare_rows = bare["echo_ms"], bare["rows_ms"]
    rows: Rows = [
        ("bare Textual Input, key echo", spread(bare_echo)),
        ("bare Textual, last key to filtered lines (in memory)", spread(bare_rows)),
    ]
    with sample_copy() as copy:
        for name, db in (("sample.db", copy), ("large database", bench.db)):
            found = feel("filter", str(db))
            echo, shown = found["echo_ms"], found["rows_ms"]
            late = sum(1 for ms in echo if ms > ECHO_LATE_MS)
            p95 = percentile(shown, 0.95)
            rows += [
                (f"{name}: typed", ", ".join(found["queries"])),
                (f"{name}: key echo", spread(echo)),
                (f"{name}: keys echoed after {ECHO_LATE_MS:.0f} ms", f"{late} of {len(echo)}"),
                (
                    f"{name}: key echo p95, ratio to bare",
                    ratio(percentile(echo, 0.95), percentile(bare_echo, 0.95)),
                ),
                (f"{name}: last key to filtered rows (debounce included)", spread(shown)),
                (
                    f"{name}: p95 target <= {TARGET_FILTER_P95_MS:.0f} ms",
                    f"{p95:.0f} ms ({'met' if p95 <= TARGET_FILTER_P95_MS else 'MISSED'})",
                ),
                (
                    f"{name}: filtered rows p95, ratio to bare",
                    ratio(p95, percentile(bare_rows, 0.95)),
                ),
            ]
    return rows


@section("Scrolling the queue: placeholder rows after page down, G, g, page up")
def scrolling(bench: Bench) -> Rows:
    bare = feel("bare-scroll")
    rows: Rows = [
        (
            "bare Textual DataTable (40,000 rows built up front)",
            f"{bare['first_frames_with_placeholders']} of {bare['keys']} first frames blank",
        )
    ]
    with sample_copy() as copy:
        for name, db in (("sample.db", copy), ("large database", bench.db)):
            found = feel("scroll", str(db))
            blank = [ms for ms in found["placeholder_ms"] if ms > 0]
            rows += [
                (
                    f"{name}: first frames showing a placeholder row",
                    f"{found['first_frames_with_placeholders']} of {found['keys']} keys (target 0)",
                ),
                (
                    f"{name}: placeholders on screen",
                    spread(blank) if blank else "never",
                ),
            ]
    return rows


@section("Each screen push's first frame: top bar and table header as settled")
def first_frames(bench: Bench) -> Rows:
    bare = feel("bare-frames")["first_frame_ms"]
    rows: Rows = [("bare Textual, key to a pushed screen's first frame", spread(bare))]
    for name, db in (("large database", bench.db),):
        pushes = feel("frames", str(db))["pushes"]
        right = sum(1 for p in pushes if p["right"])
        times = [p["first_frame_ms"] for p in pushes]
        rows += [
            (f"{name}: first frames right", f"{right} of {len(pushes)} (target all)"),
            *(
                (f"{name}: {p['key']} -> {p['screen']}", "wrong: " + ", ".join(p["wrong"]))
                for p in pushes
                if not p["right"]
            ),
            (f"{name}: key to first frame", spread(times)),
            (
                f"{name}: key to first frame, medians, ratio to bare",
                ratio(statistics.median(times), statistics.median(bare)),
            ),
        ]
    return rows


TARGET_CONTACTS_TO_CLAIM = 2.0


@section("Key press to the contacts, painted once complete (large database)")
def open_contacts(bench: Bench) -> Rows:
    # `c` on a settled claim screen, paired in the same run with bare Textual
    # and with Enter to the checklist: the target is a ratio to the latter.
    bare = press_times("bare")
    claims = press_times("claim", str(bench.db))
    contacts = press_times("contacts", str(bench.db))
    floor, claim, typical = (statistics.median(v) for v in (bare, claims, contacts))
    to_claim = typical / claim
    return [
        ("bare Textual, Enter to a pushed screen painted", spread(bare)),
        ("Enter to the claim's checklist painted", spread(claims)),
        ("c to the contacts painted (table and detail)", spread(contacts)),
        ("ratio to bare Textual, medians", f"x{typical / floor:.1f}"),
        (
            "ratio to Enter-to-checklist, medians (target <= 2x)",
            f"x{to_claim:.2f} ({'met' if to_claim <= TARGET_CONTACTS_TO_CLAIM else 'MISSED'})",
        ),
    ]


# --- the decision log -----------------------------------------------------------------

LOG_ENTRIES = 1_000_000
TARGET_VERIFY_PER_SECOND = 50_000.0


def build_log(path: Path, entries: int) -> float:
    """A database whose log holds `entries` realistic entries; returns seconds taken."""
    from guarantee_tui.store.log import GENESIS, NewEntry, canonical_json, entry_hash
    from guarantee_tui.store.migrate import upgrade
    from guarantee_tui.store.models import LogEntry, LogHead

    start = time.perf_counter()
    path.unlink(missing_ok=True)
    engine = make_engine(str(path), create=True)
    upgrade(engine)
    rng = random.Random(7)
    letter = "Objet : votre demande de garantie CL-{n}\n\n" + "Lorem ipsum dolor sit amet. " * 30
    checklist = canonical_json(
        {
            "conditions": [
                {"id": f"c{i}", "status": "met", "evidence": "Evidence text " * 6}
                for i in range(15)
            ]
        }
    )
    agents = ["Camille Laurent", "Julien Morel", "Inês Costa", "Tiago Rocha"]
    previous = GENESIS
    at = DEFAULT_ANCHOR.replace(year=2024)
    batch: list[dict[str, Any]] = []
    with engine.begin() as conn:
        for seq in range(1, entries + 1):
            at += timedelta(seconds=rng.randint(5, 90))
            decision = seq % 20 == 0
            # Claim n is decided at entry 20n, once (the database and `log
            # verify` refuse a second decision that no reopening preceded),
            # after the marks of its explanations among the 80 entries before:
            # the folded log shows them as one row under the decision.
            claim = f"CL-{seq // 20 if decision else seq // 20 + rng.randint(1, 4):06d}"
            entry = NewEntry(
                at=at,
                agent=agents[seq % 4],
                role="agent",
                action=rng.choice(["approve", "reject", "suspend"])
                if decision
                else "mark_truthful",
                claim_ref=claim,
                professional_ref=f"FR-{rng.randint(1, 99_999):05d}",
                market="FR",
                letter_language="fr" if decision else None,
                letter_text=letter.format(n=seq) if decision else None,
                reason="Conditions non remplies." if decision else None,
                refund_credits=rng.randint(100, 400) if decision else None,
                checklist=checklist if decision else None,
                details=None if decision else canonical_json({"contact_ref": f"L-{seq:07d}"}),
            )
            digest = entry_hash(seq, entry, previous)
            row = {
                f: getattr(entry, f)
                for f in (
                    "at",
                    "agent",
                    "role",
                    "action",
                    "claim_ref",
                    "professional_ref",
                    "market",
                    "letter_language",
                    "letter_text",
                    "reason",
                    "refund_credits",
                    "checklist",
                    "details",
                )
            }
            batch.append({**row, "seq": seq, "prev_hash": previous, "hash": digest})
            previous = digest
            if len(batch) == 20_000:
                conn.execute(insert(LogEntry), batch)
                batch = []
        if batch:
            conn.execute(insert(LogEntry), batch)
        conn.execute(update(LogHead).values(seq=entries, hash=previous))
    from guarantee_tui.services.agents import SUPERVISOR, set_role

    # The screens measure what a supervisor sees: every entry.
    set_role(engine, "Sofia Martins", SUPERVISOR, DEFAULT_ANCHOR)
    engine.dispose()
    return time.perf_counter() - start


@section("Decision log: log verify and the log screen at 1,000,000 entries", large_db=False)
def log_at_scale(bench: Bench) -> Rows:
    from guarantee_tui.services.log import verify

    path = ROOT / "bench" / "bench-log-1m.db"
    marker = path.with_name(path.name + ".entries")
    # "grouped": marks fold under their claim's decision (older builds' never did).
    built = f"{LOG_ENTRIES} {SCHEMA_REVISION} grouped"
    rows: Rows = []
    current = path.exists() and marker.exists() and marker.read_text() == built
    if not current or bench.args.rebuild:
        path.parent.mkdir(parents=True, exist_ok=True)
        seconds = build_log(path, LOG_ENTRIES)
        marker.write_text(built)
        rows.append(("built in", f"{seconds:.0f} s"))
    rows.append(("size", megabytes(path.stat().st_size)))
    engine = make_engine(str(path))
    try:
        rows.extend(folded_log_times(engine))
        with profiled(bench.args.profile, "log verify"):
            start = time.perf_counter()
            result = verify(engine)
            seconds = time.perf_counter() - start
    finally:
        engine.dispose()
    rate = result.count / seconds
    # The database holds the log alone: the tables beside it cannot say what it
    # says (no claims, no professionals), so only the chain's verdict counts here.
    chain = "chain holds" if result.broken_seq is None else f"BROKEN at {result.broken_seq}"
    rows.append(
        (
            "log verify",
            f"{chain}, {number(result.count)} entries in {seconds:.1f} s "
            f"(tables compared: {number(len(result.differences))} differences, a log alone)",
        )
    )
    rows.append(
        (
            "entries/s (target >= 50,000)",
            f"{number(rate)} ({'met' if rate >= TARGET_VERIFY_PER_SECOND else 'MISSED'})",
        )
    )
    try:
        opened = statistics.median(log_opening(str(path)) for _ in range(3))
        rows.append(
            ("l on a settled app to the log's first page painted, median of 3", f"{opened:.0f} ms")
        )
    except RuntimeError as exc:
        rows.append(("l to the first painted page of the log", f"not measured: {exc}"))
    return rows


LOG_RUNS = 5


def folded_log_times(engine: Engine) -> Rows:
    """The supervisor's log, folded and flat: its count and first page, unfiltered
    and filtered, median of LOG_RUNS runs each."""
    from guarantee_tui.services import log
    from guarantee_tui.services.log import LogFilter
    from guarantee_tui.store.models import LogEntry

    supervisor = "Sofia Martins"
    with engine.connect() as conn:
        since = conn.execute(select(func.max(LogEntry.at))).scalar_one() - timedelta(days=7)
    filters = {
        "": LogFilter(),
        ", one agent": LogFilter(agents=frozenset({"Camille Laurent"})),
        ", last week": LogFilter(start=since),
    }
    measures: dict[str, Callable[[LogFilter], object]] = {
        "folded count": lambda f: log.count_grouped(engine, f, supervisor),
        "folded first page (100)": lambda f: log.page_grouped(engine, f, supervisor, 0, 100),
        "flat count": lambda f: log.count(engine, f, supervisor),
        "flat first page (100)": lambda f: log.page(engine, f, supervisor, 0, 100),
    }
    rows: Rows = []
    for label, f in filters.items():
        for name, call in measures.items():
            times = []
            for _ in range(LOG_RUNS):
                start = time.perf_counter()
                call(f)
                times.append(time.perf_counter() - start)
            median = statistics.median(times) * 1000
            rows.append((f"{name}{label}, median of {LOG_RUNS}", f"{median:.0f} ms"))
    return rows


def log_opening(db: str) -> float:
    """Milliseconds from `l`, pressed once the app has settled, to the log's first page painted."""
    done = subprocess.run(
        [sys.executable, str(PAINT_SCRIPT), "log", db],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    result: dict[str, Any] = json.loads(lines[-1]) if lines else {"error": done.stderr[-300:]}
    if "error" in result:
        raise RuntimeError(str(result["error"]))
    return (float(result["painted"]) - float(result["pressed"])) * 1000


@section("Phone desk: lookup per keystroke (large database)")
def phone_lookup(bench: Bench) -> Rows:
    try:
        from bench_phone import lookup_latency
    except ImportError:
        return [("lookup", "scripts/bench_phone.py is missing")]
    rows: list[tuple[str, str]] = lookup_latency(str(bench.db), bench.args.samples)
    return rows


# --- the marketplace and the team (scratch databases of their own) ----------------------

LATENCY_S = 0.02
TARGET_DELIVERY_PER_SECOND = 200
TARGET_SCREEN_MS = 1000.0


def add_marketplace_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--backends",
        default="sqlite,postgresql",
        metavar="LIST",
        help="where the marketplace and team sections run (scratch databases, dropped after)",
    )
    parser.add_argument("--delivery-effects", type=int, default=2000, metavar="N")
    parser.add_argument("--ack-samples", type=int, default=40, metavar="N")
    parser.add_argument("--pull-professionals", type=int, default=100_000, metavar="N")
    parser.add_argument(
        "--pull-template",
        type=int,
        default=500,
        metavar="N",
        help="generated professionals the pulled ones are copies of (refs renamed)",
    )
    parser.add_argument("--team-professionals", type=int, default=3000, metavar="N")
    parser.add_argument("--team-agents", type=int, default=8, metavar="N")
    parser.add_argument("--feed-samples", type=int, default=40, metavar="N")


def backends(bench: Bench) -> list[str]:
    from bench_backends import BACKENDS

    chosen = [b.strip() for b in bench.args.backends.split(",") if b.strip()]
    unknown = set(chosen) - set(BACKENDS)
    if unknown:
        raise SystemExit(f"--backends: unknown {', '.join(sorted(unknown))} (sqlite, postgresql)")
    return chosen


def spread_ms(values: list[float], digits: int = 0) -> str:
    """Every value counted: n, p50, p95, max."""
    return (
        f"n={len(values)}, p50 {percentile(values, 0.5):.{digits}f} ms, "
        f"p95 {percentile(values, 0.95):.{digits}f} ms, max {max(values):.{digits}f} ms"
    )


def per_backend(bench: Bench, tag: str, measure: Callable[[str, str], Rows]) -> Rows:
    """`measure(backend, url)` on a new scratch database of each backend."""
    from bench_backends import scratch_database

    rows: Rows = []
    for backend in backends(bench):
        try:
            with scratch_database(backend, tag) as url:
                rows += measure(backend, url)
        except Exception as exc:  # a figure missing is reported, the others still run
            rows.append((backend, f"not measured: {type(exc).__name__}: {exc}"))
    return rows


@section("Marketplace: effects delivered per second, 20 ms of server latency", large_db=False)
def marketplace_delivery(bench: Bench) -> Rows:
    from bench_marketplace import bare_http, delivery

    from guarantee_tui.platform.dispatcher import DEFAULT_WORKERS

    effects = bench.args.delivery_effects
    professionals = max(1, effects // 4)
    bare = bare_http(effects, professionals, LATENCY_S)
    rows: Rows = [
        (
            "effects (a credit and a letter per approval)",
            f"{number(effects)} for {number(professionals)} professionals",
        ),
        (
            "senders (dispatcher threads)",
            f"{DEFAULT_WORKERS}: at most {DEFAULT_WORKERS / LATENCY_S:,.0f}/s",
        ),
        ("bare HTTP: the same requests, no database, no order", f"{number(bare)} effects/s"),
    ]

    def measure(backend: str, url: str) -> Rows:
        figures = delivery(url, effects, professionals, LATENCY_S)
        rate = figures.per_second
        return [
            (
                f"{backend}: dispatcher (target >= {TARGET_DELIVERY_PER_SECOND}/s)",
                f"{number(figures.effects)} in {figures.seconds:.1f} s: {number(rate)} effects/s",
            ),
            (f"{backend}: ratio to bare HTTP", f"x{rate / bare:.2f}"),
        ]

    return rows + per_backend(bench, "delivery", measure)


@section("Marketplace: a decision's commit to the marketplace's acknowledgment", large_db=False)
def marketplace_acknowledgment(bench: Bench) -> Rows:
    from bench_marketplace import acknowledgments

    samples = bench.args.ack_samples

    def measure(backend: str, url: str) -> Rows:
        woken = acknowledgments(url, samples, LATENCY_S, woken=True)
        polled = acknowledgments(url, samples, LATENCY_S, woken=False)
        return [
            (f"{backend}: the app's own decision (woken)", spread_ms(woken)),
            (f"{backend}: another's decision (found by polling)", spread_ms(polled)),
        ]

    return [
        ("dispatcher", "as the app runs it (ui/link.py), 20 ms of server latency"),
        *per_backend(bench, "ack", measure),
    ]


@section("Marketplace: pull of changed professionals", large_db=False)
def marketplace_pull(bench: Bench) -> Rows:
    from bench_marketplace import pull_rate, template_case_file

    count = bench.args.pull_professionals
    with tempfile.TemporaryDirectory(prefix="guarantee-bench-") as tmp:
        template = Path(tmp) / "template.json"
        template_case_file(template, bench.args.pull_template, Path(tmp))
        rows: Rows = [
            (
                "changes served",
                f"{number(count)} professionals, copies of {number(bench.args.pull_template)} "
                f"generated ones ({template.stat().st_size / bench.args.pull_template / 1000:.1f} "
                "kB each as JSON), into an empty database",
            )
        ]

        def measure(backend: str, url: str) -> Rows:
            figures = pull_rate(url, template, count)
            return [
                (
                    f"{backend}: pull",
                    f"{number(figures.professionals)} in {figures.seconds:.1f} s "
                    f"({number(figures.pages)} pages): "
                    f"{number(figures.per_second)} professionals/s",
                )
            ]

        return rows + per_backend(bench, "pull", measure)


@section("Team: 8 agents racing for claims, an act seen on another agent's feed", large_db=False)
def team(bench: Bench) -> Rows:
    from bench_team import feed_delays, open_claims, race

    from guarantee_tui.services.seed import SeedOptions, seed_database

    agents = bench.args.team_agents

    def measure(backend: str, url: str) -> Rows:
        started = time.perf_counter()
        seed_database(url, SeedOptions(professionals=bench.args.team_professionals))
        seeded = time.perf_counter() - started
        claims = open_claims(url)
        delays, own = feed_delays(url, bench.args.feed_samples)
        taken, seconds, counts = race(url, agents)
        return [
            (
                f"{backend}: database",
                f"{number(bench.args.team_professionals)} professionals, "
                f"{number(claims)} open claims (seeded in {seeded:.0f} s)",
            ),
            (f"{backend}: a mark, its own transaction", spread_ms(own, 1)),
            (f"{backend}: a mark to another process's feed", spread_ms(delays, 1)),
            (
                f"{backend}: claims taken, {agents} agents racing",
                f"{number(taken)} in {seconds:.2f} s: {number(taken / seconds)} claims/s",
            ),
            (f"{backend}: taken per agent", ", ".join(str(c) for c in sorted(counts))),
        ]

    return per_backend(bench, "team", measure)


@section("Team: an act to another agent's screen, repainted", large_db=False)
def team_screens(bench: Bench) -> Rows:
    from bench_live import claim_delays, queue_delays
    from bench_team import feed_delays

    from guarantee_tui.services.seed import SeedOptions, seed_database

    samples = bench.args.feed_samples

    def measure(backend: str, url: str) -> Rows:
        seed_database(url, SeedOptions(professionals=bench.args.team_professionals))
        # The baseline, in the same run: the same kind of act reaching another
        # process's feed, before any screen loads or paints it.
        feed, _own = feed_delays(url, samples)
        claim = claim_delays(url, samples)
        queue = queue_delays(url, samples)
        base = percentile(feed, 0.5)
        rows: Rows = [
            (f"{backend}: a mark to another process's feed (baseline)", spread_ms(feed, 1)),
            (f"{backend}: a mark to the claim screen repainted", spread_ms(claim)),
            (f"{backend}: a take or a give-back to the queue repainted", spread_ms(queue)),
        ]
        if backend == "sqlite":
            # Feed and app each look every half second, at their own moments: the
            # phase of those looks, not the work, makes the difference.
            rows.append(
                (f"{backend}: screens against the feed", "no ratio: both wait for a look (0.5 s)")
            )
        else:
            for name, values in (("claim screen", claim), ("queue", queue)):
                p50 = percentile(values, 0.5)
                rows.append(
                    (
                        f"{backend}: {name}, loading and painting over the feed (p50)",
                        f"{p50 - base:+.0f} ms (x{p50 / base:.1f})" if base > 0 else "-",
                    )
                )
        worst = max(percentile(claim, 0.95), percentile(queue, 0.95))
        rows.append(
            (
                f"{backend}: target p95 <= {TARGET_SCREEN_MS:,.0f} ms (issue 11: within a second)",
                f"{worst:.0f} ms ({'met' if worst <= TARGET_SCREEN_MS else 'MISSED'})",
            )
        )
        return rows

    return [
        ("watcher", "the workspace, headless, in its own process (scripts/bench_live.py)"),
        ("acts", f"{samples} of each, one at a time, 0.1 to 0.6 s apart"),
        *per_backend(bench, "screens", measure),
    ]


# --- running --------------------------------------------------------------------------


def default_db(professionals: int) -> Path:
    label = f"{professionals // 1000}k" if professionals % 1000 == 0 else str(professionals)
    return ROOT / "bench" / f"bench-{label}.db"


def print_section(title: str, rows: Rows) -> None:
    width = max((len(k) for k, _ in rows), default=0)
    print(f"\n{title}\n{'-' * len(title)}")
    for key, value in rows:
        print(f"  {key.ljust(width)}  {value}")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Benchmark figures for guarantee-tui's check on a large seeded database."
    )
    parser.add_argument("--professionals", type=int, default=100_000, metavar="N")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, metavar="S")
    parser.add_argument(
        "--db", type=Path, metavar="PATH", help="default: bench/bench-100k.db (for N=100000)"
    )
    parser.add_argument("--samples", type=int, default=300, metavar="K")
    parser.add_argument(
        "--rebuild", action="store_true", help="seed the database again even if it is current"
    )
    parser.add_argument(
        "--profile", action="store_true", help="print cProfile statistics on stderr"
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="TITLE",
        help="run only sections whose title has this (several: a,b or the option again)",
    )
    add_marketplace_options(parser)
    args = parser.parse_args(argv)
    db = (args.db or default_db(args.professionals)).resolve()
    bench = Bench(args, db)
    only = [o.strip().lower() for value in args.only or [] for o in value.split(",") if o.strip()]
    wanted = [
        (title, fn)
        for title, fn in SECTIONS
        if fn is machine or not only or any(o in title.lower() for o in only)
    ]
    # The large database is built (or opened) only for a section that reads it.
    if any(title not in OWN_DATABASES and fn is not machine for title, fn in wanted):
        wanted = sorted({*wanted, (DATABASE_TITLE, database)}, key=SECTIONS.index)
    compile_bytecode()
    try:
        for title, fn in wanted:
            print_section(title, fn(bench))
    finally:
        if bench.engine is not None:
            bench.engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
