"""A message read for intake: its parts, who wrote it, what may identify them,
and whether it is a claim at all.

`read(raw)` parses (mail/message.py), takes the text apart
(mail/cleaning.py) and cuts it into pieces (mail/segments.py); it needs no
database. What could identify the professional when the sender's address
does not (`Identifiers`: refs, phone numbers, company names written in the
subject, the text, the signature or a quotation) is gathered here and
looked up by the service.

Not a claim:
- an automatic answer: the headers say so (Auto-Submitted, Precedence,
  X-Autoreply...), or the subject or the text is an out-of-office notice
  ("Réponse automatique", "Absent(e) du bureau", "Resposta automática",
  "Estou ausente", "Out of office") with few pieces;
- a question: a "?" or a question's words, and fewer than `CLAIM_PIECES`
  pieces that point at contacts (`is_question`, once the contacts are known).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from guarantee_tui.mail.cleaning import Body, clean_body
from guarantee_tui.mail.matching import Attribution
from guarantee_tui.mail.message import Letter, read_letter
from guarantee_tui.mail.segments import EXPLANATION, Segment, split_segments
from guarantee_tui.text import email_key, fold, phone_key

# A claim explains at least this many contacts; fewer with a question is a question.
CLAIM_PIECES: Final = 3

_AWAY_SUBJECT: Final = re.compile(
    r"r[ée]ponse automatique|absence|absent[e]?\b|out of (?:the )?office|automatic reply|"
    r"auto(?:matic)?[- ]?reply|resposta autom[áa]tica|aus[êe]ncia|fora do escrit[óo]rio|"
    r"cong[ée]s|f[ée]rias",
    re.IGNORECASE,
)
_AWAY_TEXT: Final = re.compile(
    r"je suis (?:actuellement )?absente?|absente? du bureau|je serai de retour|"
    r"en cong[ée]s?\b|de retour le|je n'aurai pas acc[èe]s|hors du bureau|"
    r"estou (?:atualmente |actualmente )?ausente|estarei ausente|regresso (?:a|no dia)|"
    r"estarei de volta|de f[ée]rias|fora do escrit[óo]rio|sem acesso ao (?:e-?mail|correio)|"
    r"i am (?:currently )?out of (?:the )?office|i will be back",
    re.IGNORECASE,
)
_QUESTION_WORDS: Final = re.compile(
    r"\?|est-ce que|comment (?:faire|proc[ée]der)|pourriez-vous|pouvez-vous m'|"
    r"je voudrais savoir|j'aimerais savoir|gostaria de saber|como (?:posso|fa[çc]o|devo)|"
    r"poderiam|podem informar",
    re.IGNORECASE,
)
# Refs of professionals, claims and contacts: a letter, a dash, and digits among
# what follows ("FR-00012", "CL-000123", "L-0000396", "CL-M000004").
_REF: Final = re.compile(
    r"(?<![\w-])[A-Za-z][A-Za-z0-9]{0,5}-(?=[A-Za-z0-9-]*\d)[A-Za-z0-9-]{1,40}(?<!-)(?![\w-])"
)
_PHONE: Final = re.compile(r"(?<![\w+])(?:\+|00)?\d(?:[ \t.\-/()]{0,2}\d){7,16}(?!\w)")
# Company names: up to this many words, from lines up to this long.
_COMPANY_WORDS: Final = 8
_COMPANY_LINE: Final = 80


@dataclass(frozen=True, slots=True)
class Identifiers:
    """What may name the professional, besides the sender's address."""

    refs: tuple[str, ...] = ()
    phone_keys: tuple[str, ...] = ()
    company_keys: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Reading:
    letter: Letter
    body: Body
    # The author's address: the sender, or a forward's original sender.
    sender: str
    # Who forwarded it, when read as from someone else.
    forwarded_by: str | None
    pieces: tuple[Segment, ...]
    automatic: bool
    identifiers: Identifiers

    @property
    def sender_key(self) -> str:
        return email_key(self.sender) or ""

    @property
    def forwarder_key(self) -> str | None:
        return email_key(self.forwarded_by)


def read(raw: bytes) -> Reading:
    """The message in `raw`, read for intake (BadMessage if it cannot be)."""
    letter = read_letter(raw)
    body = clean_body(letter.text, letter.subject)
    sender, forwarded_by = letter.sender, letter.forwarded_by
    if body.forwarded_from is not None:
        forwarded_by, sender = forwarded_by or letter.sender, body.forwarded_from[1]
    pieces = tuple(split_segments(body.text))
    return Reading(
        letter=letter,
        body=body,
        sender=sender,
        forwarded_by=forwarded_by,
        pieces=pieces,
        automatic=_automatic(letter, body, pieces),
        identifiers=identifiers(
            "\n".join((letter.subject, body.text, body.signature, body.note, body.quoted))
        ),
    )


def _automatic(letter: Letter, body: Body, pieces: tuple[Segment, ...]) -> bool:
    if letter.automatic:
        return True
    explained = sum(1 for p in pieces if p.kind == EXPLANATION)
    if explained > 2 * CLAIM_PIECES:
        return False
    return bool(_AWAY_SUBJECT.search(letter.subject) and _AWAY_TEXT.search(body.text)) or (
        bool(_AWAY_TEXT.search(body.text)) and explained < CLAIM_PIECES
    )


def is_question(reading: Reading, attribution: Attribution) -> bool:
    """A message that asks rather than claims (see the module's docstring)."""
    pointed = sum(1 for m in attribution.matches if "order" not in m.cue)
    if pointed >= CLAIM_PIECES:
        return False
    return bool(_QUESTION_WORDS.search(reading.body.text))


def identifiers(text: str) -> Identifiers:
    refs = tuple(dict.fromkeys(m.group() for m in _REF.finditer(text)))
    phones: list[str] = []
    for m in _PHONE.finditer(text):
        key = phone_key(m.group())
        if key and len(key) >= 8:
            phones.append(key)
    companies: list[str] = []
    for line in text.split("\n"):
        line = line.strip().strip("*_").strip()
        # A company name stands on a line of its own, or nearly (a signature).
        if not line or len(line) > _COMPANY_LINE or line.count(" ") >= _COMPANY_WORDS:
            continue
        words = fold(line).split()
        for size in range(2, min(_COMPANY_WORDS, len(words)) + 1):
            for start in range(len(words) - size + 1):
                phrase = " ".join(words[start : start + size])
                companies.append(phrase)
                stripped = phrase.rstrip(".,;:!")
                if stripped != phrase:
                    companies.append(stripped)
    return Identifiers(refs, tuple(dict.fromkeys(phones)), tuple(dict.fromkeys(companies)))
