"""A corpus of claim e-mails with the truth recorded, to measure intake by.

From a seeded database (services/seed), for professionals with 20 contacts
and no open claim, one e-mail per style, written as French and Portuguese
professionals write them, with the contact each explanation is about:

- `numbered`: "1.", "3)", "Contact 3 :", "n.º 3 –", "N°3 -";
- `names`: the client's name as a label, the contacts in any order;
- `dates`: the purchase's date as a label ("Contact du 16/06", "16 juin",
  "Contacto de 16 de junho"), in order;
- `prose`: a paragraph per contact, naming it by its client, its job and
  city, its date, or not at all, in order;
- `grouped`: several contacts in one sentence ("Pour Mme Moreau, M. Bertrand
  et Julie Petit : ..."), the others named one by one;
- `quoted_reply`: an answer above the support's quoted message;
- `signature`: a signature with the company and the phone;
- `html_only`: an HTML body only (a numbered list or paragraphs);
- `forwarded`: forwarded by a colleague ("Message transféré", "Mensagem
  reencaminhada") from an address nobody knows;
- `windows_1252`: Windows-1252 text, declared as such or as ISO-8859-1,
  quoted-printable or 8-bit;
- `attachments`: a quote in PDF and a photo attached;
- `missing`: one explanation left out (the others numbered or named);
- `other_address`: sent from an address the database does not know, the
  professional's ref, phone or company in the signature;
- `out_of_office` and `question`: not claims.

The same database, seed and size give the same corpus, byte for byte.
"""

from __future__ import annotations

import random
import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from html import escape
from typing import Final

from sqlalchemy import Engine

from guarantee_tui.mail.cues import Contact
from guarantee_tui.policy import Market
from guarantee_tui.policy.calendar import zone
from guarantee_tui.policy.markets import rules_for
from guarantee_tui.services.intake import contacts_of
from guarantee_tui.services.seed.vocabulary import (
    VOCABULARIES,
    City,
    Client,
    Vocabulary,
    explanation,
    slug,
)
from guarantee_tui.store import intake as store
from guarantee_tui.store.intake import ClaimableProfessional, ProfessionalRow
from guarantee_tui.text import email_key

CLAIM_STYLES: Final = (
    "numbered",
    "names",
    "dates",
    "prose",
    "grouped",
    "quoted_reply",
    "signature",
    "html_only",
    "forwarded",
    "windows_1252",
    "attachments",
    "missing",
    "other_address",
)
OTHER_STYLES: Final = ("out_of_office", "question")
STYLES: Final = CLAIM_STYLES + OTHER_STYLES
# Styles whose e-mails number or name every contact they explain.
LABELLED: Final = frozenset(
    {"numbered", "names", "grouped", "quoted_reply", "signature", "html_only", "forwarded"}
    | {"windows_1252", "attachments", "missing", "other_address"}
)


@dataclass(frozen=True, slots=True)
class Truth:
    style: str
    professional: str
    is_claim: bool
    # (contact ref, the explanation's text) for every contact the e-mail explains.
    explanations: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class CorpusMail:
    message_id: str
    raw: bytes
    truth: Truth


@dataclass(frozen=True, slots=True)
class _Words:
    greetings: tuple[str, ...]
    intros: tuple[str, ...]
    closings: tuple[str, ...]
    sep: str  # before a colon
    contact: str
    number_formats: tuple[str, ...]
    date_label: tuple[str, ...]
    months: tuple[str, ...]
    month_format: str
    # How a name labels an explanation ("Mme Moreau : ...", "Pour Mme Moreau, ...").
    name_forms: tuple[str, ...]
    group: str
    and_word: str
    prose_leads: tuple[str, ...]
    quoted: str
    attribution: str
    forward_marker: str
    original_marker: str
    sent_header: str
    forward_headers: tuple[str, str, str, str]
    forward_note: tuple[str, ...]
    away_subject: str
    away: tuple[str, ...]
    question_subject: str
    questions: tuple[str, ...]
    subjects: tuple[str, ...]
    reply_subject: str
    phone_label: str
    colleague: tuple[str, ...]
    attachment_names: tuple[str, str]


_FR = _Words(
    greetings=("Bonjour,", "Bonjour Madame, Monsieur,", "Madame, Monsieur,", "Bonjour à tous,"),
    intros=(
        "Je souhaite bénéficier de la garantie des 20 premiers contacts. Voici ce qui s'est "
        "passé avec chacun de mes contacts :",
        "N'ayant obtenu aucun chantier avec mes 20 premiers contacts, je fais appel à la "
        "garantie. Ci-dessous le détail :",
        "Comme indiqué sur votre page, je vous écris pour la garantie. Voici mes explications "
        "pour chaque contact :",
    ),
    closings=("Cordialement,", "Bien cordialement,", "Merci d'avance,", "Bonne journée,"),
    sep=" :",
    contact="Contact",
    number_formats=("{n}. ", "{n}) ", "Contact {n} : ", "N°{n} - ", "{n} - "),
    date_label=("Contact du {date} : ", "Achat du {date} : ", "Le {date} : "),
    months=(
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
    month_format="{day} {month}",
    name_forms=(
        "{label}{sep} {text}",
        "{label}{sep} {text}",
        "{label} – {text}",
        "Pour {label}, {text}",
        "{text} ({label})",
    ),
    group="Pour {names} : {text}",
    and_word="et",
    prose_leads=(
        "Avec {client}, ",
        "Pour le chantier de {city} ({job}), ",
        "Concernant la demande « {job} », ",
        "Le contact du {date} : ",
        "",
    ),
    quoted=(
        "Bonjour,\nPour traiter votre demande de garantie, merci de nous indiquer ce qui "
        "s'est passé avec chacun de vos 20 contacts.\nCordialement,\nLe support habitissimo"
    ),
    attribution="Le {date}, Support habitissimo <support@habitissimo.fr> a écrit :",
    forward_marker="---------- Message transféré ---------",
    original_marker="-----Message d'origine-----",
    sent_header="Envoyé :",
    forward_headers=("De :", "Date :", "Objet :", "À :"),
    forward_note=(
        "Bonjour, je vous transfère la demande de mon patron.",
        "Je fais suivre le message de {first}, merci.",
    ),
    away_subject="Réponse automatique : {subject}",
    away=(
        "Bonjour,\n\nJe suis absent du bureau jusqu'au {date} inclus, avec un accès limité "
        "à mes e-mails. Je vous répondrai dès mon retour.\n\nCordialement,\n{first}",
        "Merci pour votre message. Je suis actuellement en congés et serai de retour le {date}.",
    ),
    question_subject="Question sur la garantie",
    questions=(
        "Bonjour,\n\nJ'ai acheté {count} contacts depuis mon inscription et je n'ai pas encore "
        "eu de chantier. Est-ce que je peux demander la garantie ? Comment faut-il faire ?"
        "\n\nMerci,\n{first}",
        "Bonjour,\n\nPouvez-vous m'expliquer comment fonctionne le remboursement en crédits ? "
        "Je voudrais savoir si mes contacts achetés sans la remise comptent.\n\n{first}",
    ),
    subjects=("Demande de garantie", "Garantie 20 contacts", "Remboursement garantie"),
    reply_subject="Re: Votre demande de garantie",
    phone_label="Tél. : ",
    colleague=("secretariat", "compta", "bureau"),
    attachment_names=("devis.pdf", "photo_chantier.jpg"),
)

_PT = _Words(
    greetings=("Olá,", "Bom dia,", "Boa tarde,", "Exmos. Senhores,"),
    intros=(
        "Venho por este meio solicitar a garantia dos 20 primeiros contactos. Segue o que "
        "aconteceu com cada um:",
        "Não consegui nenhum trabalho com os meus 20 contactos, por isso gostaria de acionar "
        "a garantia. Abaixo explico cada caso:",
        "Conforme indicado na vossa página, envio a descrição da situação de cada contacto:",
    ),
    closings=("Cumprimentos,", "Com os melhores cumprimentos,", "Obrigado,", "Atenciosamente,"),
    sep=":",
    contact="Contacto",
    number_formats=("{n}. ", "{n}) ", "Contacto {n}: ", "n.º {n} – ", "{n} - "),
    date_label=("Contacto de {date}: ", "Compra de {date}: ", "Dia {date}: "),
    months=(
        "janeiro",
        "fevereiro",
        "março",
        "abril",
        "maio",
        "junho",
        "julho",
        "agosto",
        "setembro",
        "outubro",
        "novembro",
        "dezembro",
    ),
    month_format="{day} de {month}",
    name_forms=(
        "{label}{sep} {text}",
        "{label}{sep} {text}",
        "{label} – {text}",
        "Quanto a {label}, {text}",
        "{text} ({label})",
    ),
    group="Para {names}: {text}",
    and_word="e",
    prose_leads=(
        "Com {client}, ",
        "No pedido de {city} ({job}), ",
        "Quanto ao pedido «{job}», ",
        "O contacto de {date}: ",
        "",
    ),
    quoted=(
        "Olá,\nPara tratarmos o seu pedido de garantia, indique-nos por favor o que aconteceu "
        "com cada um dos seus 20 contactos.\nCumprimentos,\nO suporte habitissimo"
    ),
    attribution="Em {date}, Suporte habitissimo <suporte@habitissimo.pt> escreveu:",
    forward_marker="---------- Mensagem reencaminhada ---------",
    original_marker="-----Mensagem original-----",
    sent_header="Enviada:",
    forward_headers=("De:", "Data:", "Assunto:", "Para:"),
    forward_note=(
        "Bom dia, reencaminho o pedido do meu patrão.",
        "Segue a mensagem do {first}, obrigada.",
    ),
    away_subject="Resposta automática: {subject}",
    away=(
        "Olá,\n\nEstou ausente do escritório até dia {date}, com acesso limitado ao e-mail. "
        "Responderei assim que regressar.\n\nCumprimentos,\n{first}",
        "Obrigado pela sua mensagem. Estou de férias e estarei de volta a {date}.",
    ),
    question_subject="Dúvida sobre a garantia",
    questions=(
        "Olá,\n\nComprei {count} contactos desde que me inscrevi e ainda não consegui nenhum "
        "trabalho. Posso pedir a garantia? Como devo fazer?\n\nObrigado,\n{first}",
        "Bom dia,\n\nGostaria de saber se os contactos comprados sem desconto contam para a "
        "garantia. Podem informar?\n\n{first}",
    ),
    subjects=("Pedido de garantia", "Garantia 20 contactos", "Reembolso da garantia"),
    reply_subject="Re: O seu pedido de garantia",
    phone_label="Tel.: ",
    colleague=("secretaria", "contabilidade", "escritorio"),
    attachment_names=("orcamento.pdf", "foto_obra.jpg"),
)

_WORDS: Final = {Market.FR: _FR, Market.PT: _PT}
_TITLES: Final = frozenset({"M.", "Mme", "Sr.", "D.", "Sra."})


@dataclass(frozen=True, slots=True)
class _Pro:
    row: ClaimableProfessional
    market: Market
    contacts: tuple[Contact, ...]
    first_name: str
    # When the 20th contact was bought.
    twentieth: datetime
    # No address on file, or one another professional has too: only the
    # signature can say who writes.
    needs_signature: bool


def corpus(
    engine: Engine,
    *,
    seed: int = 1,
    professionals: int = 40,
    styles: Sequence[str] = STYLES,
    anchor: datetime | None = None,
) -> Iterator[CorpusMail]:
    """One e-mail per style for each of the first `professionals` who may claim."""
    with engine.connect() as conn:
        rows = store.claimable_professionals(conn, professionals)
        pros: list[_Pro] = []
        rng = random.Random(seed)
        for row in rows:
            market = Market(row.market)
            found = ProfessionalRow(row.id, row.ref, row.market, row.company)
            contacts = tuple(contacts_of(conn, found))
            twentieth = store.first_contacts(conn, row.id)[-1].purchased_at
            v = VOCABULARIES[market]
            key = email_key(row.email)
            shared = key is None or len(store.by_email(conn, key)) > 1
            pros.append(_Pro(row, market, contacts, rng.choice(v.first_names), twentieth, shared))
    writer = _Writer(seed, anchor or datetime.now(UTC))
    for pro in pros:
        for style in styles:
            yield writer.mail(pro, style)


class _Writer:
    def __init__(self, seed: int, anchor: datetime) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.anchor = anchor
        self.count = 0
        self._named_last = False

    # --- words -----------------------------------------------------------------

    def _date(self, contact: Contact, words: _Words, *, long: bool = False) -> str:
        day = contact.purchased_on
        assert day is not None
        if long or self.rng.random() < 0.4:
            return words.month_format.format(day=day.day, month=words.months[day.month - 1])
        if self.rng.random() < 0.2:
            return f"{day.day:02d}/{day.month:02d}/{day.year}"
        return f"{day.day:02d}/{day.month:02d}"

    def _labels(self, contacts: Sequence[Contact]) -> dict[int, str]:
        """A name for each contact that no other of the 20 shares."""
        names = [c.client_name or "" for c in contacts]
        firsts = [n.split()[0] for n in names if n and n.split()[0] not in _TITLES]
        surnames = [" ".join(n.split()[1:]) for n in names if n]
        labels: dict[int, str] = {}
        for c, name in zip(contacts, names, strict=True):
            parts = name.split()
            roll = self.rng.random()
            if parts and parts[0] not in _TITLES and firsts.count(parts[0]) == 1 and roll < 0.25:
                label = parts[0]
            elif len(parts) > 1 and surnames.count(" ".join(parts[1:])) == 1 and roll > 0.8:
                label = " ".join(parts[1:])
            else:
                label = name
            if names.count(name) > 1 or not name:
                # Namesakes: told apart by the city, else by the date of purchase.
                same = [x for x in contacts if x.client_name == c.client_name]
                day = c.purchased_on
                assert day is not None
                if [x.city for x in same].count(c.city) == 1:
                    label = f"{name} ({c.city})".strip()
                elif [x.purchased_on for x in same].count(day) == 1:
                    label = f"{name} ({day.day:02d}/{day.month:02d})".strip()
                else:
                    label = f"{name} ({c.ref})".strip()
            labels[c.position] = label
        # A short label that is also a word of another contact's name is no label.
        for c in contacts:
            label = labels[c.position]
            others = {
                w
                for x in contacts
                if x.position != c.position
                for w in [*(x.client_name or "").split(), labels[x.position]]
            }
            if " " not in label and label in others:
                labels[c.position] = c.client_name or label
        return labels

    def _texts(self, pro: _Pro) -> dict[int, str]:
        v = VOCABULARIES[pro.market]
        texts: dict[int, str] = {}
        for c in pro.contacts:
            client = c.client_name or ""
            if self.rng.random() < 0.1:
                texts[c.position] = self.rng.choice(v.explanations.never_reached)
            else:
                texts[c.position] = explanation(
                    self.rng, v, _client(v, client), _city(v, c.city or "")
                )
        return texts

    def _signature(self, pro: _Pro, words: _Words, *, full: bool) -> list[str]:
        lines = [self.rng.choice(words.closings), pro.first_name]
        if full:
            lines.append(pro.row.company)
            if pro.row.phone:
                lines.append(words.phone_label + pro.row.phone)
        return lines

    # --- bodies ------------------------------------------------------------------

    def _numbered(
        self, pro: _Pro, words: _Words, texts: dict[int, str], skip: set[int], *, html: bool
    ) -> str:
        kept = [c for c in pro.contacts if c.position not in skip]
        if html:
            # An HTML list numbers its items itself; a skipped contact restarts it.
            items = []
            for c in kept:
                number = f' value="{c.position}"' if c.position - 1 in skip else ""
                items.append(f"<li{number}>{escape(texts[c.position])}</li>")
            return "<ol>" + "".join(items) + "</ol>"
        if self.rng.random() < 0.2:
            # "Contact 3" on its own line, the explanation under it.
            return "\n\n".join(f"{words.contact} {c.position}\n{texts[c.position]}" for c in kept)
        form = self.rng.choice(words.number_formats)
        blank = self.rng.random() < 0.3
        lines = [form.format(n=c.position) + texts[c.position] for c in kept]
        return ("\n\n" if blank else "\n").join(lines)

    def _named(self, pro: _Pro, words: _Words, texts: dict[int, str], skip: set[int]) -> str:
        labels = self._labels(pro.contacts)
        order = [c for c in pro.contacts if c.position not in skip]
        self.rng.shuffle(order)
        form = self.rng.choice(words.name_forms)
        mixed = self.rng.random() < 0.2
        lines = []
        for c in order:
            if mixed:
                form = self.rng.choice(words.name_forms)
            text = texts[c.position]
            if form.startswith(("Pour", "Quanto")) and not text.startswith(c.client_name or "@"):
                text = text[:1].lower() + text[1:]
            lines.append(form.format(label=labels[c.position], sep=words.sep, text=text))
        return "\n".join(lines)

    def _dated(self, pro: _Pro, words: _Words, texts: dict[int, str]) -> str:
        label = self.rng.choice(words.date_label)
        days = [c.purchased_on for c in pro.contacts]
        lines = []
        for c in pro.contacts:
            when = self._date(c, words)
            if days.count(c.purchased_on) > 1:
                when = f"{when} ({c.city})"
            lines.append(label.format(date=when) + texts[c.position])
        return "\n".join(lines)

    def _prose(self, pro: _Pro, words: _Words, texts: dict[int, str]) -> str:
        labels = self._labels(pro.contacts)
        paragraphs: list[str] = []
        for c in pro.contacts:
            lead = self.rng.choice(words.prose_leads)
            text = texts[c.position]
            if lead:
                job = (c.job_title or "").lower()
                lead = lead.format(
                    client=labels[c.position],
                    city=c.city or "",
                    job=job,
                    date=self._date(c, words, long=True),
                )
                client = c.client_name or ""
                if not lead.endswith(": ") and not (client and text.startswith(client)):
                    text = text[:1].lower() + text[1:]
            named = lead.startswith(words.prose_leads[0].split("{", 1)[0])
            if named and paragraphs and self._named_last and self.rng.random() < 0.3:
                # Two contacts in one paragraph, each named.
                paragraphs[-1] += " " + lead + text
                self._named_last = False
                continue
            self._named_last = named
            paragraphs.append(lead + text)
        return "\n\n".join(paragraphs)

    def _grouped(self, pro: _Pro, words: _Words, texts: dict[int, str]) -> str:
        labels = self._labels(pro.contacts)
        # Full names in groups: a first name alone reads as a list of first names.
        full = {c.position: c.client_name or labels[c.position] for c in pro.contacts}
        for c in pro.contacts:
            if [x.client_name for x in pro.contacts].count(c.client_name) > 1:
                full[c.position] = labels[c.position]
        positions = [c.position for c in pro.contacts]
        self.rng.shuffle(positions)
        lines: list[str] = []
        start = 0
        for size in (self.rng.randint(2, 4), self.rng.randint(2, 3)):
            members = positions[start : start + size]
            start += size
            text = texts[members[0]]
            for m in members:
                texts[m] = text
            names = (
                ", ".join(full[m] for m in members[:-1]) + f" {words.and_word} {full[members[-1]]}"
            )
            lines.append(words.group.format(names=names, text=text))
        for p in positions[start:]:
            lines.append(f"{labels[p]}{words.sep} {texts[p]}")
        return "\n".join(lines)

    def _letter(
        self, pro: _Pro, words: _Words, body: str, *, full_signature: bool, dashes: bool
    ) -> str:
        parts = [self.rng.choice(words.greetings), self.rng.choice(words.intros), body]
        signature = self._signature(pro, words, full=full_signature)
        if dashes:
            # The signature separator: "-- " between the closing and the name.
            signature.insert(1, "-- ")
        return "\n\n".join(parts) + "\n\n" + "\n".join(signature)

    # --- one e-mail ----------------------------------------------------------------

    def mail(self, pro: _Pro, style: str) -> CorpusMail:
        self.count += 1
        words = _WORDS[pro.market]
        v = VOCABULARIES[pro.market]
        texts = self._texts(pro)
        skip: set[int] = set()
        sent = self._sent_at(pro)
        domain = (pro.row.email or "mail.invalid").rsplit("@", 1)[-1]
        message_id = f"<corpus-{self.seed}-{self.count}@{domain}>"
        sender = pro.row.email or f"{slug(pro.row.company)}@{v.mail_providers[0]}"
        if self.rng.random() < 0.1:
            sender = sender.upper()
        subject = self.rng.choice(words.subjects)
        is_claim = style in CLAIM_STYLES
        explained: list[tuple[str, str]] = []
        html: str | None = None
        charset = "utf-8"
        cte: str | None = None
        attachments = False

        if style in OTHER_STYLES and pro.row.email is None:
            sender = f"{slug(pro.first_name)}.{self.count}@example.org"
        if style == "out_of_office":
            subject = words.away_subject.format(subject=words.reply_subject[4:])
            text = self.rng.choice(words.away).format(
                date=f"{self.rng.randint(1, 28):02d}/{self.rng.randint(1, 12):02d}",
                first=pro.first_name,
            )
        elif style == "question":
            subject = words.question_subject
            text = self.rng.choice(words.questions).format(
                count=self.rng.randint(8, 19), first=pro.first_name
            )
        else:
            if style == "missing":
                skip = set(self.rng.sample([c.position for c in pro.contacts], 1))
            if style == "dates":
                body = self._dated(pro, words, texts)
            elif style == "prose":
                body = self._prose(pro, words, texts)
            elif style == "grouped":
                body = self._grouped(pro, words, texts)
            elif style == "names" or (style != "numbered" and self.rng.random() < 0.5):
                body = self._named(pro, words, texts, skip)
            else:
                body = self._numbered(pro, words, texts, skip, html=style == "html_only")
            explained = [(c.ref, texts[c.position]) for c in pro.contacts if c.position not in skip]
            full = style in ("signature", "other_address") or pro.needs_signature
            dashes = style == "signature" and self.rng.random() < 0.5
            text = self._letter(pro, words, body, full_signature=full, dashes=dashes)
            if style == "quoted_reply":
                subject = words.reply_subject
                text += "\n\n" + self._quotation(pro, words, texts, sent)
            elif style == "forwarded":
                note = self.rng.choice(words.forward_note).format(first=pro.first_name)
                h = words.forward_headers
                text = (
                    f"{note}\n\n{words.forward_marker}\n{h[0]} {pro.first_name} <{sender}>\n"
                    f"{h[1]} {format_datetime(sent - timedelta(hours=3))}\n{h[2]} {subject}\n"
                    f"{h[3]} support\n\n{text}"
                )
                subject = ("TR: " if pro.market is Market.FR else "Fwd: ") + subject
                sender = f"{self.rng.choice(words.colleague)}.{self.count}@example.net"
            elif style == "other_address":
                sender = f"{slug(pro.first_name)}.{self.count}@example.org"
                text += "\n" + self.rng.choice((pro.row.ref, pro.row.phone or pro.row.ref))
            elif style == "html_only":
                html = _html(text)
                text = ""
            elif style == "windows_1252":
                charset = self.rng.choice(("windows-1252", "iso-8859-1"))
                cte = self.rng.choice(("quoted-printable", "8bit"))
            elif style == "attachments":
                attachments = True
        if style in OTHER_STYLES and pro.needs_signature:
            text += f"\n{pro.row.company}\n{pro.row.phone or pro.row.ref}"
        flowed = False
        if is_claim and html is None and self.rng.random() < 0.25:
            # Lines cut at 72 characters, as many mail programs send them.
            flowed = self.rng.random() < 0.5
            text = _wrap(text, flowed=flowed)
        raw = self._message(
            sender=sender,
            subject=subject,
            sent=sent,
            message_id=message_id,
            text=text,
            html=html,
            charset=charset,
            cte=cte,
            attachments=words.attachment_names if attachments else None,
            automatic=style == "out_of_office" and self.rng.random() < 0.5,
            flowed=flowed,
        )
        truth = Truth(style, pro.row.ref, is_claim, tuple(explained))
        return CorpusMail(message_id, raw, truth)

    def _quotation(self, pro: _Pro, words: _Words, texts: dict[int, str], sent: datetime) -> str:
        """The support's message under the answer, quoting an earlier try of the
        professional's (as Gmail, Thunderbird or Outlook quote)."""
        earlier = sent - timedelta(days=2)
        tried = "\n".join(
            f"{c.position}. {texts[c.position]}" for c in pro.contacts[: self.rng.randint(2, 5)]
        )
        support = words.quoted.split("\n")
        if self.rng.random() < 0.5:
            lines = [words.attribution.format(date=format_datetime(earlier))]
            lines += ["> " + line for line in support]
            lines += ["> ", "> " + words.attribution.format(date=format_datetime(earlier))]
            lines += ["> > " + line for line in tried.split("\n")]
            return "\n".join(lines)
        h = words.forward_headers
        return "\n".join(
            [
                words.original_marker,
                f"{h[0]} Support habitissimo [mailto:support@habitissimo.fr]",
                f"{words.sent_header} {format_datetime(earlier)}",
                f"{h[3]} {pro.row.email or pro.row.company}",
                f"{h[2]} {words.subjects[0]}",
                "",
                *support,
                "",
                tried,
            ]
        )

    def _sent_at(self, pro: _Pro) -> datetime:
        # After the month of waiting, unless the anchor comes first (an early claim).
        latest = self.anchor - timedelta(hours=1)
        earliest = min(pro.twentieth + timedelta(days=32), latest - timedelta(days=1))
        span = (latest - earliest).total_seconds()
        moment = earliest + timedelta(seconds=int(span * self.rng.random()))
        return moment.astimezone(zone(rules_for(pro.market.value).zone)).replace(microsecond=0)

    def _message(
        self,
        *,
        sender: str,
        subject: str,
        sent: datetime,
        message_id: str,
        text: str,
        html: str | None,
        charset: str,
        cte: str | None,
        attachments: tuple[str, str] | None,
        automatic: bool,
        flowed: bool,
    ) -> bytes:
        message = EmailMessage(policy=SMTP)
        message["From"] = sender
        message["To"] = "support@habitissimo.fr"
        message["Subject"] = subject
        message["Date"] = format_datetime(sent)
        message["Message-ID"] = message_id
        if automatic:
            message["Auto-Submitted"] = "auto-replied"
        if html is not None:
            message.set_content(html, subtype="html", charset="utf-8")
        elif charset != "utf-8":
            # Outlook's way: Windows-1252 bytes, declared as such or as ISO-8859-1.
            message.set_content(
                text.encode("cp1252"),
                maintype="text",
                subtype="plain",
                cte=cte or "8bit",
                params={"charset": charset},
            )
        else:
            message.set_content(text, charset=charset)
        if flowed:
            message.set_param("format", "flowed")
        if attachments is not None:
            pdf = b"%PDF-1.4\n" + bytes(self.rng.randrange(256) for _ in range(2048))
            message.add_attachment(
                pdf, maintype="application", subtype="pdf", filename=attachments[0]
            )
            jpeg = b"\xff\xd8\xff\xe0" + bytes(self.rng.randrange(256) for _ in range(4096))
            message.add_attachment(jpeg, maintype="image", subtype="jpeg", filename=attachments[1])
            # The same seed gives the same bytes: no random boundary.
            message.set_boundary(f"=_corpus-{self.seed}-{self.count}")
        return message.as_bytes()


def _wrap(text: str, *, flowed: bool) -> str:
    """Lines longer than 72 characters cut at spaces; with `flowed`, each cut
    keeps its space at the end of the line (RFC 3676, format=flowed)."""
    out: list[str] = []
    for line in text.split("\n"):
        if len(line) <= 72 or line.startswith(">"):
            out.append(line)
            continue
        pieces = textwrap.wrap(line, 72, break_long_words=False, break_on_hyphens=False)
        if flowed:
            pieces = [p + " " for p in pieces[:-1]] + pieces[-1:]
        out.extend(pieces)
    return "\n".join(out)


def _html(text: str) -> str:
    """A letter as an HTML mail program writes it: paragraphs, a list kept as it is."""
    out = ["<html><body>"]
    for block in text.split("\n\n"):
        if block.startswith("<ol>"):
            out.append(block)
            continue
        lines = block.split("\n")
        if len(lines) > 2:
            out.append("<div>" + "<br>".join(escape(line) for line in lines) + "</div>")
        else:
            out.append("<p>" + "<br>".join(escape(line) for line in lines) + "</p>")
    out.append("</body></html>")
    return "\n".join(out)


# --- measuring intake against the truth ---------------------------------------------


@dataclass(slots=True)
class StyleFigures:
    """How intake read the e-mails of one style."""

    messages: int = 0
    # Messages whose professional was found, and whose status was right
    # (a claim created or waiting; not a claim set aside).
    found: int = 0
    right_kind: int = 0
    created: int = 0
    explanations: int = 0
    right: int = 0
    # Explanations attributed to another contact: all, and those a created claim applies.
    wrong: int = 0
    wrong_applied: int = 0

    @property
    def accuracy(self) -> float:
        return self.right / self.explanations if self.explanations else 1.0


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def measure(engine: Engine, mails: Sequence[CorpusMail]) -> dict[str, StyleFigures]:
    """Intake's reading of each e-mail (nothing recorded) against the truth, per style."""
    from guarantee_tui.mail.sources import RawMessage
    from guarantee_tui.services.intake import CREATED, NOT_A_CLAIM, preview

    figures: dict[str, StyleFigures] = {}
    for mail in mails:
        truth = mail.truth
        f = figures.setdefault(truth.style, StyleFigures())
        outcome = preview(engine, RawMessage(mail.message_id, mail.raw))
        f.messages += 1
        f.found += outcome.professional == truth.professional
        f.right_kind += (outcome.status == NOT_A_CLAIM) != truth.is_claim
        f.created += outcome.status == CREATED
        by_contact = {m.contact_ref: _normal(m.text) for m in outcome.matches}
        owners = {ref: _normal(text) for ref, text in truth.explanations}
        for ref, text in truth.explanations:
            f.explanations += 1
            f.right += _normal(text) in by_contact.get(ref, "")
        if outcome.status == NOT_A_CLAIM:
            continue  # set aside: nothing is proposed for a contact
        for m in outcome.matches:
            said = _normal(m.text)
            # Wrong: the text is another contact's explanation and not this one's.
            if m.contact_ref in owners and owners[m.contact_ref] in said:
                continue
            if any(t in said for t in owners.values()) or m.contact_ref not in owners:
                f.wrong += 1
                f.wrong_applied += outcome.status == CREATED
    return figures


def _client(v: Vocabulary, name: str) -> Client:
    """The client as the seed made them, from the name stored: "Sr. Santos" opens a
    sentence as "O Sr. Santos"."""
    word, _, rest = name.partition(" ")
    for title in v.client_titles:
        if title.word == word and rest:
            return Client(name, f"{title.subject} {rest}")
    return Client(name, name)


def _city(v: Vocabulary, name: str) -> City:
    """The seed's city of that name, with its forms after a preposition; a city the
    seed does not know (imported data) is written as it is."""
    for city in v.cities:
        if city.name == name:
            return city
    return City(name, "", "", name, name, name)
