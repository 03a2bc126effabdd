"""Benchmark figures for e-mail intake: accuracy per style, and throughput.

    .venv/bin/python scripts/bench_intake.py                  # 10,000 messages
    .venv/bin/python scripts/bench_intake.py --messages 2000 --professionals 600

Seeds a database (`guarantee-tui seed`, in a scratch directory), then prints:

- accuracy: the seeded corpus of claim e-mails (services/seed/mails.py),
  read without recording anything; per style, the share of explanations
  attributed to the right contact, the messages that would create a claim,
  and wrong attributions a created claim would apply (the target is none);
- throughput: an mbox of `--messages` corpus e-mails taken in by the real
  command (`guarantee-tui intake MBOX --json`, a child process, on a copy of
  the seeded database): messages per second, and the child's peak memory
  (its maximum resident set size).

Figures for people, not tests: nothing fails on a slow machine.
"""

from __future__ import annotations

import argparse
import json
import mailbox
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from guarantee_tui.services.seed import DEFAULT_ANCHOR, SeedOptions, seed_database
from guarantee_tui.services.seed.mails import LABELLED, STYLES, CorpusMail, corpus, measure
from guarantee_tui.store.engine import make_engine


def _seed(directory: Path, professionals: int) -> Path:
    path = directory / "intake-bench.db"
    started = time.perf_counter()
    seed_database(str(path), SeedOptions(professionals=professionals, seed=7))
    print(f"seeded {professionals:,} professionals in {time.perf_counter() - started:.1f} s")
    return path


def accuracy(database: Path, professionals: int) -> None:
    engine = make_engine(str(database))
    try:
        mails = list(corpus(engine, seed=1, professionals=professionals, anchor=DEFAULT_ANCHOR))
        started = time.perf_counter()
        figures = measure(engine, mails)
        elapsed = time.perf_counter() - started
    finally:
        engine.dispose()
    print(f"\n## Accuracy ({len(mails):,} e-mails, read without recording)")
    print(
        f"{'style':<15} {'mails':>6} {'explanations':>13} {'right':>8} {'created':>8} {'wrong':>6}"
    )
    for style in STYLES:
        f = figures[style]
        mark = " *" if style in LABELLED else ""
        print(
            f"{style:<15} {f.messages:>6} {f.explanations:>13} {f.accuracy:>8.2%} "
            f"{f.created:>8} {f.wrong_applied:>6}{mark}"
        )
    total = sum(f.explanations for f in figures.values())
    right = sum(f.right for f in figures.values())
    wrong = sum(f.wrong_applied for f in figures.values())
    print(f"{'overall':<15} {len(mails):>6} {total:>13} {right / total:>8.2%} {'':>8} {wrong:>6}")
    print("* numbers or names its contacts (target 100 %); wrong: applied without review")
    print(f"reading and attributing: {len(mails) / elapsed:,.0f} e-mails/s (in-process)")


def _mbox(database: Path, path: Path, count: int) -> int:
    engine = make_engine(str(database))
    written = 0
    box = mailbox.mbox(path)
    try:
        seed = 1
        while written < count:
            batch: list[CorpusMail] = []
            for mail in corpus(engine, seed=seed, professionals=10_000, anchor=DEFAULT_ANCHOR):
                batch.append(mail)
                if written + len(batch) >= count:
                    break
            if not batch:
                break
            for mail in batch:
                box.add(mail.raw)
            written += len(batch)
            seed += 1
        box.flush()
    finally:
        box.close()
        engine.dispose()
    return written


def throughput(database: Path, directory: Path, count: int) -> None:
    path = directory / "inbox.mbox"
    started = time.perf_counter()
    written = _mbox(database, path, count)
    print(f"\n## Throughput ({written:,} messages, {path.stat().st_size / 1e6:,.1f} MB mbox)")
    print(f"mbox written in {time.perf_counter() - started:.1f} s")
    target = directory / "intake-run.db"
    shutil.copyfile(database, target)
    output = directory / "outcomes.jsonl"
    command = [
        sys.executable,
        "-m",
        "guarantee_tui",
        "intake",
        str(path),
        "--json",
        "--db",
        str(target),
        "--agent",
        "bench",
    ]
    started = time.perf_counter()
    with output.open("w", encoding="utf-8") as out:
        done = subprocess.run(command, stdout=out, check=False)
    elapsed = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    statuses = Counter(
        json.loads(line)["status"] for line in output.read_text(encoding="utf-8").splitlines()
    )
    print(f"intake: exit {done.returncode}, {elapsed:.1f} s, {written / elapsed:,.0f} messages/s")
    print(f"peak memory of the intake process: {peak_kb / 1024:,.0f} MB")
    print("statuses: " + ", ".join(f"{s} {n:,}" for s, n in sorted(statuses.items())))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--professionals", type=int, default=2000, metavar="N")
    parser.add_argument("--corpus-professionals", type=int, default=150, metavar="N")
    parser.add_argument("--messages", type=int, default=10_000, metavar="N")
    parser.add_argument("--keep", metavar="DIR", help="work in DIR and keep what was made")
    args = parser.parse_args()
    directory = Path(args.keep or tempfile.mkdtemp(prefix="bench-intake-"))
    directory.mkdir(parents=True, exist_ok=True)
    try:
        database = _seed(directory, args.professionals)
        accuracy(database, args.corpus_professionals)
        throughput(database, directory, args.messages)
    finally:
        if not args.keep:
            shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
