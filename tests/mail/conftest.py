"""The IMAP tests' server and settings (tests/imap_server.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from guarantee_tui.config import IMAP_PASSWORD_ENV, ImapSettings, imap_settings
from tests.imap_server import PASSWORD, ImapServer, start


@pytest.fixture(scope="session")
def imap_server() -> Iterator[ImapServer]:
    """Dovecot with TLS: IMAPS, and STARTTLS on its plain port."""
    yield from start(tls=True)


@pytest.fixture(scope="session")
def plain_imap_server() -> Iterator[ImapServer]:
    """Dovecot without TLS at all, on loopback."""
    yield from start(tls=False)


@dataclass
class Imap:
    """One test's mailbox: the server, a new user, the config file naming them."""

    server: ImapServer
    user: str
    config: Path

    def configure(self, **keys: object) -> None:
        """Writes `[intake]` with `keys` (None leaves a key out) into the config file."""
        server = self.server
        defaults: dict[str, object] = {
            "imap_url": f"imaps://127.0.0.1:{server.ssl_port}",
            "imap_user": self.user,
            "imap_ca_file": str(server.ca_file),
            "imap_poll_seconds": 1,
        }
        defaults.update(keys)
        lines = ["[intake]"]
        for key, value in defaults.items():
            if value is None:
                continue
            shown = f'"{value}"' if isinstance(value, str) else str(value)
            lines.append(f"{key} = {shown}")
        self.config.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def settings(self) -> ImapSettings:
        return imap_settings()

    def append(self, *messages: bytes, folder: str = "INBOX") -> None:
        self.server.append(self.user, *messages, folder=folder)

    def flags(self, folder: str = "INBOX") -> list[set[str]]:
        return self.server.flags(self.user, folder)


def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # No developer's ~/.netrc: a home of the test's own.
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    monkeypatch.setenv("HOME", str(home))
    return home


@pytest.fixture
def imap(imap_server: ImapServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Imap:
    """IMAPS to the test server, the password in the environment."""
    _home(tmp_path, monkeypatch)
    monkeypatch.setenv(IMAP_PASSWORD_ENV, PASSWORD)
    setup = Imap(imap_server, imap_server.new_user(), Path(os.environ["GUARANTEE_TUI_CONFIG"]))
    setup.configure()
    return setup


@pytest.fixture
def plain_imap(
    plain_imap_server: ImapServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Imap:
    """Plain IMAP to the loopback test server without TLS."""
    _home(tmp_path, monkeypatch)
    monkeypatch.setenv(IMAP_PASSWORD_ENV, PASSWORD)
    server = plain_imap_server
    setup = Imap(server, server.new_user(), Path(os.environ["GUARANTEE_TUI_CONFIG"]))
    setup.configure(imap_url=f"imap://127.0.0.1:{server.port}", imap_ca_file=None)
    return setup


@pytest.fixture
def no_password(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Neither the variable nor a netrc file: the test's home, empty."""
    monkeypatch.delenv(IMAP_PASSWORD_ENV, raising=False)
    return _home(tmp_path, monkeypatch)
