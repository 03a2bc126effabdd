"""Checking claims against the policy, and the `check --json` contract."""

from __future__ import annotations

import json
import multiprocessing
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from guarantee_tui.errors import UserError
from guarantee_tui.i18n import Translator, translator
from guarantee_tui.policy import Checklist, evaluate
from guarantee_tui.services.bulk import few_collections
from guarantee_tui.store.facts import ClaimFacts, iter_claims, load_claim, ref_boundaries


class UnknownClaim(UserError):
    def __init__(self, ref: str) -> None:
        super().__init__(ref)
        self.ref = ref

    def describe(self, tr: Translator) -> str:
        return tr("No claim with ref {ref}.", ref=self.ref)


def evaluate_facts(facts: ClaimFacts, at: datetime) -> Checklist:
    return evaluate(facts.professional, facts.claim, at)


def check_claim(engine: Engine, claim_ref: str, at: datetime) -> Checklist:
    with engine.connect() as conn:
        facts = load_claim(conn, claim_ref)
    if facts is None:
        raise UnknownClaim(claim_ref)
    return evaluate_facts(facts, at)


# Below this many claims, starting processes costs more than it saves.
PARALLEL_FROM = 4000
SLICE = 2000


def json_lines(
    engine: Engine, at: datetime, status: str | None, language: str, *, jobs: int = 1
) -> Iterator[str]:
    """`check --all`: one JSON object per claim, in ref order, each ending in a newline.

    With several `jobs`, slices of claims are checked in worker processes
    (each with its own connection) and written back in order, so the output
    is the same bytes either way.
    """
    if jobs > 1:
        with engine.connect() as conn:
            bounds = ref_boundaries(conn, SLICE, status)
        if len(bounds) * SLICE >= PARALLEL_FROM:
            url = engine.url.render_as_string(hide_password=False)
            slices = [
                (url, after, until, status, at, language)
                for after, until in zip(["", *bounds[:-1]], bounds, strict=True)
            ]
            context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
            with ProcessPoolExecutor(jobs, mp_context=context) as pool:
                yield from pool.map(_check_slice, slices)
            return
    tr = translator(language)
    with few_collections(), engine.connect() as conn:
        for facts in iter_claims(conn, status=status):
            yield _line(evaluate_facts(facts, at), tr)


def _line(checklist: Checklist, tr: Translator) -> str:
    return json.dumps(checklist_json(checklist, tr), ensure_ascii=False) + "\n"


def _check_slice(task: tuple[str, str, str, str | None, datetime, str]) -> str:
    url, after, until, status, at, language = task
    from guarantee_tui.store.engine import make_engine

    engine = make_engine(url)
    tr = translator(language)
    try:
        with few_collections(), engine.connect() as conn:
            return "".join(
                _line(evaluate_facts(facts, at), tr)
                for facts in iter_claims(conn, status=status, after=after, until=until)
            )
    finally:
        engine.dispose()


def checklist_json(checklist: Checklist, tr: Translator) -> dict[str, Any]:
    """The object of tests/data/check-output.md."""
    return {
        "claim": checklist.claim,
        "professional": checklist.professional,
        "market": str(checklist.market),
        "at": checklist.at.isoformat(),
        "verdict": str(checklist.verdict),
        "recommended_action": str(checklist.action),
        "refund_credits": checklist.refund_credits,
        "conditions": [
            {"id": str(r.id), "status": str(r.status), "evidence": tr.render(r.evidence)}
            for r in checklist.results
        ],
    }
