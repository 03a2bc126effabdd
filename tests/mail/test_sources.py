"""Where messages come from (.eml, mbox, Maildir), and what a message is read as."""

from __future__ import annotations

import mailbox
from pathlib import Path

import pytest

from guarantee_tui.i18n import translator
from guarantee_tui.mail.reading import identifiers, read
from guarantee_tui.mail.sources import UnreadableInput, open_sources, read_sources
from tests.mail.helpers import raw

LIMIT = 1024 * 1024


def test_an_eml_file_an_mbox_and_a_maildir(tmp_path: Path) -> None:
    eml = tmp_path / "one.eml"
    eml.write_bytes(raw("un", message_id="<1@x>"))
    box = mailbox.mbox(tmp_path / "box.mbox")
    for n in (2, 3):
        box.add(raw(f"deux {n}", message_id=f"<{n}@x>"))
    box.close()
    maildir = mailbox.Maildir(tmp_path / "Maildir")
    maildir.add(raw("quatre", message_id="<4@x>"))
    maildir.close()
    sources = open_sources([eml, tmp_path / "box.mbox", tmp_path / "Maildir"])
    messages = list(read_sources(sources, LIMIT))
    assert [m.origin.split("#")[0] for m in messages] == [
        str(eml),
        str(tmp_path / "box.mbox"),
        str(tmp_path / "box.mbox"),
        str(tmp_path / "Maildir"),
    ]
    assert messages[1].origin.endswith("#1") and messages[2].origin.endswith("#2")
    assert [read(m.data or b"").letter.message_id for m in messages] == [
        "<1@x>",
        "<2@x>",
        "<3@x>",
        "<4@x>",
    ]


def test_a_message_over_the_limit_comes_without_its_bytes(tmp_path: Path) -> None:
    big = raw("x" * 5000)
    (tmp_path / "big.eml").write_bytes(big)
    box = mailbox.mbox(tmp_path / "box.mbox")
    box.add(big)
    box.add(raw("petit"))
    box.close()
    messages = list(read_sources(open_sources([tmp_path / "big.eml", tmp_path / "box.mbox"]), 4000))
    assert [m.data is None for m in messages] == [True, True, False]


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda p: p, "no such file or folder"),
        (lambda p: (p.write_bytes(b""), p)[1], "the file is empty"),
        (lambda p: (p.mkdir(), p)[1], "a folder that is not a Maildir (no cur and new inside)"),
    ],
)
def test_unreadable_inputs_stop_everything_before_anything_is_read(
    tmp_path: Path, make: object, reason: str
) -> None:
    good = tmp_path / "good.eml"
    good.write_bytes(raw("un"))
    bad = make(tmp_path / "bad")  # type: ignore[operator]
    with pytest.raises(UnreadableInput) as raised:
        open_sources([good, bad])
    assert raised.value.reason == reason
    assert str(bad) in raised.value.describe(translator("en"))


def test_identifiers_written_in_a_message() -> None:
    found = identifiers(
        "Réf. FR-00012, demande CL-000123, contact L-0000396\n"
        "Plomberie Martin SARL\nTél. : 06 12 34 56 78\n+351 912 345 678"
    )
    assert found.refs == ("FR-00012", "CL-000123", "L-0000396")
    assert found.phone_keys == ("612345678", "912345678")
    assert "plomberie martin sarl" in found.company_keys
    assert "plomberie martin" in found.company_keys


@pytest.mark.parametrize(
    ("subject", "text", "headers"),
    [
        ("Réponse automatique : Garantie", "Je suis absent du bureau jusqu'au 12/07.", {}),
        ("Garantie", "Estou ausente do escritório até dia 3.", {}),
        ("Re: Garantie", "Merci", {"Auto-Submitted": "auto-replied"}),
    ],
)
def test_out_of_office_answers_are_automatic(
    subject: str, text: str, headers: dict[str, str]
) -> None:
    assert read(raw(text, subject=subject, headers=headers)).automatic


def test_a_claim_mentioning_holidays_is_not_automatic() -> None:
    text = "\n".join(f"{n}. Le client est en congés, de retour le 3." for n in range(1, 21))
    assert not read(raw(text, subject="Garantie")).automatic
