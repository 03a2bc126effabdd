"""Intake from a real IMAP server (a private Dovecot, tests/imap_server.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from guarantee_tui.config import ImapSettings
from guarantee_tui.mail.imap import DONE, REFUSED, Mailbox, open_mailbox
from guarantee_tui.services import intake_imap
from guarantee_tui.services.intake import Outcome, intake_one
from guarantee_tui.services.intake_imap import (
    Reconnected,
    Reconnecting,
    take_once,
    watch,
)
from guarantee_tui.store.models import Claim, IntakeMessage
from tests.mail.cases import load, numbered_letter
from tests.mail.conftest import Imap
from tests.mail.helpers import raw

AT = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
FROM_PRO = "Jean Martin <jean.martin@plomberie-martin.fr>"
LIMIT = 1024 * 1024


def _count(engine: Engine, table: type) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _once(engine: Engine, imap: Imap, opener: Callable[[], Mailbox] | None = None) -> list[Outcome]:
    settings = imap.settings()
    return list(
        take_once(
            engine,
            opener or (lambda: open_mailbox(settings)),
            agent="Camille",
            limit=LIMIT,
            clock=lambda: AT,
        )
    )


def _prose(n: int = 19) -> str:
    # Unlabelled paragraphs, one fewer than the contacts: not surely placed.
    paragraphs = "\n\n".join(f"Le client numéro {i} n'a pas donné suite." for i in range(n))
    return f"Bonjour,\n\n{paragraphs}"


def test_new_messages_become_claims_and_are_marked_taken(
    engine: Engine, imap: Imap, tmp_path: Path
) -> None:
    load(engine, tmp_path)
    imap.append(
        raw(numbered_letter(), sender=FROM_PRO, message_id="<c1@pm.fr>"),
        raw(_prose(), sender=FROM_PRO, message_id="<c2@pm.fr>"),
        raw("1. rien", sender="x@nowhere.example", message_id="<c3@pm.fr>"),
    )
    outcomes = _once(engine, imap)
    assert [(o.status, o.claim) for o in outcomes] == [
        ("created", "CL-M000001"),
        ("needs_review", "CL-M000001"),
        ("unknown_sender", None),
    ]
    assert outcomes[0].source.startswith(f"imaps://{imap.user}@127.0.0.1:")
    assert outcomes[0].source.endswith(";UID=1")
    # Each is stored (the new claim beside the seeded one, the two that wait) and
    # marked; none was made \Seen.
    assert _count(engine, IntakeMessage) == 3 and _count(engine, Claim) == 2
    assert imap.flags() == [{DONE}, {DONE}, {DONE}]
    # Taken once: the next pass finds nothing new.
    assert _once(engine, imap) == []
    assert _count(engine, IntakeMessage) == 3


def test_a_message_already_read_is_a_duplicate_and_creates_nothing(
    engine: Engine, imap: Imap, tmp_path: Path
) -> None:
    load(engine, tmp_path)
    data = raw(numbered_letter(), sender=FROM_PRO, message_id="<same@pm.fr>")
    imap.append(data)
    assert [o.status for o in _once(engine, imap)] == ["created"]
    # The professional sent it twice (or a colleague's client copied it back).
    imap.append(data)
    assert [(o.status, o.claim) for o in _once(engine, imap)] == [("duplicate", "CL-M000001")]
    assert _count(engine, Claim) == 2 and _count(engine, IntakeMessage) == 1
    assert imap.flags() == [{DONE}, {DONE}]


def test_a_refused_message_is_reported_once_and_marked_refused(
    engine: Engine, imap: Imap, tmp_path: Path
) -> None:
    load(engine, tmp_path)
    imap.append(
        b"Subject: no sender at all\r\n\r\nhello\r\n",
        raw(numbered_letter(), sender=FROM_PRO, message_id="<ok@pm.fr>"),
    )
    outcomes = _once(engine, imap)
    assert [(o.status, o.reason) for o in outcomes] == [
        ("rejected", "malformed"),
        ("created", None),
    ]
    assert _count(engine, IntakeMessage) == 1
    assert imap.flags() == [{DONE, REFUSED}, {DONE}]
    # Never retried: it is not new any more.
    assert _once(engine, imap) == []


def test_a_message_larger_than_the_limit_is_refused_unread(
    engine: Engine, imap: Imap, tmp_path: Path
) -> None:
    load(engine, tmp_path)
    imap.append(raw("x" * 4000, sender=FROM_PRO, message_id="<big@pm.fr>"))
    settings = imap.settings()
    outcomes = list(take_once(engine, lambda: open_mailbox(settings), agent="Camille", limit=1000))
    assert [(o.status, o.reason) for o in outcomes] == [("rejected", "too_large")]
    assert imap.flags() == [{DONE, REFUSED}]


class Killed(BaseException):
    """The process dies: nothing after this point runs."""


def test_a_crash_between_commit_and_mark_creates_nothing_twice(
    engine: Engine, imap: Imap, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(engine, tmp_path)
    imap.append(raw(numbered_letter(), sender=FROM_PRO, message_id="<crash@pm.fr>"))

    def dies_once_committed(*args: Any, **kwargs: Any) -> Outcome:
        intake_one(*args, **kwargs)  # the real one: its transaction commits
        raise Killed

    with monkeypatch.context() as patched:
        patched.setattr(intake_imap, "intake_one", dies_once_committed)
        with pytest.raises(Killed):
            _once(engine, imap)
    # Committed, but the server was never told.
    assert _count(engine, Claim) == 2
    assert imap.flags() == [set()]
    outcomes = _once(engine, imap)
    assert [(o.status, o.claim) for o in outcomes] == [("duplicate", "CL-M000001")]
    assert _count(engine, Claim) == 2 and _count(engine, IntakeMessage) == 1
    assert imap.flags() == [{DONE}]


def test_watch_takes_a_message_that_arrives_after_it_started(
    engine: Engine, imap: Imap, tmp_path: Path
) -> None:
    load(engine, tmp_path)
    imap.append(raw(numbered_letter(), sender=FROM_PRO, message_id="<w1@pm.fr>"))
    settings = imap.settings()
    waits: list[float] = []

    def wait(seconds: float) -> bool:
        waits.append(seconds)
        if len(waits) == 1:
            # While the watch waits, the professional writes again.
            imap.append(raw(_prose(), sender=FROM_PRO, message_id="<w2@pm.fr>"))
            return False
        return True  # then Ctrl+C

    events = list(
        watch(
            engine,
            lambda: open_mailbox(settings),
            agent="Camille",
            limit=LIMIT,
            poll_seconds=7,
            wait=wait,
            clock=lambda: AT,
        )
    )
    assert [getattr(e, "status", None) for e in events] == ["created", "needs_review"]
    assert waits == [7, 7]
    assert imap.flags() == [{DONE}, {DONE}]


def test_watch_reconnects_with_backoff_after_the_connection_drops(
    engine: Engine, imap: Imap, tmp_path: Path
) -> None:
    load(engine, tmp_path)
    settings = imap.settings()
    waits: list[float] = []

    def wait(seconds: float) -> bool:
        waits.append(seconds)
        if len(waits) == 1:
            # The server drops the connection while the watch waits; mail arrives.
            imap.server.kick(imap.user)
            imap.append(raw(numbered_letter(), sender=FROM_PRO, message_id="<r1@pm.fr>"))
        return len(waits) > 3

    events = list(
        watch(
            engine,
            lambda: open_mailbox(settings),
            agent="Camille",
            limit=LIMIT,
            poll_seconds=5,
            wait=wait,
            clock=lambda: AT,
        )
    )
    kinds = [type(e).__name__ for e in events]
    assert kinds == ["Reconnecting", "Reconnected", "Outcome"], events
    assert isinstance(events[0], Reconnecting) and events[0].delay == 1
    assert isinstance(events[1], Reconnected)
    assert waits == [5, 1, 5, 5]
    assert imap.flags() == [{DONE}]


def test_watch_backs_off_longer_while_the_server_stays_away(
    engine: Engine, imap: Imap, tmp_path: Path
) -> None:
    load(engine, tmp_path)
    settings = imap.settings()
    opened: list[Mailbox] = []
    attempts = 0

    def opener() -> Mailbox:
        nonlocal attempts
        attempts += 1
        if opened and attempts < 5:
            # The server is down: three attempts fail to connect.
            return open_mailbox(_unreachable(settings))
        opened.append(open_mailbox(settings))
        return opened[-1]

    waits: list[float] = []

    def wait(seconds: float) -> bool:
        waits.append(seconds)
        if len(waits) == 1:
            imap.server.kick(imap.user)
        return len(waits) > 5

    events = list(
        watch(
            engine,
            opener,
            agent="Camille",
            limit=LIMIT,
            poll_seconds=5,
            wait=wait,
            clock=lambda: AT,
        )
    )
    delays = [e.delay for e in events if isinstance(e, Reconnecting)]
    assert delays == [1, 2, 4, 8]
    assert waits == [5, 1, 2, 4, 8, 5]
    # The first line tells why the connection dropped, the next ones why it cannot come back.
    assert isinstance(events[1], Reconnecting) and "refused" in events[1].reason.casefold()


def _unreachable(settings: ImapSettings) -> ImapSettings:
    # Nothing listens on port 1 of this machine: the connection is refused.
    return replace(settings, port=1)


def test_a_server_without_keywords_gets_seen_and_flagged(
    engine: Engine, imap: Imap, tmp_path: Path
) -> None:
    load(engine, tmp_path)
    imap.append(
        raw(numbered_letter(), sender=FROM_PRO, message_id="<s1@pm.fr>"),
        b"Subject: no sender\r\n\r\nhello\r\n",
    )
    settings = imap.settings()

    def without_keywords() -> Mailbox:
        # Dovecot keeps keywords: here it stands for a server whose PERMANENTFLAGS lack \*.
        opened = open_mailbox(settings)
        opened.keywords = False
        return opened

    assert [o.status for o in _once(engine, imap, without_keywords)] == ["created", "rejected"]
    assert imap.flags() == [{"\\Seen"}, {"\\Seen", "\\Flagged"}]
    assert _once(engine, imap, without_keywords) == []
