"""The app takes the IMAP mailbox's new messages in the background (ui/imap_intake.py)."""

from __future__ import annotations

from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from textual.pilot import Pilot
from textual.worker import WorkerCancelled, WorkerFailed

from guarantee_tui.config import IMAP_PASSWORD_ENV, Settings
from guarantee_tui.mail.imap import DONE
from guarantee_tui.store.engine import make_engine
from guarantee_tui.store.models import IntakeMessage
from guarantee_tui.ui.app import GuaranteeApp
from tests.mail.cases import load, numbered_letter
from tests.mail.conftest import Imap
from tests.mail.helpers import raw
from tests.ui.conftest import until

AT = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
FROM_PRO = "Jean Martin <jean.martin@plomberie-martin.fr>"


async def passes(pilot: Pilot[None], app: GuaranteeApp, n: int) -> None:
    """Until `n` passes over the mailbox have ended, awaiting each worker (no fixed wait)."""
    for _ in range(50):
        hook = app.imap_intake
        if hook is not None and hook.finished >= n:
            return
        if hook is not None and hook.worker is not None:
            with suppress(WorkerFailed, WorkerCancelled):
                await hook.worker.wait()
        await pilot.pause()
    raise AssertionError(f"fewer than {n} passes over the mailbox")


def _statuses(engine: Engine) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(IntakeMessage.message_id, IntakeMessage.status).order_by(IntakeMessage.id)
        )
        return [(m, s) for m, s in rows]


async def test_the_app_takes_new_messages_in_the_background(
    sqlite_path: Path, imap: Imap, tmp_path: Path
) -> None:
    engine = make_engine(str(sqlite_path))
    load(engine, tmp_path)
    # The timer is driven by the test: its interval never elapses here.
    imap.configure(imap_poll_seconds=3600)
    imap.append(raw(numbered_letter(), sender=FROM_PRO, message_id="<app1@x>"))
    app = GuaranteeApp(Settings(db=str(sqlite_path), agent="Camille"), clock=lambda: AT)
    async with app.run_test(size=(120, 40)) as pilot:
        # At once, once the database is open.
        await passes(pilot, app, 1)
        assert _statuses(engine) == [("<app1@x>", "created")]
        assert imap.flags() == [{DONE}]
        # The timer's turn: what came meanwhile.
        imap.append(raw("Je suis absent.", sender=FROM_PRO, message_id="<app2@x>"))
        assert app.imap_intake is not None
        app.imap_intake.take()
        await passes(pilot, app, 2)
        assert _statuses(engine)[1] == ("<app2@x>", "not_a_claim")
        assert imap.flags() == [{DONE}, {DONE}]
        assert not app._notifications
    engine.dispose()


async def test_a_failure_is_told_once_not_at_every_pass(
    sqlite_path: Path, imap: Imap, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(IMAP_PASSWORD_ENV, "wrong")
    imap.configure(imap_poll_seconds=3600)
    app = GuaranteeApp(Settings(db=str(sqlite_path), agent="Camille"), clock=lambda: AT)
    async with app.run_test(size=(120, 40)) as pilot:
        await passes(pilot, app, 1)
        assert app.imap_intake is not None
        app.imap_intake.take()
        await passes(pilot, app, 2)
        notices = [n.message for n in app._notifications]
        assert len(notices) == 1, notices
        assert notices[0].startswith("The IMAP server imaps://127.0.0.1:")
        assert f"refused the login of {imap.user}" in notices[0]


async def test_without_a_mailbox_nothing_runs(sqlite_path: Path) -> None:
    app = GuaranteeApp(Settings(db=str(sqlite_path), agent="Camille"), clock=lambda: AT)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.imap_intake is not None, "the database opened")
        hook = app.imap_intake
        assert hook is not None and hook.worker is not None
        await hook.worker.wait()
        await pilot.pause()
        hook.take()
        assert hook.finished == 0 and not app._notifications
