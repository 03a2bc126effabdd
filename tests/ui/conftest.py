"""A small database of known claims, and the app on it with a fixed clock."""

from __future__ import annotations

import asyncio
import shutil
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from textual.message_pump import MessagePump
from textual.pilot import Pilot
from textual.timer import Timer, TimerCallback
from textual.widgets import Input, TextArea
from textual.worker import WorkerCancelled, WorkerState

from guarantee_tui.config import Settings
from guarantee_tui.policy import Explanation, Market, Review
from guarantee_tui.services import decisions
from guarantee_tui.services.agents import set_role
from guarantee_tui.services.verdicts import refresh_stale
from guarantee_tui.store.engine import make_engine
from guarantee_tui.ui.app import GuaranteeApp
from guarantee_tui.ui.link import LIFELONG
from guarantee_tui.ui.screens import phone, queue
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


@pytest.fixture(scope="session")
def ui_template(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The database of `build_database`, built once per test process."""
    path = tmp_path_factory.mktemp("ui") / "template.db"
    shutil.copyfile(sqlite_template, path)
    build_database(path)
    return path


@pytest.fixture
def ui_db(ui_template: Path, tmp_path: Path) -> str:
    """A copy of the template for each test, which may write to it."""
    path = tmp_path / "test.db"
    for suffix in ("", "-wal"):  # no write-ahead log once the last connection closed
        source = Path(f"{ui_template}{suffix}")
        if source.exists():
            shutil.copyfile(source, f"{path}{suffix}")
    return str(path)


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
    as meant, not a failure. The workers that run as long as the app (sending
    to the marketplace) are not waited for.
    """
    workers = [w for w in pilot.app.workers if w.group not in LIFELONG]
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
        if not any(w.state in BUSY and w.group not in LIFELONG for w in pilot.app.workers):
            break
        await wait_for_workers(pilot)
    # A blinking cursor is drawn or not by the clock: snapshots hold it still.
    await hold_cursors_still(pilot)


async def hold_cursors_still(pilot: Pilot[None]) -> None:
    """Stops every blinking cursor on the screen, drawn where its box has focus.

    Stopping the blink shows the cursor, but a blink already due can hide an
    input's once more: once the blink is stopped and the due one let through,
    the cursor is shown (`_cursor_visible`; an input draws it only with the
    focus). A text area without a blink draws its cursor wherever it has the
    focus, but keeps the lines it drew while the blink hid it (its line cache
    does not tell them apart): `notify_style_update` empties that cache.
    test_textual_canaries.py checks the attribute and the cache are still theirs.
    """
    boxes: list[Input | TextArea] = [
        *pilot.app.screen.query(Input),
        *pilot.app.screen.query(TextArea),
    ]
    if not boxes:
        return
    for box in boxes:
        box.cursor_blink = False
    await pilot.pause()
    for box in boxes:
        if isinstance(box, TextArea):
            box.notify_style_update()
        else:
            box._cursor_visible = True
        box.refresh()
    await pilot.pause()


async def until(pilot: Pilot[None], condition: Callable[[], bool], what: str) -> None:
    """Lets the app run until `condition` holds: no fixed wait, however loaded the machine.

    For a state reached while a worker is held on purpose, where `settle`
    would wait for that worker. Each pause lasts until the process is idle.
    """
    for _ in range(500):
        if condition():
            return
        await pilot.pause()
    raise AssertionError(f"never happened: {what}")


@pytest.fixture
def no_debounce(monkeypatch: pytest.MonkeyPatch) -> None:
    """Searches follow each key at once instead of after a pause in the typing.

    For tests whose subject is what is found, not when: they would otherwise
    sleep out each pause in real time.
    """
    # Zero: the search runs after the messages already waiting, where each
    # Pilot pause sees it coming (ui/later.py), not on a clock.
    for module, name in ((queue, "FILTER_DELAY"), (phone, "LOOKUP_DELAY"), (phone, "CARD_DELAY")):
        monkeypatch.setattr(module, name, 0)


@dataclass
class Intervals:
    """The repeating timers the app's widgets set, to run them now instead of waiting."""

    started: list[tuple[weakref.ref[MessagePump], float, TimerCallback]] = field(
        default_factory=list
    )

    def run(self, app: GuaranteeApp, kind: type[MessagePump], within: float) -> None:
        """Runs, once, what each `kind` on the current screen repeats at least every `within` s."""
        ran = 0
        for ref, interval, callback in self.started:
            owner = ref()
            if not isinstance(owner, kind) or not owner.is_attached:
                continue
            if owner is not app.screen and getattr(owner, "screen", None) is not app.screen:
                continue
            if interval > within:
                continue  # a slower chore of the same screen (a lease renewal)
            result = callback()
            assert not asyncio.iscoroutine(result), "an async callback: await it"
            ran += 1
        assert ran, f"no {kind.__name__} on this screen repeats anything"


@pytest.fixture
def intervals(monkeypatch: pytest.MonkeyPatch) -> Intervals:
    """Records every `set_interval`; the timers still run as usual."""
    recorded = Intervals()
    original = MessagePump.set_interval

    def set_interval(
        self: MessagePump, interval: float, callback: TimerCallback | None = None, **kw: Any
    ) -> Timer:
        if callback is not None:
            recorded.started.append((weakref.ref(self), interval, callback))
        return original(self, interval, callback, **kw)

    monkeypatch.setattr(MessagePump, "set_interval", set_interval)
    return recorded
