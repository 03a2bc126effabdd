"""`guarantee-tui intake --imap [--watch]` against a real IMAP server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine

from guarantee_tui.cli import intake as intake_cli
from guarantee_tui.cli import main
from guarantee_tui.config import IMAP_PASSWORD_ENV
from guarantee_tui.mail.imap import DONE, REFUSED
from tests.imap_server import PASSWORD
from tests.mail.cases import load, numbered_letter
from tests.mail.conftest import Imap
from tests.mail.helpers import raw

FROM_PRO = "Jean Martin <jean.martin@plomberie-martin.fr>"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def _fails(capsys: pytest.CaptureFixture[str], db: Path | str, *args: str) -> str:
    """The one line on stderr of a run that must stop with status 2."""
    status, out, err = run(capsys, "intake", *args, "--db", str(db), "--agent", "Camille")
    assert (status, out) == (2, ""), err
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    return err.strip()


def test_intake_imap_takes_the_new_messages_once(
    db_url: str, engine: Engine, imap: Imap, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    load(engine, tmp_path)
    imap.append(
        raw(numbered_letter(), sender=FROM_PRO, message_id="<1@x>"),
        b"garbage\r\n",
        raw("Je suis absent du bureau.", sender=FROM_PRO, message_id="<2@x>"),
    )
    status, out, err = run(capsys, "intake", "--imap", "--db", db_url, "--agent", "Camille")
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert [line.split(": ", 1)[1] for line in lines[:3]] == [
        "claim CL-M000001 created for FR-T1: 20 explanations placed",
        "refused, nothing recorded: malformed message: no sender address or no header",
        "not a claim (an automatic answer), from FR-T1",
    ]
    assert lines[0].startswith(f"imaps://{imap.user}@127.0.0.1:")
    assert lines[3] == "3 messages read: claim created: 1; not a claim: 1; refused: 1."
    assert imap.flags() == [{DONE}, {DONE, REFUSED}, {DONE}]
    status, out, _ = run(capsys, "intake", "--imap", "--db", db_url, "--agent", "Camille")
    assert (status, out) == (0, "0 messages read.\n")


def test_json_keeps_stdout_for_the_messages(
    sqlite_path: Path, imap: Imap, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    imap.append(raw("1. rien", sender="x@nowhere.example", message_id="<k@x>"))
    status, out, err = run(
        capsys, "intake", "--imap", "--json", "--db", str(sqlite_path), "--agent", "Ana"
    )
    assert status == 0
    (only,) = (json.loads(line) for line in out.splitlines())
    assert (only["message_id"], only["status"]) == ("<k@x>", "unknown_sender")
    assert err == "1 message read: sender unknown: 1.\n"


def test_watch_takes_what_arrives_and_stops_on_ctrl_c_with_a_summary(
    db_url: str,
    engine: Engine,
    imap: Imap,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    load(engine, tmp_path)
    imap.append(raw(numbered_letter(), sender=FROM_PRO, message_id="<w1@x>"))
    waits: list[float] = []

    def pause(seconds: float) -> bool:
        waits.append(seconds)
        if len(waits) == 1:
            # The server drops the connection while the watch waits; a message comes.
            imap.server.kick(imap.user)
            imap.append(raw("Je suis absent.", sender=FROM_PRO, message_id="<w2@x>"))
            return False
        if len(waits) == 2:
            return False  # the backoff's wait
        raise KeyboardInterrupt

    monkeypatch.setattr(intake_cli, "pause", pause)
    status, out, err = run(
        capsys, "intake", "--imap", "--watch", "--db", db_url, "--agent", "Camille"
    )
    assert status == 0
    where = f"imaps://{imap.user}@127.0.0.1:{imap.server.ssl_port}/INBOX"
    lines = out.splitlines()
    assert [line.split(": ", 1)[1] for line in lines[:2]] == [
        "claim CL-M000001 created for FR-T1: 20 explanations placed",
        "not a claim (an automatic answer), from FR-T1",
    ]
    assert lines[2:] == [
        f"Stopped watching {where}.",
        "2 messages read: claim created: 1; not a claim: 1.",
    ]
    notices = err.splitlines()
    assert notices[0] == f"Watching {where} for new messages every 1 s; Ctrl+C stops."
    assert notices[1].startswith(f"Connection to {where} lost (")
    assert notices[1].endswith("); reconnecting in 1 s.")
    assert notices[2] == f"Reconnected to {where}."
    assert waits == [1, 1, 1]
    assert imap.flags() == [{DONE}, {DONE}]


def test_paths_and_imap_together_are_refused(
    sqlite_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    eml = tmp_path / "a.eml"
    eml.write_bytes(raw("x"))
    assert _fails(capsys, sqlite_path, str(eml), "--imap") == (
        "Give files (PATH...) or --imap, not both: files are read as they are, the "
        "mailbox's messages are marked as taken. Nothing was taken in."
    )
    assert _fails(capsys, sqlite_path, str(eml), "--watch") == (
        "--watch keeps reading the IMAP mailbox: give it with --imap."
    )
    assert _fails(capsys, sqlite_path) == "Nothing to read: give files (PATH...) or --imap."


def test_without_configuration_it_says_which_key_to_set(
    sqlite_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "no-config.toml"
    assert _fails(capsys, sqlite_path, "--imap") == (
        f"No IMAP mailbox is configured: set [intake] imap_url in {config}. Nothing was taken in."
    )
    config.write_text('[intake]\nimap_url = "imaps://mail.example.com"\n', encoding="utf-8")
    assert _fails(capsys, sqlite_path, "--imap") == (
        f"No IMAP mailbox is configured: set [intake] imap_user in {config}. Nothing was taken in."
    )
    config.write_text(
        '[intake]\nimap_url = "imaps://u:pw@mail.example.com"\nimap_user = "u"\n', encoding="utf-8"
    )
    assert _fails(capsys, sqlite_path, "--imap") == (
        f"{config}: intake.imap_url: no user or password in the URL: the user goes in "
        "[intake] imap_user, the password in GUARANTEE_TUI_IMAP_PASSWORD or ~/.netrc"
    )


def test_a_wrong_password_names_where_it_came_from(
    sqlite_path: Path,
    imap: Imap,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(IMAP_PASSWORD_ENV, "wrong")
    assert _fails(capsys, sqlite_path, "--imap") == (
        f"The IMAP server imaps://127.0.0.1:{imap.server.ssl_port} refused the login of "
        f"{imap.user}: check [intake] imap_user in {imap.config} and the password in "
        f"{IMAP_PASSWORD_ENV}. Nothing was taken in."
    )


def test_a_missing_folder_names_the_key(
    sqlite_path: Path, imap: Imap, capsys: pytest.CaptureFixture[str]
) -> None:
    imap.configure(imap_folder="Réclamations")
    err = _fails(capsys, sqlite_path, "--imap")
    assert err.startswith(
        f"The IMAP server imaps://127.0.0.1:{imap.server.ssl_port} has no folder Réclamations "
        "that intake can write to ("
    )
    assert err.endswith(f"); check [intake] imap_folder in {imap.config}. Nothing was taken in.")
    # Once it exists (its name in modified UTF-7 on the wire), it is read.
    imap.server.create_folder(imap.user, "R&AOk-clamations")
    imap.append(raw("1. rien", sender="x@nowhere.example"), folder="R&AOk-clamations")
    status, out, err = run(capsys, "intake", "--imap", "--db", str(sqlite_path), "--agent", "A")
    assert status == 0 and "/R%C3%A9clamations;UIDVALIDITY=" in out, err


def test_an_unreachable_server_names_the_url(
    sqlite_path: Path, imap: Imap, capsys: pytest.CaptureFixture[str]
) -> None:
    imap.configure(imap_url="imaps://127.0.0.1:1")
    err = _fails(capsys, sqlite_path, "--imap")
    assert err.startswith("Cannot reach the IMAP server imaps://127.0.0.1:1 (")
    assert err.endswith(f"); check [intake] imap_url in {imap.config}. Nothing was taken in.")


def test_an_untrusted_certificate_points_at_the_ca_file(
    sqlite_path: Path, imap: Imap, capsys: pytest.CaptureFixture[str]
) -> None:
    imap.configure(imap_ca_file=None)
    err = _fails(capsys, sqlite_path, "--imap")
    assert "did not prove who it is" in err and "[intake] imap_ca_file" in err
    # imap:// upgrades with STARTTLS when the server offers it, checked the same way.
    imap.configure(imap_url=f"imap://127.0.0.1:{imap.server.port}", imap_ca_file=None)
    assert "did not prove who it is" in _fails(capsys, sqlite_path, "--imap")
    imap.configure(imap_url=f"imap://127.0.0.1:{imap.server.port}")
    imap.append(raw("1. rien", sender="x@nowhere.example"))
    status, out, _ = run(capsys, "intake", "--imap", "--db", str(sqlite_path), "--agent", "A")
    assert status == 0 and out.startswith(f"imap://{imap.user}@127.0.0.1:")


def test_plain_imap_on_this_machine(
    sqlite_path: Path, plain_imap: Imap, capsys: pytest.CaptureFixture[str]
) -> None:
    plain_imap.append(raw("1. rien", sender="x@nowhere.example"))
    status, out, err = run(capsys, "intake", "--imap", "--db", str(sqlite_path), "--agent", "A")
    assert (status, err) == (0, "")
    assert out.splitlines()[-1] == "1 message read: sender unknown: 1."
    assert plain_imap.flags() == [{DONE}]


def test_no_password_anywhere_names_both_places(
    sqlite_path: Path, imap: Imap, no_password: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _fails(capsys, sqlite_path, "--imap") == (
        f"No password for the IMAP mailbox: set {IMAP_PASSWORD_ENV}, or add a line "
        f"'machine 127.0.0.1 login {imap.user} password ...' to {no_password}/.netrc. "
        "Nothing was taken in."
    )


def test_the_password_from_netrc(
    sqlite_path: Path, imap: Imap, no_password: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    netrc = no_password / ".netrc"
    netrc.write_text(
        f"machine example.org login other password nope\n"
        f'machine 127.0.0.1 login {imap.user} password "{PASSWORD}"\n',
        encoding="utf-8",
    )
    netrc.chmod(0o644)
    err = _fails(capsys, sqlite_path, "--imap")
    assert err == (
        f"No password for the IMAP mailbox: {IMAP_PASSWORD_ENV} is not set and {netrc} "
        "cannot be read (readable by other users: chmod 600). Nothing was taken in."
    )
    netrc.chmod(0o600)
    imap.append(raw("1. rien", sender="x@nowhere.example"))
    status, out, err = run(capsys, "intake", "--imap", "--db", str(sqlite_path), "--agent", "A")
    assert (status, err) == (0, "")
    assert out.splitlines()[-1] == "1 message read: sender unknown: 1."
    # A line for another login on that host is not ours.
    netrc.write_text("machine 127.0.0.1 login someone password x\n", encoding="utf-8")
    assert "No password for the IMAP mailbox" in _fails(capsys, sqlite_path, "--imap")
