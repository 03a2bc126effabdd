"""A small database of known claims, and the app on it with a fixed clock."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from textual.pilot import Pilot
from textual.widgets import Input
from textual.worker import WorkerCancelled, WorkerState

from guarantee_tui.config import Settings
from guarantee_tui.policy import Explanation, Market, Review
from guarantee_tui.services import decisions
from guarantee_tui.services.agents import set_role
from guarantee_tui.services.verdicts import refresh_stale
from guarantee_tui.store.engine import make_engine
from guarantee_tui.ui.app import GuaranteeApp
from tests.builders import AT, START, claim_for, eligible_professional, tagged, with_purchase
from tests.store.helpers import insert

MARKUP_COMPANY = "[b]Bold[/b] & Co [link=x]y[/link]"
HOSTILE_TEXT = (
    "[b]x[/b] [link=x]y[/link] [red]rouge[/] :fire: 🚧 Café Crème — naïve ñ "
    + "Le client n'a jamais répondu. " * 12
)


def build_database(path: Path) -> str:
    """Five claims, one per situation the screens must show."""
    url = str(path)
    engine = make_engine(url)
    eligible = tagged(eligible_professional(Market.FR), "E")
    insert(
        engine,
        eligible,
        replace(claim_for(eligible), ref="CL-ELIG-FR"),
        company="Rénovation Dupont",
        email="contact@dupont.fr",
        phone="01 84 88 82 46",
    )
    pending = tagged(eligible_professional(Market.PT), "P")
    base = claim_for(eligible).submitted_at
    insert(
        engine,
        pending,
        replace(
            claim_for(pending, verification=None),
            ref="CL-PEND-PT",
            submitted_at=base + timedelta(days=1),
        ),
        company="Construções Silva, Lda.",
        email="geral@silva.pt",
        phone="+351 912 345 678",
    )
    broken = tagged(with_purchase(eligible_professional(Market.FR), 3, channel="standard"), "R")
    insert(
        engine,
        broken,
        replace(claim_for(broken), ref="CL-REJ-FR", submitted_at=base + timedelta(days=3)),
        company="Martin & Fils Plomberie SARL",
        email="martin@plomberie.fr",
        phone="06 12 34 56 78",
    )
    hostile = tagged(eligible_professional(Market.FR), "H")
    claim = claim_for(hostile, verification=None)
    first = hostile.purchases[0].ref
    claim = replace(
        claim,
        ref="CL-MARKUP",
        submitted_at=base + timedelta(days=2),
        explanations=(Explanation(first, HOSTILE_TEXT, None), *claim.explanations[1:]),
    )
    hostile = replace(
        hostile,
        reviews=(
            *hostile.reviews,
            Review("H-R-9", START + timedelta(days=5), 5, "platform_contact", first),
        ),
    )
    insert(engine, hostile, claim, company=MARKUP_COMPANY, email="markup@x.fr")
    done = tagged(with_purchase(eligible_professional(Market.PT), 0, job_won=True), "D")
    insert(
        engine,
        done,
        replace(claim_for(done), ref="CL-DONE-PT"),
        company="Remodelações Ferreira Unipessoal",
        email="ferreira@x.pt",
    )
    decisions.decide(
        engine,
        "CL-DONE-PT",
        "reject",
        reason="Job won",
        agent="Rui",
        at=AT - timedelta(days=1),
        opened_at=AT - timedelta(days=1, minutes=12),
        language="pt",
    )
    set_role(engine, "Sofia", "supervisor", AT - timedelta(days=30))
    # As an import or the seed would: every claim with its stored verdict.
    refresh_stale(engine, AT)
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE contact_purchases SET client_name = 'Marie Moreau', "
                "client_phone = '06 12 34 56 78' WHERE ref = 'E-L-01'"
            )
        )
    engine.dispose()
    return url


@pytest.fixture
def ui_db(sqlite_path: Path) -> str:
    return build_database(sqlite_path)


@pytest.fixture
def make_app(ui_db: str) -> Callable[..., GuaranteeApp]:
    def make(lang: str = "en", agent: str = "Ana", db: str | None = None) -> GuaranteeApp:
        return GuaranteeApp(Settings(db=db or ui_db, lang=lang, agent=agent), clock=lambda: AT)

    return make


BUSY = (WorkerState.PENDING, WorkerState.RUNNING)


async def wait_for_workers(pilot: Pilot[None]) -> None:
    """Waits for every worker, cancelled ones included.

    A newer page request cancels an older one of the same group; Textual's own
    `wait_for_complete` raises on the cancelled worker, which is the app working
    as meant, not a failure.
    """
    workers = list(pilot.app.workers)
    results = await asyncio.gather(*(w.wait() for w in workers), return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException) and not isinstance(result, WorkerCancelled):
            raise result


async def settle(pilot: Pilot[None], rounds: int = 3) -> None:
    """Lets workers finish and their results paint."""
    for _ in range(rounds):
        await pilot.pause()
        await wait_for_workers(pilot)
    # On a loaded machine a result can start more work (a page, a screen that
    # loads its own data): keep going while any is under way, within reason.
    for _ in range(20):
        await pilot.pause()
        if not any(w.state in BUSY for w in pilot.app.workers):
            break
        await wait_for_workers(pilot)
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
