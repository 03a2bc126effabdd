"""An IMAP mailbox as a source of claim e-mails (the standard library's imaplib).

What is "new", and how a message is marked taken, on the server itself:

- The folder's new messages are those without the keyword `$GuaranteeTuiDone`
  (`UID SEARCH UNDELETED UNKEYWORD $GuaranteeTuiDone`); a message is marked
  taken by adding it. A message intake refused (malformed, too large, no
  text...) gets `$GuaranteeTuiRefused` too, so that a person can find it in
  their mail program, and is not read again.
- A server that keeps no keywords of its clients (its PERMANENTFLAGS lack
  `\\*`) gets `\\Seen` instead: then the new messages are the unseen ones,
  and a refused one is also `\\Flagged`.
- Messages are read with `BODY.PEEK[]`, which leaves `\\Seen` alone: nothing
  changes on the server before `mark` (services/intake_imap.py calls it only
  once the message's outcome is committed).

The connection: `imaps://` is TLS from the start (port 993). `imap://` (143)
upgrades with STARTTLS whenever the server offers it, and must when the
server is another machine; only a server on this machine (a loopback
address, e.g. a test server or a local relay) may be spoken to in clear.
The server's certificate is checked against the system's authorities, or
against `[intake] imap_ca_file` when it is set (a private authority).

Nothing here touches the database. Every failure is a `UserError` naming
the server and the setting concerned: unreachable, certificate, login,
folder; `MailboxLost` when an open connection drops (a watch reconnects).
"""

from __future__ import annotations

import base64
import imaplib
import ipaddress
import re
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Final, TypeVar
from urllib.parse import quote

from guarantee_tui.config import ImapSettings
from guarantee_tui.errors import UserError
from guarantee_tui.mail.sources import RawMessage
from guarantee_tui.policy.vocabulary import N_

if TYPE_CHECKING:
    from guarantee_tui.i18n import Translator

DONE: Final = "$GuaranteeTuiDone"
REFUSED: Final = "$GuaranteeTuiRefused"
# How long one network operation may take before the connection counts as lost.
TIMEOUT: Final = 30.0

_UID: Final = re.compile(rb"\bUID (\d+)")
_SIZE: Final = re.compile(rb"\bRFC822\.SIZE (\d+)")
T = TypeVar("T")


class ImapUnreachable(UserError):
    def __init__(self, where: str, source: str, reason: str) -> None:
        super().__init__(where)
        self.where, self.source, self.reason = where, source, reason

    def describe(self, tr: Translator) -> str:
        return tr(
            "Cannot reach the IMAP server {where} ({reason}); check [intake] imap_url in "
            "{source}. Nothing was taken in.",
            where=self.where,
            reason=self.reason,
            source=self.source,
        )


class ImapCertificate(UserError):
    def __init__(self, where: str, source: str, reason: str) -> None:
        super().__init__(where)
        self.where, self.source, self.reason = where, source, reason

    def describe(self, tr: Translator) -> str:
        return tr(
            "The IMAP server {where} did not prove who it is ({reason}); if it uses a "
            "private authority, give its certificate in [intake] imap_ca_file in {source}. "
            "Nothing was taken in.",
            where=self.where,
            reason=self.reason,
            source=self.source,
        )


class ImapNoStartTls(UserError):
    def __init__(self, where: str, source: str) -> None:
        super().__init__(where)
        self.where, self.source = where, source

    def describe(self, tr: Translator) -> str:
        return tr(
            "The IMAP server {where} offers no STARTTLS, and the password is not sent in "
            "clear to another machine: use imaps:// in [intake] imap_url in {source}. "
            "Nothing was taken in.",
            where=self.where,
            source=self.source,
        )


class ImapLoginRefused(UserError):
    def __init__(self, where: str, user: str, source: str, password_source: str) -> None:
        super().__init__(where)
        self.where, self.user, self.source = where, user, source
        self.password_source = password_source

    def describe(self, tr: Translator) -> str:
        return tr(
            "The IMAP server {where} refused the login of {user}: check [intake] imap_user "
            "in {source} and the password in {password_source}. Nothing was taken in.",
            where=self.where,
            user=self.user,
            source=self.source,
            password_source=self.password_source,
        )


class ImapFolderMissing(UserError):
    def __init__(self, where: str, folder: str, source: str, reason: str) -> None:
        super().__init__(where)
        self.where, self.folder, self.source, self.reason = where, folder, source, reason

    def describe(self, tr: Translator) -> str:
        return tr(
            "The IMAP server {where} has no folder {folder} that intake can write to "
            "({reason}); check [intake] imap_folder in {source}. Nothing was taken in.",
            where=self.where,
            folder=self.folder,
            reason=tr(self.reason),
            source=self.source,
        )


class MailboxLost(UserError):
    """The connection dropped, or the server failed a command, after logging in."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(where)
        self.where, self.reason = where, reason

    def describe(self, tr: Translator) -> str:
        return tr(
            "The connection to the IMAP server {where} was lost ({reason}). The messages "
            "not yet marked as taken are taken next time, none twice.",
            where=self.where,
            reason=self.reason,
        )


def is_loopback(host: str) -> bool:
    if host.casefold() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def folder_name(folder: str) -> str:
    """`folder` as an IMAP command's argument: modified UTF-7 (RFC 3501, 5.1.3), quoted."""
    out: list[str] = []
    wide: list[str] = []

    def flush() -> None:
        if wide:
            encoded = base64.b64encode("".join(wide).encode("utf-16-be")).decode("ascii")
            out.append("&" + encoded.rstrip("=").replace("/", ",") + "-")
            wide.clear()

    for ch in folder:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            wide.append(ch)
    flush()
    name = "".join(out).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{name}"'


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLCertVerificationError):
        return exc.verify_message or str(exc)
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    text = exc.args[0] if exc.args else type(exc).__name__
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return " ".join(str(text).split()) or type(exc).__name__


class Mailbox:
    """One logged-in connection, its folder selected read-write."""

    def __init__(self, conn: imaplib.IMAP4, settings: ImapSettings) -> None:
        self._conn = conn
        self.settings = settings
        self.where = settings.where
        answer = [i for i in conn.response("PERMANENTFLAGS")[1] if isinstance(i, bytes)]
        permanent = b" ".join(answer)
        # Keywords kept: `\*` lets clients make new ones, or ours exists already; no
        # PERMANENTFLAGS at all means every flag is kept (RFC 3501, 7.1).
        self.keywords = not answer or b"\\*" in permanent or DONE.encode() in permanent
        validity = conn.response("UIDVALIDITY")[1]
        self._validity = validity[0].decode("ascii") if validity and validity[0] else "0"

    @contextmanager
    def _talking(self) -> Iterator[None]:
        try:
            yield
        except (imaplib.IMAP4.abort, OSError, EOFError) as exc:
            raise MailboxLost(self.where, _reason(exc)) from exc
        except imaplib.IMAP4.error as exc:
            raise MailboxLost(self.where, _reason(exc)) from exc

    def _ok(self, answer: tuple[str, list[T]]) -> list[T]:
        typ, data = answer
        if typ != "OK":
            raise MailboxLost(self.where, _reason(imaplib.IMAP4.error(*data)))
        return data

    def origin(self, uid: int) -> str:
        """The message's IMAP URL (RFC 5092): where intake read it."""
        s = self.settings
        folder = quote(s.folder, safe="")
        return (
            f"{s.scheme}://{quote(s.user, safe='')}@{s.host}:{s.port}/{folder}"
            f";UIDVALIDITY={self._validity}/;UID={uid}"
        )

    def new(self) -> list[int]:
        """The UIDs of the messages not yet taken, oldest first."""
        criteria = ("UNKEYWORD", DONE) if self.keywords else ("UNSEEN",)
        with self._talking():
            # NOOP first: the server tells of messages that came since the last
            # command only then (RFC 3501, 6.1.2); a search alone may miss them.
            self._ok(self._conn.noop())
            data = self._ok(self._conn.uid("SEARCH", "UNDELETED", *criteria))
        found = b" ".join(item for item in data if isinstance(item, bytes))
        return sorted(int(uid) for uid in found.split())

    def sizes(self, uids: list[int]) -> dict[int, int]:
        if not uids:
            return {}
        with self._talking():
            data = self._ok(self._conn.uid("FETCH", ",".join(map(str, uids)), "(UID RFC822.SIZE)"))
        found: dict[int, int] = {}
        for item in data:
            line = item[0] if isinstance(item, tuple) else item
            if not isinstance(line, bytes):
                continue
            uid, size = _UID.search(line), _SIZE.search(line)
            if uid and size:
                found[int(uid.group(1))] = int(size.group(1))
        return found

    def fetch(self, uid: int, size: int, limit: int) -> RawMessage | None:
        """The message's bytes (None for a larger one than `limit`), leaving its
        flags alone; None when it has gone meanwhile."""
        origin = self.origin(uid)
        if size > limit:
            return RawMessage(origin, None)
        with self._talking():
            data = self._ok(self._conn.uid("FETCH", str(uid), "(UID BODY.PEEK[])"))
        for item in data:
            if isinstance(item, tuple) and b"BODY[]" in item[0]:
                match = _UID.search(item[0])
                if match is None or int(match.group(1)) == uid:
                    body = item[1]
                    return RawMessage(origin, body if len(body) <= limit else None)
        return None

    def mark(self, uid: int, *, refused: bool = False) -> None:
        """Marks the message taken, so that it is never read again."""
        if self.keywords:
            flags = f"{DONE} {REFUSED}" if refused else DONE
        else:
            flags = "\\Seen \\Flagged" if refused else "\\Seen"
        with self._talking():
            self._ok(self._conn.uid("STORE", str(uid), "+FLAGS.SILENT", f"({flags})"))

    def close(self) -> None:
        with suppress(Exception):
            self._conn.logout()
        with suppress(Exception):
            self._conn.shutdown()


def _tls(settings: ImapSettings) -> ssl.SSLContext:
    cafile = str(settings.ca_file) if settings.ca_file is not None else None
    return ssl.create_default_context(cafile=cafile)


def _guarded(settings: ImapSettings, step: Callable[[], T]) -> T:
    """One step of opening the connection, its failure told as what to fix."""
    where = f"{settings.scheme}://{settings.host}:{settings.port}"
    try:
        return step()
    except ssl.SSLCertVerificationError as exc:
        raise ImapCertificate(where, settings.source, _reason(exc)) from None
    except (OSError, EOFError, imaplib.IMAP4.abort) as exc:
        raise ImapUnreachable(where, settings.source, _reason(exc)) from None


def _connect(settings: ImapSettings, timeout: float) -> imaplib.IMAP4:
    where = f"{settings.scheme}://{settings.host}:{settings.port}"
    if settings.scheme == "imaps":
        return _guarded(
            settings,
            lambda: imaplib.IMAP4_SSL(
                settings.host, settings.port, ssl_context=_tls(settings), timeout=timeout
            ),
        )
    conn = _guarded(settings, lambda: imaplib.IMAP4(settings.host, settings.port, timeout=timeout))
    if "STARTTLS" in conn.capabilities:
        _guarded(settings, lambda: conn.starttls(ssl_context=_tls(settings)))
    elif not is_loopback(settings.host):
        with suppress(Exception):
            conn.shutdown()
        raise ImapNoStartTls(where, settings.source)
    return conn


def _login(conn: imaplib.IMAP4, settings: ImapSettings) -> None:
    user, password = settings.user, settings.password
    if "AUTH=PLAIN" in conn.capabilities:
        # SASL PLAIN carries any UTF-8 user and password; LOGIN only ASCII atoms.
        token = b"\0" + user.encode() + b"\0" + password.encode()
        conn.authenticate("PLAIN", lambda _challenge: token)
    else:
        conn.login(user, password)


def open_mailbox(settings: ImapSettings, *, timeout: float = TIMEOUT) -> Mailbox:
    """Connects, logs in and selects the folder; each failure says what to fix."""
    where = f"{settings.scheme}://{settings.host}:{settings.port}"
    conn = _connect(settings, timeout)
    try:
        try:
            _login(conn, settings)
        except imaplib.IMAP4.abort as exc:
            raise ImapUnreachable(where, settings.source, _reason(exc)) from None
        except imaplib.IMAP4.error:
            raise ImapLoginRefused(
                where, settings.user, settings.source, settings.password_source
            ) from None
        try:
            typ, data = conn.select(folder_name(settings.folder))
        except imaplib.IMAP4.readonly:
            raise ImapFolderMissing(
                where, settings.folder, settings.source, N_("read-only")
            ) from None
        except (imaplib.IMAP4.abort, OSError) as exc:
            raise ImapUnreachable(where, settings.source, _reason(exc)) from None
        except imaplib.IMAP4.error as exc:
            raise ImapFolderMissing(where, settings.folder, settings.source, _reason(exc)) from None
        if typ != "OK":
            reason = data[0].decode("utf-8", "replace") if data and data[0] else typ
            raise ImapFolderMissing(where, settings.folder, settings.source, reason)
        return Mailbox(conn, settings)
    except BaseException:
        with suppress(Exception):
            conn.shutdown()
        raise
