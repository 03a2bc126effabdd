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
from guarantee_tui.policy.window import EARLIEST, EARLIEST_DAY, LATEST, LATEST_DAY
from guarantee_tui.services.bulk import few_collections
from guarantee_tui.store.facts import ClaimFacts, iter_claims, load_claim, ref_boundaries
from guarantee_tui.text import visible


class UnknownClaim(UserError):
    def __init__(self, ref: str) -> None:
        super().__init__(ref)
        self.ref = ref

    def describe(self, tr: Translator) -> str:
        return tr("No claim with ref {ref}.", ref=self.ref)


class OutsideWindow(UserError):
    """A moment stored for a claim lies outside the window the tool works in
    (policy/window.py), where the policy's date arithmetic would overflow.
    Imports refuse such a date: it was written into the database another way."""

    def __init__(self, claim_ref: str, field: str, moment: datetime) -> None:
        super().__init__(claim_ref, field, moment)
        self.claim_ref, self.field, self.moment = claim_ref, field, moment

    def describe(self, tr: Translator) -> str:
        return tr(
            "Claim {ref}: {field} is {moment} UTC, outside the accepted range, "
            "{earliest} to {latest}. The database holds a date no import accepts: "
            "correct it there.",
            ref=visible(self.claim_ref),
            field=visible(self.field),
            moment=self.moment.replace(tzinfo=None).isoformat(sep=" "),
            earliest=EARLIEST_DAY.isoformat(),
            latest=LATEST_DAY.isoformat(),
        )


# A moment of a claim's facts: the case file's list, the item's key, the field.
_Where = tuple[str | None, object, str]


def _moments(facts: ClaimFacts) -> Iterator[tuple[_Where, datetime | None]]:
    """Every moment of a claim's facts, with where the case file holds it."""
    claim, pro = facts.claim, facts.professional
    yield (None, None, "submitted_at"), claim.submitted_at
    for p in pro.purchases:
        yield ("contact_purchases", p.ref, "purchased_at"), p.purchased_at
        yield ("contact_purchases", p.ref, "first_contacted_at"), p.first_contacted_at
    for i, c in enumerate(pro.completeness):
        yield ("profile_completeness", i, "at"), c.at
    for t in pro.labels:
        yield ("trust_labels", t.kind, "activated_at"), t.activated_at
        yield ("trust_labels", t.kind, "revoked_at"), t.revoked_at
    for k in pro.packs:
        yield ("packs", k.name, "starts_at"), k.starts_at
        yield ("packs", k.name, "ends_at"), k.ends_at
    for i, n in enumerate(pro.incidents):
        yield ("payment_incidents", i, "at"), n.at
        yield ("payment_incidents", i, "resolved_at"), n.resolved_at
    for r in pro.reviews:
        yield ("reviews", r.ref, "at"), r.at


def within_window(facts: ClaimFacts) -> None:
    """Raises OutsideWindow, naming the first moment of the facts outside the window
    ("contact_purchases[L-03].purchased_at")."""
    for (items, key, field), moment in _moments(facts):
        if moment is not None and not EARLIEST <= moment <= LATEST:
            name = field if items is None else f"{items}[{key}].{field}"
            raise OutsideWindow(facts.claim.ref, name, moment)


def evaluate_facts(facts: ClaimFacts, at: datetime) -> Checklist:
    """The claim's checklist at `at`; OutsideWindow if a stored moment would
    make the policy overflow."""
    within_window(facts)
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
    engine: Engine,
    at: datetime,
    status: str | None,
    language: str,
    *,
    jobs: int = 1,
    skipped: list[OutsideWindow] | None = None,
) -> Iterator[str]:
    """`check --all`: one JSON object per claim, in ref order, each ending in a newline.

    With several `jobs`, slices of claims are checked in worker processes
    (each with its own connection) and written back in order, so the output
    is the same bytes either way. A claim with a stored moment outside the
    window is not checked: it goes to `skipped`, and the others are checked
    (without `skipped`, it is raised).
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
                for text, problems in pool.map(_check_slice, slices):
                    _skip(problems, skipped)
                    yield text
            return
    tr = translator(language)
    with few_collections(), engine.connect() as conn:
        for facts in iter_claims(conn, status=status):
            try:
                checklist = evaluate_facts(facts, at)
            except OutsideWindow as problem:
                _skip([problem], skipped)
                continue
            yield _line(checklist, tr)


def _skip(problems: list[OutsideWindow], skipped: list[OutsideWindow] | None) -> None:
    if problems and skipped is None:
        raise problems[0]
    if skipped is not None:
        skipped.extend(problems)


def _line(checklist: Checklist, tr: Translator) -> str:
    return json.dumps(checklist_json(checklist, tr), ensure_ascii=False) + "\n"


def _check_slice(
    task: tuple[str, str, str, str | None, datetime, str],
) -> tuple[str, list[OutsideWindow]]:
    url, after, until, status, at, language = task
    from guarantee_tui.store.engine import make_engine

    engine = make_engine(url)
    tr = translator(language)
    lines: list[str] = []
    problems: list[OutsideWindow] = []
    try:
        with few_collections(), engine.connect() as conn:
            for facts in iter_claims(conn, status=status, after=after, until=until):
                try:
                    lines.append(_line(evaluate_facts(facts, at), tr))
                except OutsideWindow as problem:
                    problems.append(problem)
        return "".join(lines), problems
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
