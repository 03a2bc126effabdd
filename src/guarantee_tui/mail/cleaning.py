"""What the professional wrote in this message: the text without quotations,
signatures, and with an inline forward read as its original sender's.

- Forwards: the markers Gmail, Outlook, Apple Mail and Thunderbird write in
  French, Portuguese and English ("Message transféré", "Mensagem
  reencaminhada", "Forwarded message", "Début du message réexpédié", an
  Outlook header block under a forward's subject...). The forwarded message's
  own "De :" / "From:" line names its sender; its text is the body; what
  the forwarder wrote above it is kept apart (`note`).
- Quotations: lines starting with ">", the "Le ... a écrit :" / "Em ...
  escreveu:" / "On ... wrote:" line before them, and an Outlook header block
  of an earlier message ("De : ... Envoyé : ... Objet : ...") with all that
  follows it.
- Signatures: from the "-- " line, a closing formula on a line of its own
  ("Cordialement", "Cumprimentos", "Merci d'avance, Jean") or a mobile
  footer ("Envoyé de mon iPhone") to the end.

Nothing is lost for finding the professional: the signature and the
quotations are returned too (`Body.signature`, `Body.quoted`), since the
company name and the phone number are often only there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Final

_FORWARD_LINE: Final = re.compile(
    r"^\s*-{2,}\s*(?:forwarded message|message transf[ée]r[ée]|mensagem reencaminhada|"
    r"mensagem encaminhada|mensaje reenviado)\s*-{2,}\s*$|"
    r"^\s*(?:begin forwarded message|d[ée]but du message (?:r[ée]exp[ée]di[ée]|transf[ée]r[ée])|"
    r"in[ií]cio da mensagem (?:reencaminhada|encaminhada))\s*:\s*$",
    re.IGNORECASE,
)
_ORIGINAL_LINE: Final = re.compile(
    r"^\s*-{2,}\s*(?:original message|message d'origine|mensagem original)\s*-{2,}\s*$|"
    r"^\s*_{10,}\s*$",
    re.IGNORECASE,
)
_FORWARD_SUBJECT: Final = re.compile(
    r"^\s*(?:(?:re|ré|res|r|aw|sv)\s*:\s*)*(?:fwd?|tr|enc|rv|reenc|fw)\s*:", re.IGNORECASE
)
# "De : Jean <j@x.fr>", "From: ...", "Envoyé : ...": a header line of a
# quoted or forwarded message, in the three languages.
_HEADER_LINE: Final = re.compile(
    r"^\s*\*?(?P<key>from|de|sent|envoy[ée]|enviad[ao]|date|data|to|[àa]|para|cc|"
    r"subject|objet|assunto)\*?\s*:\s*(?P<value>.*)$",
    re.IGNORECASE,
)
_FROM_KEYS: Final = frozenset({"from", "de"})
_SUBJECT_KEYS: Final = frozenset({"subject", "objet", "assunto"})
_ATTRIBUTION: Final = re.compile(
    r"(?:^|\s)(?:a [ée]crit|wrote|escreveu|schrieb|escribi[óo])\s*:\s*$", re.IGNORECASE
)
_ATTRIBUTION_START: Final = re.compile(r"^\s*(?:le|on|em|a|no dia|el)\s", re.IGNORECASE)
_CLOSING: Final = re.compile(
    r"^\s*(?i:(?:bien |tr[èe]s |tr[èe]s bien )?cordialement|(?:sinc[èe]res |meilleures )?"
    r"salutations|bien [àa] (?:vous|toi)|bonne (?:journ[ée]e|soir[ée]e|fin de journ[ée]e)|"
    r"merci(?: d'avance| par avance| beaucoup| encore| [àa] vous)?|[àa] bient[ôo]t|"
    r"(?:com os )?(?:melhores |os meus )?cumprimentos|atenciosamente|(?:muito )?obrigad[oa]|"
    r"grat[oa]|sauda[çc][õo]es|(?:um )?abra[çc]o|(?:best |kind )?regards|thanks|thank you)"
    # Then nothing, or punctuation and a few words ("Merci d'avance, Jean"), or a
    # name ("Cordialement Jean Martin"); not "Merci de votre compréhension".
    r"(?:\s*[,.!]+(?:\s*\S.{0,40})?|(?:\s+[A-ZÀ-Ý][\w'’-]*){1,3}\s*[.!]?)?\s*$"
)
_MOBILE: Final = re.compile(
    r"^\s*(?:envoy[ée] (?:de|depuis) mon|enviado (?:do|de|a partir do) meu|sent from my|"
    r"obtenir outlook pour|get outlook for|baixe o outlook)\b",
    re.IGNORECASE,
)
_SIGNATURE_LINE: Final = re.compile(r"^--\s?$")
# A closing formula ends the letter when at most this many lines follow it.
_SIGNATURE_LINES: Final = 12


@dataclass(frozen=True, slots=True)
class Body:
    """A message's text, taken apart."""

    text: str
    signature: str = ""
    quoted: str = ""
    # An inline forward: the original sender (name, address), and the
    # forwarder's own words above it.
    forwarded_from: tuple[str, str] | None = None
    note: str = ""


def clean_body(text: str, subject: str = "") -> Body:
    """The parts of a message's `text` (see the module's docstring)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    forward = _forward_start(lines, subject)
    if forward is not None:
        start, header_end, sender = forward
        note = _own_words(lines[:start])
        inner = _own_words(lines[header_end:])
        if sender is not None and inner.text.strip():
            return Body(
                text=inner.text,
                signature="\n".join(s for s in (note.signature, inner.signature) if s),
                quoted="\n".join(s for s in (note.quoted, inner.quoted) if s),
                forwarded_from=sender,
                note=note.text,
            )
    return _own_words(lines)


def _forward_start(lines: list[str], subject: str) -> tuple[int, int, tuple[str, str]] | None:
    """Where an inline forward starts, where its header block ends, and its sender."""
    forwarding = bool(_FORWARD_SUBJECT.match(subject))
    for i, line in enumerate(lines):
        marker = _FORWARD_LINE.match(line) is not None
        if not marker and not (forwarding and _ORIGINAL_LINE.match(line)):
            if not (forwarding and _is_header_block(lines, i)):
                continue
            block_start = i
        else:
            block_start = i + 1
        end, sender = _header_block(lines, block_start)
        if sender is not None:
            return i, end, sender
    return None


def _header_block(lines: list[str], start: int) -> tuple[int, tuple[str, str] | None]:
    """The end of the header lines from `start` (blank lines before them skipped)
    and the sender they name."""
    i = start
    while i < len(lines) and not lines[i].strip():
        i += 1
    sender: tuple[str, str] | None = None
    seen = 0
    while i < len(lines):
        found = _HEADER_LINE.match(lines[i])
        if found is None:
            break
        seen += 1
        if found["key"].lower() in _FROM_KEYS:
            name, address = parseaddr(found["value"].replace("[mailto:", "<").replace("]", ">"))
            if "@" in address:
                sender = (name.strip().strip("*").strip(), address.strip())
        i += 1
    return (i if seen else start), sender


def _is_header_block(lines: list[str], i: int) -> bool:
    """An Outlook block: a "De :" line followed closely by a subject line."""
    first = _HEADER_LINE.match(lines[i])
    if first is None or first["key"].lower() not in _FROM_KEYS:
        return False
    for line in lines[i + 1 : i + 6]:
        found = _HEADER_LINE.match(line)
        if found is None:
            return False
        if found["key"].lower() in _SUBJECT_KEYS:
            return True
    return False


def _own_words(lines: list[str]) -> Body:
    """The lines without quotations and signature; those apart."""
    kept: list[str] = []
    quoted: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.lstrip().startswith(">"):
            quoted.append(line.lstrip().lstrip("> "))
            i += 1
            continue
        if _is_attribution(lines, i):
            # "Le lun. 16 juin 2026 à 10:00, Support <...> a écrit :" (perhaps on two
            # lines): the quotation follows.
            if not _ATTRIBUTION.search(line):
                i += 1
            i += 1
            continue
        if _ORIGINAL_LINE.match(line) or _FORWARD_LINE.match(line) or _is_header_block(lines, i):
            quoted.extend(lines[i:])
            break
        kept.append(line)
        i += 1
    text, signature = _without_signature(kept)
    return Body(text=_tidy(text), signature=_tidy(signature), quoted=_tidy("\n".join(quoted)))


def _is_attribution(lines: list[str], i: int) -> bool:
    line = lines[i]
    if _ATTRIBUTION.search(line) and (_ATTRIBUTION_START.match(line) or len(line) < 160):
        return _quote_follows(lines, i + 1)
    # Wrapped: "Le lun. 16 juin 2026 à 10:00, Support" / "<support@x.fr> a écrit :".
    if i + 1 < len(lines) and _ATTRIBUTION_START.match(line) and _ATTRIBUTION.search(lines[i + 1]):
        return len(line) + len(lines[i + 1]) < 200 and _quote_follows(lines, i + 2)
    return False


def _quote_follows(lines: list[str], start: int) -> bool:
    for line in lines[start:]:
        if line.strip():
            return line.lstrip().startswith(">")
    return True


def _without_signature(lines: list[str]) -> tuple[str, str]:
    for i, line in enumerate(lines):
        if _SIGNATURE_LINE.match(line) or _MOBILE.match(line):
            # "Cordialement," just above the separator goes with the signature.
            before = [j for j in range(i) if lines[j].strip()]
            if before and _CLOSING.match(lines[before[-1]]):
                i = before[-1]
            return "\n".join(lines[:i]), "\n".join(lines[i:])
    rest = [i for i, line in enumerate(lines) if line.strip()]
    for i in rest[-_SIGNATURE_LINES:]:
        if _CLOSING.match(lines[i]) and any(lines[j].strip() for j in range(i)):
            return "\n".join(lines[:i]), "\n".join(lines[i:])
    return "\n".join(lines), ""


def _tidy(text: str) -> str:
    """Trailing spaces off, no more than one blank line in a row, none at the ends."""
    out: list[str] = []
    for line in text.split("\n"):
        line = line.rstrip()
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)
