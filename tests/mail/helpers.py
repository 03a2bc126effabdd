"""Raw e-mails for the tests, built the way mail programs write them."""

from __future__ import annotations

from datetime import date
from email.message import EmailMessage
from email.policy import SMTP

from guarantee_tui.mail.cues import Contact


def raw(
    text: str = "Bonjour",
    *,
    sender: str = "Jean Martin <jean@plomberie-martin.fr>",
    subject: str = "Garantie",
    message_id: str | None = "<m1@plomberie-martin.fr>",
    date_header: str | None = "Mon, 15 Jun 2026 10:00:00 +0200",
    charset: str = "utf-8",
    html: str | None = None,
    headers: dict[str, str] | None = None,
) -> bytes:
    message = EmailMessage(policy=SMTP)
    message["From"] = sender
    message["To"] = "support@habitissimo.fr"
    message["Subject"] = subject
    if date_header is not None:
        message["Date"] = date_header
    if message_id is not None:
        message["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        message[name] = value
    if html is not None and text:
        message.set_content(text, charset=charset)
        message.add_alternative(html, subtype="html")
    elif html is not None:
        message.set_content(html, subtype="html")
    else:
        message.set_content(text, charset=charset)
    return message.as_bytes()


_ROWS = (
    ("Mme Moreau", "Lyon", "Remplacement d'un chauffe-eau", date(2026, 3, 2)),
    ("Jean Bertrand", "Villeurbanne", "Réparation d'une fuite sous évier", date(2026, 3, 5)),
    ("Julie Petit", "Lyon", "Installation d'un WC suspendu", date(2026, 3, 5)),
    ("M. Martin", "Grenoble", "Création d'une salle d'eau", date(2026, 3, 9)),
    ("Paul Martin", "Lyon", "Remplacement de la robinetterie", date(2026, 3, 16)),
    ("Céline Da Silva", "Saint-Étienne", "Remplacement d'un chauffe-eau", date(2026, 3, 20)),
    ("Laurent Michel", "Annecy", "Installation d'un WC suspendu", date(2026, 4, 1)),
    ("M. Laurent", "Lyon", "Réparation d'une fuite sous évier", date(2026, 4, 3)),
)
CONTACTS = tuple(
    Contact(i, f"L-{i:07d}", name, city, job, day)
    for i, (name, city, job, day) in enumerate(_ROWS, start=1)
)
