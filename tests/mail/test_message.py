"""One message's bytes: sender, date, text in every charset and encoding, attachments, refusals."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import SMTP, default

import pytest

from guarantee_tui.mail.message import (
    MAX_PARTS,
    BadMessage,
    decode_text,
    read_letter,
    synthetic_message_id,
    unflow,
)
from tests.mail.helpers import raw


def test_the_plain_text_sender_date_and_message_id() -> None:
    letter = read_letter(raw("Bonjour,\n\n1. Projet reporté."))
    assert letter.sender == "jean@plomberie-martin.fr"
    assert letter.sender_name == "Jean Martin"
    assert letter.message_id == "<m1@plomberie-martin.fr>"
    assert letter.sent_at == datetime(2026, 6, 15, 8, 0, tzinfo=UTC)
    assert "1. Projet reporté." in letter.text
    assert letter.attachments == ()
    assert not letter.automatic


def test_a_message_without_message_id_is_keyed_by_its_bytes() -> None:
    data = raw("Bonjour", message_id=None)
    assert read_letter(data).message_id == synthetic_message_id(data)
    assert read_letter(data).message_id == read_letter(data).message_id


def test_a_missing_or_unreadable_date_is_none() -> None:
    assert read_letter(raw("x", date_header=None)).sent_at is None
    assert read_letter(raw("x", date_header="le 3 juin")).sent_at is None


@pytest.mark.parametrize(
    ("charset", "cte"),
    [
        ("utf-8", "base64"),
        ("utf-8", "quoted-printable"),
        ("utf-8", "8bit"),
        ("windows-1252", "quoted-printable"),
        ("windows-1252", "8bit"),
        ("iso-8859-1", "quoted-printable"),
        ("iso-8859-1", "8bit"),
    ],
)
def test_every_charset_and_transfer_encoding(charset: str, cte: str) -> None:
    text = "Le client a préféré « un autre » artisan – 4 500 €, ça coûte."
    encoding = "cp1252" if charset != "utf-8" else "utf-8"
    message = EmailMessage(policy=SMTP)
    message["From"] = "a@b.fr"
    # ISO-8859-1 declared, Windows-1252 written: as Outlook does.
    message.set_content(
        text.encode(encoding),
        maintype="text",
        subtype="plain",
        cte=cte,
        params={"charset": charset},
    )
    assert read_letter(message.as_bytes()).text.strip() == text


def test_undeclared_or_wrongly_declared_charsets_are_still_read() -> None:
    assert decode_text("café".encode(), None) == "café"
    assert decode_text("café".encode("cp1252"), None) == "café"
    assert decode_text("café".encode("cp1252"), "utf-8") == "café"
    assert decode_text("café".encode(), "x-unknown") == "café"
    assert decode_text(b"\x81\x8d", "windows-1252") == "\x81\x8d"


def test_html_only_becomes_text_and_plain_is_preferred() -> None:
    html = "<p>Bonjour,</p><ol><li>Projet reporté.</li><li>Sans réponse.</li></ol>"
    assert (
        read_letter(raw("", html=html)).text == "Bonjour,\n\n1. Projet reporté.\n2. Sans réponse."
    )
    both = read_letter(raw("Version texte.", html="<p>Version HTML.</p>"))
    assert both.text.strip() == "Version texte."


def test_attachments_are_listed_not_read() -> None:
    message = EmailMessage(policy=SMTP)
    message["From"] = "a@b.fr"
    message.set_content("Voir le devis joint.")
    message.add_attachment(
        b"%PDF-1.4 ...", maintype="application", subtype="pdf", filename="devis.pdf"
    )
    message.add_attachment(b"plain", maintype="text", subtype="plain", filename="notes.txt")
    letter = read_letter(message.as_bytes())
    assert letter.text.strip() == "Voir le devis joint."
    assert [(a.name, a.content_type) for a in letter.attachments] == [
        ("devis.pdf", "application/pdf"),
        ("notes.txt", "text/plain"),
    ]
    assert letter.attachments[0].size == len(b"%PDF-1.4 ...")


def test_a_message_forwarded_as_an_attachment_is_read_as_its_sender() -> None:
    inner = raw("1. Projet reporté.", sender="Pro <pro@example.fr>", message_id="<inner@x>")
    outer = EmailMessage(policy=SMTP)
    outer["From"] = "secretariat@example.net"
    outer["Subject"] = "Fwd: Garantie"
    outer["Message-ID"] = "<outer@x>"
    outer.set_content("")
    outer.add_attachment(message_from_bytes(inner, policy=default))
    letter = read_letter(outer.as_bytes())
    assert (letter.sender, letter.forwarded_by) == ("pro@example.fr", "secretariat@example.net")
    assert letter.message_id == "<outer@x>"
    assert "Projet reporté" in letter.text


def test_automatic_answers_are_told_by_their_headers() -> None:
    assert read_letter(raw("x", headers={"Auto-Submitted": "auto-replied"})).automatic
    assert read_letter(raw("x", headers={"Precedence": "auto_reply"})).automatic
    assert not read_letter(raw("x", headers={"Auto-Submitted": "no"})).automatic


def test_replies_name_what_they_answer() -> None:
    letter = read_letter(raw("x", headers={"In-Reply-To": "<a@b>", "References": "<c@d> <a@b>"}))
    assert letter.replies_to == ("<a@b>", "<c@d>")


def test_format_flowed_is_joined_again() -> None:
    assert (
        unflow("Le client a \nchoisi un autre.\n-- \nJean")
        == "Le client a choisi un autre.\n-- \nJean"
    )
    assert unflow("a- \nb", delete_space=True) == "a-b"


# --- refusals ---------------------------------------------------------------------


def _problem(data: bytes) -> str:
    with pytest.raises(BadMessage) as raised:
        read_letter(data)
    return raised.value.problem


def test_a_malformed_message_is_refused() -> None:
    assert _problem(b"\x89PNG\r\n\x1a\n\x00\x00garbage") == "malformed"
    assert _problem(b"Subject: no sender\r\n\r\ntext") == "malformed"


def test_a_message_without_text_is_refused() -> None:
    message = EmailMessage(policy=SMTP)
    message["From"] = "a@b.fr"
    message.add_attachment(b"\xff\xd8", maintype="image", subtype="jpeg", filename="p.jpg")
    assert _problem(message.as_bytes()) == "no_text"
    assert _problem(raw("   \n\n  ")) == "no_text"


def test_a_bomb_of_nested_parts_is_refused_before_parsing() -> None:
    depth = 3000
    body = b"".join(
        b"--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n" % (i, i + 1)
        for i in range(depth)
    )
    head = b"From: a@b.fr\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n"
    assert _problem(head + body) == "mime_bomb"


def test_nesting_beyond_the_limit_is_refused_even_with_few_parts() -> None:
    depth = 20
    assert depth < MAX_PARTS
    head = b"From: a@b.fr\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n"
    body = b"".join(
        b"--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n" % (i, i + 1)
        for i in range(depth)
    )
    body += b"--b%d\r\nContent-Type: text/plain\r\n\r\nhi\r\n" % depth
    assert _problem(head + body) == "mime_bomb"


def test_a_header_injected_in_the_subject_is_refused() -> None:
    injected = base64.b64encode(b"Garantie\r\nBcc: victim@example.com").decode()
    data = f"From: a@b.fr\r\nSubject: =?utf-8?b?{injected}?=\r\n\r\ntext\r\n".encode()
    assert _problem(data) == "header_injection"
    encoded = b"From: =?utf-8?q?a=0Ab?= <a@b.fr>\r\n\r\ntext\r\n"
    assert _problem(encoded) == "header_injection"


def test_a_forward_attached_in_base64_is_read_too() -> None:
    inner = raw("1. Projet reporté.", sender="Pro <pro@example.fr>", message_id="<inner@x>")
    outer = EmailMessage(policy=SMTP)
    outer["From"] = "secretariat@example.net"
    outer.set_content("")
    outer.add_attachment(inner, maintype="message", subtype="rfc822")
    assert read_letter(outer.as_bytes()).sender == "pro@example.fr"
