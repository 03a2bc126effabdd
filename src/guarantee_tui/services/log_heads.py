"""Heads kept outside the database, and checking the log against them.

A head is `SEQ:HASH`: the number of the log's newest entry and its hash.
That hash covers the entry and, through each `prev_hash`, every entry before
it. A head kept where the database's users cannot write (another machine, an
append-only file, a mail) proves the log up to that entry: once the chain no
longer holds entry SEQ with that hash, entries were removed from its end, or
the log was rewritten at or before SEQ, its hashes recomputed included.

A heads file holds one head a line, `SEQ:HASH` then anything (`log head
--append-to` and `sync --watch --heads-file` write the time); blank lines and
lines starting with `#` are skipped.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from sqlalchemy import Engine

from guarantee_tui.errors import UserError
from guarantee_tui.i18n import Translator
from guarantee_tui.policy.messages import Message, msg, nmsg
from guarantee_tui.store import log as store
from guarantee_tui.store.log import GENESIS

# Up to 18 digits: any entry number fits a 64-bit integer.
_HEAD: Final = re.compile(r"(\d{1,18}):([0-9a-fA-F]{64})")
# How much of a heads file's end is read to find its last head.
_TAIL: Final = 4096


def format_head(seq: int, digest: str) -> str:
    return f"{seq}:{digest}"


def parse_head(text: str) -> tuple[int, str] | None:
    """(seq, hash) of `SEQ:HASH`, or None when the text is not one."""
    found = _HEAD.fullmatch(text.strip())
    if found is None:
        return None
    return int(found[1]), found[2].lower()


@dataclass(frozen=True, slots=True)
class KeptHead:
    seq: int
    hash: str
    # Where it was kept: a file and line, or the command line.
    origin: Message

    @property
    def text(self) -> str:
        return format_head(self.seq, self.hash)


class HeadsFileUnusable(UserError):
    """A heads file that cannot be read or written."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(str(path))
        self.path, self.reason = path, reason

    def describe(self, tr: Translator) -> str:
        return tr(
            "Cannot use the heads file {file}: {reason}.", file=str(self.path), reason=self.reason
        )


class BadHeadsLine(UserError):
    def __init__(self, path: Path, line: int, text: str) -> None:
        super().__init__(f"{path}:{line}")
        self.path, self.line, self.text = path, line, text

    def describe(self, tr: Translator) -> str:
        return tr(
            "{file}, line {line}: {text} is not a head (SEQ:HASH, as guarantee-tui log head "
            "prints it). Nothing was checked.",
            file=str(self.path),
            line=self.line,
            text=self.text[:80],
        )


def given_heads(values: Iterable[tuple[int, str]]) -> list[KeptHead]:
    """Heads given on the command line (`--head`)."""
    return [KeptHead(seq, digest, msg("given with --head")) for seq, digest in values]


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise HeadsFileUnusable(path, _reason(exc)) from None


def _reason(exc: Exception) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    return str(exc)


def read_heads_file(path: Path) -> list[KeptHead]:
    """Every head the file keeps, in its order; a line that is not one is an error."""
    heads = []
    for number, line in enumerate(_lines(path), start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        parsed = parse_head(text.split()[0])
        if parsed is None:
            raise BadHeadsLine(path, number, text)
        heads.append(
            KeptHead(parsed[0], parsed[1], msg("{file}, line {line}", file=str(path), line=number))
        )
    return heads


def _last_head(path: Path) -> tuple[int, str] | None:
    """The file's last head (None: no file, or no head in it)."""
    try:
        with path.open("rb") as file:
            size = file.seek(0, 2)
            file.seek(max(0, size - _TAIL))
            tail = file.read().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise HeadsFileUnusable(path, _reason(exc)) from None
    for line in reversed(tail.splitlines()):
        words = line.split()
        if words and not words[0].startswith("#"):
            return parse_head(words[0])
    return None


class HeadKeeper:
    """Appends the log's head to a file whenever it moved since the file's last line.

    Safe to call from several threads (`sync --watch` keeps heads from its
    own timer and after each delivery).
    """

    def __init__(self, engine: Engine, path: Path) -> None:
        self.engine, self.path = engine, path
        self._lock = threading.Lock()

    def keep(self) -> tuple[int, str, bool]:
        """(seq, hash, whether a line was appended)."""
        with self._lock:
            with self.engine.connect() as conn:
                seq, digest = store.head(conn)
            if _last_head(self.path) == (seq, digest):
                return seq, digest, False
            at = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
            try:
                with self.path.open("a", encoding="utf-8") as file:
                    file.write(f"{format_head(seq, digest)} {at}\n")
            except OSError as exc:
                raise HeadsFileUnusable(self.path, _reason(exc)) from None
            return seq, digest, True


class HeadCheck:
    """Kept heads, checked against the chain as `log verify` walks it."""

    def __init__(self, heads: Sequence[KeptHead]) -> None:
        self.wanted: dict[int, list[KeptHead]] = {}
        self.problems: list[Message] = []
        self.checked = 0
        for head in heads:
            if head.seq == 0:
                self.see(0, GENESIS, [head])
            else:
                self.wanted.setdefault(head.seq, []).append(head)

    def see(self, seq: int, digest: str, heads: Sequence[KeptHead] | None = None) -> None:
        """Entry `seq` of the chain has `digest` (called for the wanted entries only)."""
        for head in heads if heads is not None else self.wanted.pop(seq, ()):
            self.checked += 1
            if head.hash != digest:
                self.problems.append(
                    msg(
                        "kept head {head} ({origin}) does not match: entry {seq} now has the "
                        "hash {hash}, so the log was rewritten at or before that entry",
                        head=head.text,
                        origin=head.origin,
                        seq=seq,
                        hash=digest,
                    )
                )

    def finish(self, count: int, broken: bool) -> None:
        """The walk ended after `count` intact entries (`broken`: at a broken link)."""
        for seq in sorted(self.wanted):
            for head in self.wanted[seq]:
                self.checked += 1
                if broken:
                    problem = msg(
                        "kept head {head} ({origin}) lies beyond the broken link and "
                        "cannot be checked",
                        head=head.text,
                        origin=head.origin,
                    )
                else:
                    problem = nmsg(
                        "kept head {head} ({origin}) is past the end of the log, which has "
                        "{n} entry: entries were removed from its end",
                        "kept head {head} ({origin}) is past the end of the log, which has "
                        "{n} entries: entries were removed from its end",
                        count,
                        head=head.text,
                        origin=head.origin,
                    )
                self.problems.append(problem)
        self.wanted.clear()
