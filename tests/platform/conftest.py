"""The local marketplace, started on a free port for a test, and settings isolation."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from guarantee_tui.marketplace_server import Faults, Marketplace, MarketplaceServer
from guarantee_tui.platform.settings import TOKEN_ENV, URL_ENV

TOKEN = "test-token-\u0041bc"


@pytest.fixture(autouse=True)
def _no_marketplace_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(URL_ENV, raising=False)
    monkeypatch.delenv(TOKEN_ENV, raising=False)


@pytest.fixture
def marketplace() -> Marketplace:
    return Marketplace(TOKEN)


@pytest.fixture
def server(marketplace: Marketplace) -> Iterator[MarketplaceServer]:
    running = MarketplaceServer(marketplace, Faults(retry_after=0), seed=7).start()
    yield running
    running.stop()
