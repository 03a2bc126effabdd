"""Agents racing: eight processes taking and deciding at once, on both backends."""

from __future__ import annotations

import multiprocessing
import threading
from collections import Counter
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text

from guarantee_tui.errors import UserError
from guarantee_tui.services import leases
from guarantee_tui.services.log import verify
from guarantee_tui.store.engine import make_engine
from guarantee_tui.store.models import Agent, Decision
from tests.builders import claim_for, eligible_professional, tagged
from tests.store.helpers import insert
from tests.team.conftest import add_claim, reject

PROCESSES = 8
CLAIMS = 16


def _worker(url: str, agent: str, barrier: Any, out: Any) -> None:
    """Takes the next claim and decides it, until none is left; reports what it took."""
    engine = make_engine(url)
    taken: list[str] = []
    try:
        barrier.wait()
        while True:
            held = leases.take_next(engine, agent, "FR")
            if held is None:
                break
            taken.append(held.claim_ref)
            reject(engine, held.claim_ref, agent)
        out.put((agent, taken, None))
    except Exception as exc:  # reported to the test, which fails with it
        out.put((agent, taken, repr(exc)))
    finally:
        engine.dispose()


def test_eight_agents_take_and_decide_at_once(db_url: str, engine: Engine) -> None:
    for i in range(CLAIMS):
        add_claim(engine, f"R{i:02d}")
    # Forked, not spawned: ready in milliseconds, not after a second of imports each.
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(PROCESSES)
    out = context.Queue()
    workers = [
        context.Process(target=_worker, args=(db_url, f"agent-{p}", barrier, out))
        for p in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    results = [out.get(timeout=300) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    assert [error for _agent, _taken, error in results if error] == []
    taken = Counter(ref for _agent, refs, _error in results for ref in refs)
    # Every claim taken once, by one agent, and decided once.
    assert sorted(taken) == [f"CL-R{i:02d}" for i in range(CLAIMS)]
    assert set(taken.values()) == {1}
    with engine.connect() as conn:
        per_claim = conn.execute(
            select(Decision.claim_id, func.count()).group_by(Decision.claim_id)
        ).all()
        assert len(per_claim) == CLAIMS and {n for _c, n in per_claim} == {1}
        assert (
            conn.execute(text("SELECT count(*) FROM claims WHERE holder IS NOT NULL")).scalar() == 0
        )
    assert verify(engine).ok


def _first_time(url: str, name: str, ref: str, barrier: Any, out: Any) -> None:
    engine = make_engine(url)
    try:
        barrier.wait()
        reject(engine, ref, name)
        out.put(None)
    except Exception as exc:
        out.put(repr(exc))
    finally:
        engine.dispose()


def test_a_first_time_agent_acting_from_eight_processes_is_recorded_once(
    db_url: str, engine: Engine
) -> None:
    refs = [add_claim(engine, f"N{i}") for i in range(PROCESSES)]
    # Forked, not spawned: ready in milliseconds, not after a second of imports each.
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(PROCESSES)
    out = context.Queue()
    workers = [
        context.Process(target=_first_time, args=(db_url, "Nadia Neuve", ref, barrier, out))
        for ref in refs
    ]
    for worker in workers:
        worker.start()
    errors = [out.get(timeout=300) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    assert errors == [None] * PROCESSES
    with engine.connect() as conn:
        assert (
            conn.execute(
                select(func.count()).select_from(Agent).where(Agent.name == "Nadia Neuve")
            ).scalar_one()
            == 1
        )
    assert verify(engine).ok


@pytest.mark.pg
def test_two_claims_of_one_professional_decided_at_once_never_deadlock(pg_url: str) -> None:
    engine = make_engine(pg_url)
    rounds = 15
    try:
        for r in range(rounds):
            pro = tagged(eligible_professional(), f"D{r}")
            first = replace(claim_for(pro), ref=f"CL-D{r}a")
            second = replace(
                claim_for(pro, submitted_at=first.submitted_at + timedelta(hours=1)),
                ref=f"CL-D{r}b",
            )
            insert(engine, pro, first, second, email=f"d{r}@x.fr")
        errors: list[str] = []

        def decide(ref: str, barrier: threading.Barrier) -> None:
            barrier.wait()
            try:
                reject(engine, ref, "Ana")
            except UserError as exc:
                errors.append(str(exc))
            except Exception as exc:
                errors.append(repr(exc))

        for r in range(rounds):
            barrier = threading.Barrier(2)
            threads = [
                threading.Thread(target=decide, args=(f"CL-D{r}{side}", barrier))
                for side in ("a", "b")
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        assert errors == []
        with engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(Decision)).scalar_one() == (
                2 * rounds
            )
        assert verify(engine).ok
    finally:
        engine.dispose()
