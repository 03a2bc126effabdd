"""Marketplace settings (the token never shown) and the `sync` and `pull` commands."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from guarantee_tui.cli import main
from guarantee_tui.config import ConfigError
from guarantee_tui.i18n import translator
from guarantee_tui.marketplace_server import Marketplace, MarketplaceServer
from guarantee_tui.platform.settings import TOKEN_ENV, URL_ENV, marketplace_settings
from guarantee_tui.store.engine import make_engine
from tests.platform.conftest import TOKEN
from tests.platform.history import Expected, act

EN = translator("en")


def write_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("GUARANTEE_TUI_CONFIG", str(path))
    return path


def test_settings_from_the_config_file_and_a_token_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "mp.token").write_text("  s3cret\n", encoding="utf-8")
    write_config(
        tmp_path,
        monkeypatch,
        '[marketplace]\nurl = "http://127.0.0.1:8765/"\ntoken_file = "mp.token"\n'
        'pull_every = "5m"\n',
    )
    assert not marketplace_settings(data={}).configured
    settings = marketplace_settings()
    assert settings.configured and settings.url == "http://127.0.0.1:8765"
    assert settings.token == "s3cret"
    assert settings.pull_every is not None and settings.pull_every.total_seconds() == 300
    assert "s3cret" not in repr(settings) and "s3cret" not in str(settings)
    monkeypatch.setenv(URL_ENV, "https://market.example")
    monkeypatch.setenv(TOKEN_ENV, "from-env")
    settings = marketplace_settings()
    assert (settings.url, settings.token, settings.token_source) == (
        "https://market.example",
        "from-env",
        TOKEN_ENV,
    )


@pytest.mark.parametrize(
    ("table", "where"),
    [
        ('url = "ftp://x"', "marketplace.url"),
        ('pull_every = "often"', "marketplace.pull_every"),
        ('token_file = "missing.token"', "marketplace.token_file"),
        ('colour = "red"', "marketplace.colour"),
    ],
)
def test_bad_settings_name_what_is_wrong_and_where(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, table: str, where: str
) -> None:
    write_config(tmp_path, monkeypatch, f"[marketplace]\n{table}\n")
    with pytest.raises(ConfigError) as info:
        marketplace_settings()
    assert where in info.value.describe(EN)


def test_a_bad_token_is_refused_without_being_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(URL_ENV, "http://127.0.0.1:1")
    monkeypatch.setenv(TOKEN_ENV, "two words")
    with pytest.raises(ConfigError) as info:
        marketplace_settings()
    assert "two words" not in info.value.describe(EN)


def test_the_token_is_no_command_line_option() -> None:
    with pytest.raises(SystemExit):
        main(["sync", "--token", "x"])


@pytest.fixture
def db(sqlite_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("GUARANTEE_TUI_DB", str(sqlite_path))
    return str(sqlite_path)


@pytest.fixture
def connected(server: MarketplaceServer, monkeypatch: pytest.MonkeyPatch) -> MarketplaceServer:
    monkeypatch.setenv(URL_ENV, server.url)
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    return server


def history(db: str) -> Expected:
    engine = make_engine(db)
    expected = Expected()
    act(engine, expected, 1, "approve", "PRO-1", "CLM-1", 90)
    act(engine, expected, 2, "reject", "PRO-2", "CLM-2")
    engine.dispose()
    return expected


def test_sync_without_a_marketplace_sends_nothing_and_says_so(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    history(db)
    assert main(["sync"]) == 2
    err = capsys.readouterr().err
    assert "No marketplace is configured" in err and URL_ENV in err


def test_sync_delivers_everything_and_exits_0(
    db: str,
    connected: MarketplaceServer,
    marketplace: Marketplace,
    capsys: pytest.CaptureFixture[str],
) -> None:
    history(db)
    assert main(["sync", "--max-wait", "5"]) == 0
    assert "Delivered 3 effects." in capsys.readouterr().out
    assert marketplace.balances == {"PRO-1": 90} and len(marketplace.messages) == 2


def test_sync_exits_1_with_a_line_per_professional_left(
    db: str,
    connected: MarketplaceServer,
    marketplace: Marketplace,
    capsys: pytest.CaptureFixture[str],
) -> None:
    history(db)
    marketplace.professionals = {"PRO-2"}
    assert main(["sync", "--max-wait", "0"]) == 1
    err = capsys.readouterr().err
    assert "1 professional still has effects to send" in err
    assert "PRO-1: credit adjustment for claim CLM-1: failed" in err
    assert "404" in err


def test_sync_exits_2_on_a_rejected_token(
    db: str, connected: MarketplaceServer, capsys: pytest.CaptureFixture[str]
) -> None:
    history(db)
    connected.faults.refuse_token = True
    assert main(["sync"]) == 2
    err = capsys.readouterr().err
    assert "token rejected (401)" in err and TOKEN not in err


def test_sync_watch_stops_on_sigterm_after_the_request_in_flight(
    db: str,
    connected: MarketplaceServer,
    marketplace: Marketplace,
    capsys: pytest.CaptureFixture[str],
) -> None:
    engine = make_engine(db)
    expected = Expected()
    for n in range(40):
        act(engine, expected, n, "reject", f"PRO-{n}", f"CLM-{n}")
    engine.dispose()
    saved = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    connected.on_request = lambda n, phase: (
        os.kill(os.getpid(), signal.SIGTERM) if (n, phase) == (1, "after") else None
    )
    try:
        status = main(["sync", "--watch"])
    finally:
        for signum, handler in saved.items():
            signal.signal(signum, handler)
    assert status == 1
    out = capsys.readouterr()
    delivered = len(marketplace.messages)
    assert 1 <= delivered < 40
    assert f"Delivered {delivered} effect" in out.out
    assert "being sent" not in out.err  # nothing left in flight


def test_pull_prints_counts_like_import(
    db: str,
    connected: MarketplaceServer,
    marketplace: Marketplace,
    capsys: pytest.CaptureFixture[str],
) -> None:
    marketplace.add_changes(
        [
            {
                "ref": "PRO-9",
                "market": "FR",
                "company_name": "Toits Martin",
                "created_at": "2026-01-05T09:00:00Z",
            }
        ]
    )
    assert main(["pull"]) == 0
    out = capsys.readouterr().out
    assert "Read 1 page of changes." in out
    assert "1 professional (1 new, 0 updated, 0 unchanged)" in out
    assert main(["pull"]) == 0
    assert "1 new" not in capsys.readouterr().out
