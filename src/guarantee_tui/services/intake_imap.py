"""E-mail intake from an IMAP mailbox: each new message through `intake_one`,
then marked taken on the server.

The order is what makes it safe: a message is marked (`Mailbox.mark`) only
after its outcome is committed: its claim created, or the message stored to
wait for an agent (needs_review, unknown_sender, not_a_claim), or found
already read. A crash, a Ctrl+C or a dropped connection between the commit
and the mark leaves the message unmarked: the next run reads it again, finds
its Message-ID known (`duplicate`, nothing created) and marks it then.

A message intake refuses (malformed, too large, no text, a MIME bomb, a
header injection) records nothing; it is marked taken and refused
(`$GuaranteeTuiRefused`, or `\\Flagged` on a server without keywords),
reported once, and never read again. A failure of the database or of the
server leaves the message unmarked, to be read again next time.

`watch` keeps taking: a pass, then a wait of `[intake] imap_poll_seconds`
(polling: the standard library's imaplib of Python 3.11 to 3.13 has no
IDLE). A connection that drops is opened again after 1, 2, 4... seconds
(at most MAX_BACKOFF); a refused login or a missing folder stops the watch.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from sqlalchemy import Engine

from guarantee_tui.config import ImapSettings, imap_configured, imap_settings, intake_max_bytes
from guarantee_tui.mail.imap import ImapUnreachable, Mailbox, MailboxLost, open_mailbox
from guarantee_tui.services.intake import REJECTED, Outcome, intake_one

# The longest wait between two attempts to reconnect.
MAX_BACKOFF: Final = 300.0
FIRST_BACKOFF: Final = 1.0

Opener = Callable[[], Mailbox]
Clock = Callable[[], datetime]


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Reconnecting:
    """The connection dropped (or could not be opened again); next try after `delay` s."""

    where: str
    reason: str
    delay: float


@dataclass(frozen=True, slots=True)
class Reconnected:
    where: str


def take_new(
    engine: Engine,
    mailbox: Mailbox,
    *,
    agent: str | None,
    limit: int,
    clock: Clock = _now,
) -> Iterator[Outcome]:
    """Each new message's outcome, the message marked on the server once it is committed."""
    uids = mailbox.new()
    sizes = mailbox.sizes(uids)
    for uid in uids:
        size = sizes.get(uid)
        message = None if size is None else mailbox.fetch(uid, size, limit)
        if message is None:
            continue  # expunged meanwhile (another client)
        outcome = intake_one(engine, message, agent=agent, at=clock())
        # Only now: before this line nothing on the server has changed.
        mailbox.mark(uid, refused=outcome.status == REJECTED)
        yield outcome


def take_once(
    engine: Engine,
    open_mailbox: Opener,
    *,
    agent: str | None,
    limit: int,
    clock: Clock = _now,
) -> Iterator[Outcome]:
    """One pass over the mailbox: connect, take the new messages, log out."""
    mailbox = open_mailbox()
    try:
        yield from take_new(engine, mailbox, agent=agent, limit=limit, clock=clock)
    finally:
        mailbox.close()


def configured() -> tuple[ImapSettings, int] | None:
    """The config file's IMAP mailbox and the largest message read; None without
    `[intake] imap_url`. A bad or missing setting raises, naming its key."""
    if not imap_configured():
        return None
    return imap_settings(), intake_max_bytes()


def take_all(
    engine: Engine,
    settings: ImapSettings,
    *,
    agent: str | None,
    limit: int,
    clock: Clock = _now,
) -> Counter[str]:
    """One pass, for the app: how many messages ended in each status."""
    outcomes = take_once(
        engine, lambda: open_mailbox(settings), agent=agent, limit=limit, clock=clock
    )
    return Counter(o.status for o in outcomes)


def watch(
    engine: Engine,
    open_mailbox: Opener,
    *,
    agent: str | None,
    limit: int,
    poll_seconds: float,
    wait: Callable[[float], bool],
    clock: Clock = _now,
) -> Iterator[Outcome | Reconnecting | Reconnected]:
    """Takes new messages until `wait(seconds)` returns True (stop asked).

    The first connection is opened here, its failure raised (a wrong
    setting); later, a lost connection is reported (`Reconnecting`) and
    opened again with backoff.
    """
    first = open_mailbox()
    return _watching(engine, first, open_mailbox, agent, limit, poll_seconds, wait, clock)


def _watching(
    engine: Engine,
    first: Mailbox,
    open_mailbox: Opener,
    agent: str | None,
    limit: int,
    poll_seconds: float,
    wait: Callable[[float], bool],
    clock: Clock,
) -> Iterator[Outcome | Reconnecting | Reconnected]:
    held = [first]
    where = first.where
    try:
        while True:
            try:
                yield from take_new(engine, held[0], agent=agent, limit=limit, clock=clock)
            except MailboxLost as lost:
                held.pop().close()
                mailbox = yield from _reconnect(open_mailbox, where, lost.reason, wait)
                if mailbox is None:
                    return
                held.append(mailbox)
                yield Reconnected(where)
                continue  # at once: messages may have come meanwhile
            if wait(poll_seconds):
                return
    finally:
        for mailbox in held:
            mailbox.close()


def _reconnect(
    open_mailbox: Opener, where: str, reason: str, wait: Callable[[float], bool]
) -> Generator[Reconnecting, None, Mailbox | None]:
    """A new connection, tried after 1, 2, 4... seconds; None when stop was asked."""
    delay = FIRST_BACKOFF
    while True:
        yield Reconnecting(where, reason, delay)
        if wait(delay):
            return None
        try:
            return open_mailbox()
        except (ImapUnreachable, MailboxLost) as exc:
            reason = exc.reason
        delay = min(delay * 2, MAX_BACKOFF)
