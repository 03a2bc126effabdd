"""`pull`: pages of changes applied once, with their cursor, across a crash, a 503 and a 410."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from guarantee_tui.marketplace_server import Marketplace, MarketplaceServer
from guarantee_tui.platform.backoff import Backoff
from guarantee_tui.platform.client import MarketplaceClient, Reply
from guarantee_tui.platform.settings import MarketplaceSettings
from guarantee_tui.services import pull as pull_module
from guarantee_tui.services.pull import PullReport, pull
from guarantee_tui.store import outbox
from guarantee_tui.store.models import Professional
from tests.platform.conftest import TOKEN


def record(n: int, company: str | None = None) -> dict[str, Any]:
    return {
        "ref": f"PRO-{n}",
        "market": "FR" if n % 2 else "PT",
        "company_name": company or f"Company {n}",
        "created_at": f"2026-01-0{1 + n % 9}T09:00:00Z",
        "email": f"pro{n}@example.com",
    }


class Crash(BaseException):
    """A process dying: nothing after it runs."""


class CrashingClient(MarketplaceClient):
    def __init__(self, url: str, crash_on: int) -> None:
        super().__init__(url, TOKEN)
        self.calls, self.crash_on = 0, crash_on

    def changes(self, cursor: str | None = None, limit: int | None = None) -> Reply:
        self.calls += 1
        if self.calls == self.crash_on:
            raise Crash()
        return super().changes(cursor, limit)


def companies(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        rows = conn.execute(select(Professional.ref, Professional.company_name)).all()
    return dict(rows)


def counts(report: PullReport) -> tuple[int, int, int]:
    p = report.totals.professionals
    return p.new, p.updated, p.unchanged


def settings(server: MarketplaceServer) -> MarketplaceSettings:
    return MarketplaceSettings(url=server.url, token=TOKEN)


def test_pages_are_applied_once_across_a_crash_and_a_503(
    engine: Engine,
    server: MarketplaceServer,
    marketplace: Marketplace,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    marketplace.add_changes([record(n) for n in range(5)] + [record(1, "Renamed 1")])
    # Dies after the first page was committed, while asking for the second.
    with pytest.raises(Crash):
        pull(engine, settings(server), limit=2, client=CrashingClient(server.url, crash_on=2))
    assert sorted(companies(engine)) == ["PRO-0", "PRO-1"]
    with engine.connect() as conn:
        first_cursor = outbox.read_cursor(conn)
    assert first_cursor is not None

    # Dies inside the second page's transaction, as it stores the cursor: the
    # page's facts go with it.
    real_write = outbox.write_cursor

    def dying_write(*args: Any) -> None:
        raise Crash()

    monkeypatch.setattr(outbox, "write_cursor", dying_write)
    with pytest.raises(Crash):
        pull(engine, settings(server), limit=2)
    monkeypatch.setattr(outbox, "write_cursor", real_write)
    assert sorted(companies(engine)) == ["PRO-0", "PRO-1"]
    with engine.connect() as conn:
        assert outbox.read_cursor(conn) == first_cursor

    # The marketplace fails with 503 once; the pull waits (as told) and goes on.
    server.faults.fail_before = 1.0
    pauses: list[float] = []

    def sleep(seconds: float) -> None:
        pauses.append(seconds)
        server.faults.fail_before = 0.0

    report = pull(
        engine, settings(server), limit=2, sleep=sleep, backoff=Backoff(base=0.01, cap=0.01)
    )
    assert pauses and report.pages == 2
    assert counts(report) == (3, 1, 0)
    assert companies(engine) == {
        "PRO-0": "Company 0",
        "PRO-1": "Renamed 1",
        "PRO-2": "Company 2",
        "PRO-3": "Company 3",
        "PRO-4": "Company 4",
    }

    # From the stored cursor, a second pull finds nothing new.
    again = pull(engine, settings(server), limit=2)
    assert (again.pages, counts(again), again.totals.changed) == (1, (0, 0, 0), False)


def test_an_expired_cursor_reads_again_from_the_beginning(
    engine: Engine, server: MarketplaceServer, marketplace: Marketplace
) -> None:
    marketplace.add_changes([record(n) for n in range(3)])
    assert counts(pull(engine, settings(server))) == (3, 0, 0)
    marketplace.expire_cursors()
    marketplace.add_changes([record(7)])
    report = pull(engine, settings(server))
    assert report.restarted and counts(report) == (1, 0, 3)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Professional)).scalar() == 4


def test_a_marketplace_that_keeps_failing_stops_the_pull_and_keeps_what_was_read(
    engine: Engine, server: MarketplaceServer, marketplace: Marketplace
) -> None:
    marketplace.add_changes([record(n) for n in range(4)])
    client = CrashingClient(server.url, crash_on=0)
    calls = {"n": 0}
    real_changes = client.changes

    def changes(cursor: str | None = None, limit: int | None = None) -> Reply:
        calls["n"] += 1
        server.faults.fail_before = 0.0 if calls["n"] == 1 else 1.0
        return real_changes(cursor, limit)

    client.changes = changes  # type: ignore[method-assign]
    with pytest.raises(pull_module.PullUnfinished) as info:
        pull(engine, settings(server), limit=2, client=client, max_wait=0, sleep=lambda _s: None)
    assert info.value.exit_status == 1 and info.value.pages == 1
    assert "503" in str(info.value)
    assert sorted(companies(engine)) == ["PRO-0", "PRO-1"]
