"""The IMAP settings, checked before any connection; names and addresses on the wire."""

from __future__ import annotations

from pathlib import Path

import pytest

from guarantee_tui.config import ConfigError, imap_settings
from guarantee_tui.i18n import translator
from guarantee_tui.mail import imap as imap_module
from guarantee_tui.mail.imap import ImapNoStartTls, folder_name, is_loopback, open_mailbox
from tests.imap_server import PASSWORD
from tests.mail.conftest import Imap

EN = translator("en")


def _refused(imap: Imap, **keys: object) -> str:
    imap.configure(**keys)
    with pytest.raises(ConfigError) as caught:
        imap_settings()
    return caught.value.describe(EN)


@pytest.mark.parametrize(
    ("keys", "told"),
    [
        ({"imap_poll_seconds": 0}, "intake.imap_poll_seconds: must be a whole number of seconds"),
        ({"imap_poll_seconds": "60"}, "intake.imap_poll_seconds: must be a whole number"),
        ({"imap_url": "https://mail.example.com"}, "intake.imap_url: must be imaps://HOST"),
        ({"imap_url": "imaps://mail.example.com/INBOX"}, "intake.imap_url: no folder in the URL"),
        ({"imap_url": "imaps://mail.example.com:99999"}, "intake.imap_url: must be imaps://HOST"),
        ({"imap_folder": " "}, "intake.imap_folder: must be a non-empty string"),
        ({"imap_ca_file": "missing.pem"}, "missing.pem: intake.imap_ca_file: no such file"),
    ],
)
def test_a_bad_setting_names_its_key(imap: Imap, keys: dict[str, object], told: str) -> None:
    assert told in _refused(imap, **keys)


def test_defaults_and_the_password_kept_out_of_sight(imap: Imap) -> None:
    imap.configure(imap_url="imaps://Mail.Example.com", imap_folder=None, imap_poll_seconds=None)
    settings = imap_settings()
    assert (settings.host, settings.port, settings.folder, settings.poll_seconds) == (
        "mail.example.com",
        993,
        "INBOX",
        60,
    )
    assert PASSWORD not in repr(settings) and PASSWORD not in settings.where
    assert settings.ca_file == Path(str(imap.server.ca_file))


def test_folder_names_in_modified_utf7_and_quoted() -> None:
    assert folder_name("INBOX") == '"INBOX"'
    assert folder_name("Réclamations") == '"R&AOk-clamations"'
    assert folder_name("Pós-venda & garantia") == '"P&APM-s-venda &- garantia"'
    assert folder_name('a"b\\c') == '"a\\"b\\\\c"'


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.9.9.9", True),
        ("::1", True),
        ("[::1]", True),
        ("LocalHost", True),
        ("10.0.0.1", False),
        ("mail.example.com", False),
        ("localhost.example.com", False),
    ],
)
def test_only_this_machine_may_be_spoken_to_in_clear(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_plain_imap_to_another_machine_is_refused_before_the_login(
    plain_imap: Imap, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The test server stands for another machine that offers no STARTTLS.
    monkeypatch.setattr(imap_module, "is_loopback", lambda host: False)
    with pytest.raises(ImapNoStartTls) as caught:
        open_mailbox(plain_imap.settings())
    told = caught.value.describe(EN)
    assert told.startswith(f"The IMAP server imap://127.0.0.1:{plain_imap.server.port} offers")
    assert "use imaps:// in [intake] imap_url in" in told
    log = (plain_imap.server.root / "dovecot.log").read_text(errors="replace")
    assert f"user=<{plain_imap.user}>" not in log
