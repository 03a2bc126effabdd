"""Benchmark figures for the phone desk: lookup latency per keystroke.

    .venv/bin/python scripts/bench_phone.py bench/bench-100k.db
    .venv/bin/python scripts/bench_phone.py bench/bench-100k.db --samples 500
    .venv/bin/python scripts/bench_phone.py DB --rebuild-tokens   # a database seeded
                                                                  # before the tokens

An agent types what the caller says one key at a time, and the desk looks up
after each key. So this types, for professionals spread over the database,
their phone number as written, their e-mail, the first words of their
company name, their ref and their claim's ref, and times the lookup of
every prefix (`services.phone.lookup`, exactly as the desk calls it, in
process, after a warm-up). One-letter prefixes, the costliest, count too.

`lookup_latency(db_url, samples)` returns (label, value) rows for
scripts/bench.py; nothing fails on a slow machine. Target: p95 <= 100 ms
per keystroke at 100,000 professionals.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from typing import Any

from sqlalchemy import Engine, func, select

from guarantee_tui.services.phone import lookup
from guarantee_tui.store import search
from guarantee_tui.store.engine import make_engine
from guarantee_tui.store.models import Claim, Professional, SearchToken

TARGET_MS = 100.0
WARM_UP = 30
# Characters typed per value at most (a phone number, the start of an e-mail...).
TYPED = 16

Rows = list[tuple[str, str]]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(share * len(ordered)), len(ordered) - 1)]


def _ms(value: float) -> str:
    return f"{value:,.1f} ms"


def _typings(engine: Engine, samples: int) -> list[tuple[str, str]]:
    """(kind, text as the agent types it) for professionals spread over the ids."""
    with engine.connect() as conn:
        bounds: Any = conn.execute(
            select(func.min(Professional.id), func.max(Professional.id))
        ).one()
        low, high = bounds
        if low is None:
            return []
        step = max((high - low) // max(samples, 1), 1)
        rows = conn.execute(
            select(
                Professional.id,
                Professional.ref,
                Professional.company_name,
                Professional.email,
                Professional.phone,
            )
            .where((Professional.id - low) % step == 0)
            .order_by(Professional.id)
            .limit(samples)
        ).all()
        claims = dict(
            conn.execute(
                select(Claim.professional_id, func.min(Claim.ref))
                .where(Claim.professional_id.in_([r.id for r in rows]))
                .group_by(Claim.professional_id)
            ).all()
        )
    out: list[tuple[str, str]] = []
    for row in rows:
        if row.phone:
            out.append(("phone", row.phone[:TYPED]))
        if row.email:
            out.append(("email", row.email[:TYPED]))
        out.append(("company", " ".join(row.company_name.split()[:2])[:TYPED]))
        out.append(("ref", row.ref))
        if row.id in claims:
            out.append(("claim", claims[row.id].lower()))
    return out


def lookup_latency(db_url: str, samples: int) -> Rows:
    """Per-keystroke lookup latency on the database at `db_url` (label, value rows)."""
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            professionals = conn.execute(select(func.count()).select_from(Professional)).scalar()
            tokens = conn.execute(select(func.count()).select_from(SearchToken)).scalar()
        if not tokens:
            return [
                ("professionals", f"{professionals:,}"),
                ("search tokens", "none: run scripts/bench_phone.py DB --rebuild-tokens"),
            ]
        typings = _typings(engine, samples)
        keystrokes = [(kind, text[:i]) for kind, text in typings for i in range(1, len(text) + 1)]
        for _, prefix in keystrokes[:WARM_UP]:
            lookup(engine, prefix)
        by_kind: dict[str, list[float]] = defaultdict(list)
        found = 0
        for kind, prefix in keystrokes:
            start = time.perf_counter()
            result = lookup(engine, prefix)
            by_kind[kind].append((time.perf_counter() - start) * 1000)
            found += bool(result.results)
        # Each full value finds its professional (a sanity check of the figures).
        whole = sum(any(r.matched_on for r in lookup(engine, text).results) for _, text in typings)
    finally:
        engine.dispose()
    every = [v for values in by_kind.values() for v in values]
    p95 = _percentile(every, 0.95)
    rows: Rows = [
        ("professionals", f"{professionals:,}"),
        ("search tokens", f"{tokens:,}"),
        (
            "keystrokes timed",
            f"{len(every):,} ({len(typings):,} values typed, {samples:,} professionals)",
        ),
        ("keystrokes with results", f"{found / max(len(every), 1):.0%}"),
        ("whole values found", f"{whole:,} of {len(typings):,}"),
    ]
    for kind in ("phone", "email", "company", "ref", "claim"):
        values = by_kind.get(kind)
        if values:
            rows.append(
                (
                    f"{kind}: p50 / p95 / max",
                    f"{_ms(statistics.median(values))} / {_ms(_percentile(values, 0.95))} / "
                    f"{_ms(max(values))}",
                )
            )
    rows += [
        ("all keystrokes: p50", _ms(statistics.median(every))),
        ("all keystrokes: p95", _ms(p95)),
        ("all keystrokes: p99", _ms(_percentile(every, 0.99))),
        ("all keystrokes: max", _ms(max(every))),
        (
            "keystrokes within 100 ms",
            f"{sum(v <= TARGET_MS for v in every) / len(every):.1%}",
        ),
        ("target p95 <= 100 ms", "met" if p95 <= TARGET_MS else "MISSED"),
    ]
    return rows


def rebuild_tokens(db_url: str) -> int:
    """Fills the search tokens of a database written before they existed."""
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            return search.rebuild(conn)
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", help="database path or URL")
    parser.add_argument("--samples", type=int, default=300, help="professionals typed")
    parser.add_argument("--rebuild-tokens", action="store_true", help="fill search_tokens first")
    args = parser.parse_args(argv)
    if args.rebuild_tokens:
        start = time.perf_counter()
        done = rebuild_tokens(args.db)
        seconds = time.perf_counter() - start
        print(f"search tokens rebuilt for {done:,} professionals in {seconds:.1f} s")
    rows = lookup_latency(args.db, args.samples)
    width = max(len(label) for label, _ in rows)
    print("Phone desk: lookup per keystroke")
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
