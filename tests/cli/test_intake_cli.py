"""`guarantee-tui intake PATH... [--json]` from the command line."""

from __future__ import annotations

import json
import mailbox
from pathlib import Path

import pytest
from sqlalchemy import Engine

from guarantee_tui.cli import main
from tests.mail.cases import load, numbered_letter
from tests.mail.helpers import raw

FROM_PRO = "Jean Martin <jean.martin@plomberie-martin.fr>"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def _mbox(path: Path, *messages: bytes) -> Path:
    box = mailbox.mbox(path)
    for message in messages:
        box.add(message)
    box.close()
    return path


def test_one_line_per_message_then_the_counts(
    db_url: str, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    load(engine, tmp_path)
    box = _mbox(
        tmp_path / "inbox.mbox",
        raw(numbered_letter(), sender=FROM_PRO, message_id="<1@x>"),
        b"garbage\r\n",
        raw("Je suis absent du bureau.", sender=FROM_PRO, message_id="<2@x>"),
    )
    status, out, err = run(capsys, "intake", str(box), "--db", db_url, "--agent", "Camille")
    assert (status, err) == (0, "")
    assert out.splitlines() == [
        f"{box}#1: claim CL-M000001 created for FR-T1: 20 explanations placed",
        f"{box}#2: refused, nothing recorded: malformed message: no sender address or no header",
        f"{box}#3: not a claim (an automatic answer), from FR-T1",
        "3 messages read: claim created: 1; not a claim: 1; refused: 1.",
    ]
    status, out, _ = run(capsys, "intake", str(box), "--db", db_url, "--agent", "Camille")
    assert status == 0
    assert out.splitlines()[0] == f"{box}#1: already read (<1@x>); claim CL-M000001"


def test_json_one_object_per_line(
    db_url: str, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    load(engine, tmp_path)
    eml = tmp_path / "claim.eml"
    eml.write_bytes(raw(numbered_letter(skip=(4,)), sender=FROM_PRO, message_id="<j@x>"))
    stranger = tmp_path / "stranger.eml"
    stranger.write_bytes(raw("1. rien", sender="x@nowhere.example", message_id="<k@x>"))
    status, out, err = run(
        capsys, "intake", str(eml), str(stranger), "--json", "--db", db_url, "--agent", "Ana"
    )
    assert (status, err) == (0, "")
    first, second = (json.loads(line) for line in out.splitlines())
    assert {k: first[k] for k in ("message_id", "status", "professional", "claim")} == {
        "message_id": "<j@x>",
        "status": "created",
        "professional": "FR-T1",
        "claim": "CL-M000001",
    }
    assert len(first["matches"]) == 19 and first["unmatched"] == []
    assert set(first["matches"][0]) >= {"contact_ref", "text", "cue", "confidence"}
    assert first["matches"][0] == {
        "contact_ref": "LF-001",
        "position": 1,
        "text": "Explication du contact 1.",
        "cue": "number",
        "confidence": 1.0,
    }
    assert (second["status"], second["professional"], second["claim"]) == (
        "unknown_sender",
        None,
        None,
    )


def test_an_unreadable_path_exits_2_and_takes_nothing_in(
    db_url: str, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    load(engine, tmp_path)
    good = tmp_path / "good.eml"
    good.write_bytes(raw(numbered_letter(), sender=FROM_PRO))
    missing = tmp_path / "missing.mbox"
    status, out, err = run(capsys, "intake", str(good), str(missing), "--db", db_url)
    assert (status, out) == (2, "")
    assert err == f"Cannot read {missing}: no such file or folder. Nothing was taken in.\n"
    status, out, _ = run(capsys, "intake", str(good), "--db", db_url, "--agent", "Ana")
    assert status == 0 and "created" in out
