"""One e-mail, from its bytes to what intake reads of it: sender, date, text, attachments.

The standard library's parser with the modern policy (`email.policy.default`)
reads the message; this module bounds what it is given and chooses the text:

- A message whose MIME structure is a bomb (more than `MAX_PARTS` parts, or
  nested deeper than `MAX_DEPTH`) is refused before the parser builds it:
  the parser recurses, and thousands of nested parts cost it seconds and
  then the interpreter's stack.
- The text is the text/plain part when there is one with words in it, else
  the HTML part turned into text (mail/html.py); several inline text parts
  (mail programs split a body around inline pictures) are joined. Every
  other part is an attachment: kept with the message (its bytes stay in the
  raw message), listed by name, type and size, never parsed.
- Charsets: the declared one, where ISO-8859-1 and US-ASCII are read as
  Windows-1252 (as browsers do: mail programs declare one and write the
  other); an unknown or wrong declaration falls back to UTF-8, then
  Windows-1252. Quoted-printable and base64 are undone by the parser.
- A forwarded message attached whole (message/rfc822, "forward as
  attachment") is read as the message: from its own sender, with its own
  date and text; the forwarder is kept (`forwarded_by`). A forward written
  inline ("Message transféré") is the text's business (mail/cleaning.py).
- A header that decodes to a line break or another control character (an
  injected header) refuses the message, as does one without a sender.
"""

from __future__ import annotations

import base64
import codecs
import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import EmailMessage, Message
from email.policy import default
from email.utils import parseaddr
from typing import Final

from guarantee_tui.mail.html import html_to_text
from guarantee_tui.policy.vocabulary import N_

# More MIME parts than a person's message ever has (each has its own header).
MAX_PARTS: Final = 200
MAX_DEPTH: Final = 12
# Forwards of forwards attached whole: read this deep, no deeper.
MAX_FORWARD_DEPTH: Final = 3

# Why a message is refused: the code (for programs and the JSON report) and
# what a person reads.
PROBLEMS: Final = {
    "malformed": N_("malformed message: no sender address or no header"),
    "too_large": N_("message too large"),
    "no_text": N_("no text in the message"),
    "mime_bomb": N_("too many or too deeply nested MIME parts"),
    "header_injection": N_("a header holds a line break (header injection)"),
}

_CONTENT_TYPE: Final = re.compile(rb"^content-type\s*:", re.IGNORECASE | re.MULTILINE)
_CONTROL: Final = re.compile("[\x00-\x08\x0a-\x1f\x7f]")
_MESSAGE_ID: Final = re.compile(r"<[^<>\s]{1,990}>")
# Read as Windows-1252, their superset, whatever the declaration says.
_AS_WINDOWS_1252: Final = frozenset({"iso8859-1", "latin-1", "ascii", "cp819", "latin1"})


class BadMessage(Exception):
    """A message intake cannot read; `problem` is a key of PROBLEMS."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Attachment:
    name: str | None
    content_type: str
    size: int


@dataclass(frozen=True, slots=True)
class Letter:
    """What intake reads of one message (the raw bytes are kept by the caller)."""

    message_id: str
    # The Date header, in UTC; None when missing or unreadable.
    sent_at: datetime | None
    sender: str
    sender_name: str
    subject: str
    text: str
    attachments: tuple[Attachment, ...]
    # The message says it was written by a program (Auto-Submitted and the like).
    automatic: bool
    # Message-IDs this one answers (In-Reply-To, then References).
    replies_to: tuple[str, ...]
    # Who forwarded it, when the message was read from an attachment of theirs.
    forwarded_by: str | None = None


def synthetic_message_id(raw: bytes) -> str:
    """The key of a message without a Message-ID: its bytes' digest (the same
    bytes twice are then one message)."""
    return f"<{hashlib.sha256(raw).hexdigest()}@message-id.invalid>"


def read_letter(raw: bytes) -> Letter:
    """The message in `raw`; raises BadMessage for what cannot be read."""
    if len(_CONTENT_TYPE.findall(raw, 0, len(raw))) > MAX_PARTS:
        raise BadMessage("mime_bomb")
    try:
        message = message_from_bytes(raw, policy=default)
    except RecursionError:
        raise BadMessage("mime_bomb") from None
    assert isinstance(message, EmailMessage)
    return _letter(message, synthetic_message_id(raw), depth=0)


def _letter(message: EmailMessage, fallback_id: str, depth: int) -> Letter:
    if not message.keys():
        raise BadMessage("malformed")
    sender_name, sender = _sender(message)
    subject = _header(message, "subject")
    message_id = _message_id(_header(message, "message-id")) or fallback_id
    parts = _Parts()
    parts.read(message, 0)
    if depth < MAX_FORWARD_DEPTH and parts.forwarded and not parts.has_words():
        # "Forward as attachment": the attached message is the one to read.
        inner = _letter(parts.forwarded[0], message_id, depth + 1)
        return Letter(
            message_id=message_id,
            sent_at=inner.sent_at or _date(message),
            sender=inner.sender,
            sender_name=inner.sender_name,
            subject=inner.subject or subject,
            text=inner.text,
            attachments=parts.attachments + inner.attachments,
            automatic=_automatic(message),
            replies_to=_replies_to(message),
            forwarded_by=sender,
        )
    text = parts.text()
    if not text.strip():
        raise BadMessage("no_text")
    return Letter(
        message_id=message_id,
        sent_at=_date(message),
        sender=sender,
        sender_name=sender_name,
        subject=subject,
        text=text,
        attachments=parts.attachments,
        automatic=_automatic(message),
        replies_to=_replies_to(message),
    )


# --- headers -----------------------------------------------------------------


def _header(message: Message, name: str) -> str:
    """A header's decoded value ("" when missing); BadMessage for an injected line."""
    try:
        value = message.get(name)
    except ValueError:
        # The header registry refuses an address holding CR or LF.
        raise BadMessage("header_injection") from None
    if value is None:
        return ""
    text = str(value)
    if _CONTROL.search(text):
        raise BadMessage("header_injection")
    return text.strip()


def _sender(message: Message) -> tuple[str, str]:
    value = _header(message, "from") or _header(message, "sender")
    name, address = parseaddr(value)
    if "@" not in address:
        raise BadMessage("malformed")
    return name.strip(), address.strip()


def _message_id(value: str) -> str | None:
    found = _MESSAGE_ID.search(value)
    if found is not None:
        return found.group()
    value = value.strip()
    # Without angle brackets, as some programs write it.
    if value and " " not in value and len(value) <= 990:
        return f"<{value}>"
    return None


def _date(message: Message) -> datetime | None:
    try:
        header = message.get("date")
        moment = getattr(header, "datetime", None)
    except (ValueError, TypeError, IndexError, OverflowError):
        return None
    if not isinstance(moment, datetime):
        return None
    if moment.tzinfo is None:
        # "-0000": the time is UTC, the sender's zone unknown (RFC 5322).
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def _automatic(message: Message) -> bool:
    # Plain tokens: read as written, without the header registry's parsing.
    raw = {name.lower(): str(value).strip().lower() for name, value in message.raw_items()}
    submitted = raw.get("auto-submitted", "")
    if submitted and not submitted.startswith("no"):
        return True
    if raw.get("x-autoreply") or raw.get("x-autorespond"):
        return True
    if raw.get("x-autogenerated") == "reply":
        return True
    return raw.get("precedence", "") in ("auto_reply", "bulk", "junk", "list")


def _replies_to(message: Message) -> tuple[str, ...]:
    found: list[str] = []
    for name in ("in-reply-to", "references"):
        found.extend(_MESSAGE_ID.findall(_header(message, name)))
    return tuple(dict.fromkeys(found))


# --- parts -------------------------------------------------------------------


def decode_text(payload: bytes, declared: str | None) -> str:
    """Bytes of a text part in the charset it declares, as well as it can be read."""
    name: str | None = None
    if declared:
        try:
            name = codecs.lookup(declared).name
        except LookupError:
            name = None
    if name in _AS_WINDOWS_1252:
        name = "cp1252"
    for candidate in dict.fromkeys((name, "utf-8", "cp1252")):
        if candidate is None:
            continue
        try:
            return payload.decode(candidate)
        except UnicodeDecodeError:
            continue
    # Windows-1252 leaves five bytes undefined; Latin-1 reads them all.
    return payload.decode("latin-1")


def unflow(text: str, *, delete_space: bool = False) -> str:
    """A format=flowed text (RFC 3676) with its soft line breaks joined: a line
    ending with a space goes on with the next one."""
    out: list[str] = []
    current: str | None = None
    for line in text.replace("\r\n", "\n").split("\n"):
        if line == "-- ":
            # The signature separator is never flowed.
            if current is not None:
                out.append(current)
                current = None
            out.append(line)
            continue
        if line.startswith(" "):
            line = line[1:]  # space-stuffing
        current = line if current is None else current + line
        if line.endswith(" "):
            if delete_space:
                current = current[:-1]
            continue
        out.append(current)
        current = None
    if current is not None:
        out.append(current)
    return "\n".join(out)


def _param(part: Message, name: str) -> str:
    """A parameter of the part's Content-Type, in lower case ("" when missing)."""
    value = part.get_param(name)
    return value.lower() if isinstance(value, str) else ""


def _payload(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except (ValueError, TypeError, LookupError, AssertionError):
        return b""
    return data if isinstance(data, bytes) else b""


class _Parts:
    """The text bodies, attachments and attached messages of one message."""

    def __init__(self) -> None:
        self.plain: list[str] = []
        self.html: list[str] = []
        self.attachments: tuple[Attachment, ...] = ()
        self.forwarded: list[EmailMessage] = []

    def has_words(self) -> bool:
        return any(re.search(r"\w", t) for t in self.plain + self.html)

    def text(self) -> str:
        plain = "\n\n".join(t.strip("\n") for t in self.plain if t.strip())
        if plain.strip():
            return plain
        return "\n\n".join(html_to_text(t) for t in self.html if t.strip())

    def _attach(self, part: Message) -> None:
        try:
            name = part.get_filename()
        except (ValueError, TypeError, LookupError):
            name = None
        size = len(_payload(part))
        self.attachments += (Attachment(name, part.get_content_type(), size),)

    def read(self, part: Message, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise BadMessage("mime_bomb")
        content_type = part.get_content_type()
        if content_type == "message/rfc822":
            inner = part.get_payload()
            attached = inner[0] if isinstance(inner, list) and inner else None
            if not isinstance(attached, Message):
                attached = None
            if (attached is None or not attached.keys()) and (
                part.get("content-transfer-encoding", "").strip().lower() == "base64"
            ):
                # Encoded in base64 against the rules (RFC 2046 allows 7bit, 8bit,
                # binary): the parser read the encoded text as the message.
                encoded = attached.get_payload() if attached is not None else None
                try:
                    data = base64.b64decode(encoded if isinstance(encoded, str) else "")
                except (ValueError, TypeError):
                    data = b""
                attached = message_from_bytes(data, policy=default) if data else None
            if isinstance(attached, EmailMessage):
                self.forwarded.append(attached)
            self._attach(part)
            return
        if part.is_multipart():
            children = part.get_payload()
            if not isinstance(children, list):
                return
            if content_type == "multipart/alternative":
                self._alternative([c for c in children if isinstance(c, Message)], depth)
                return
            for child in children:
                if isinstance(child, Message):
                    self.read(child, depth + 1)
            return
        disposition = (part.get_content_disposition() or "").lower()
        try:
            has_name = part.get_filename() is not None
        except (ValueError, TypeError, LookupError):
            has_name = True
        if disposition == "attachment" or has_name or part.get_content_maintype() != "text":
            self._attach(part)
            return
        text = decode_text(_payload(part), part.get_content_charset())
        if _param(part, "format") == "flowed":
            text = unflow(text, delete_space=_param(part, "delsp") == "yes")
        if content_type == "text/html":
            self.html.append(text)
        elif content_type in ("text/plain", "text/enriched", "text/markdown"):
            self.plain.append(text)
        else:
            self._attach(part)

    def _alternative(self, children: list[Message], depth: int) -> None:
        """The plain version if it has words, else the richest one."""
        versions: list[_Parts] = []
        for child in children:
            version = _Parts()
            version.read(child, depth + 1)
            versions.append(version)
        with_plain = [v for v in versions if any(t.strip() for t in v.plain)]
        chosen = with_plain[0] if with_plain else (versions[-1] if versions else None)
        for version in versions:
            self.attachments += version.attachments
            self.forwarded += version.forwarded
        if chosen is not None:
            self.plain += chosen.plain
            self.html += chosen.html
