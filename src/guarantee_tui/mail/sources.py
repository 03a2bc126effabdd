"""Where messages come from: `.eml` files, mbox files, Maildir folders.

Each source yields `RawMessage`s: where the message was read and its bytes
exactly as stored, read up to a limit (a bigger message comes without its
bytes, to be refused without being loaded). An IMAP mailbox is one more
source of the same kind.

`open_sources(paths)` checks every path before a single message is read: a
path that does not exist, cannot be read, is empty, or is a folder that is
not a Maildir (no `cur` and `new` inside) is `UnreadableInput`, and nothing
is done. A file whose first line starts with "From " is an mbox; any other
file is one message.
"""

from __future__ import annotations

import mailbox
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Final

from guarantee_tui.errors import UserError
from guarantee_tui.policy.vocabulary import N_

if TYPE_CHECKING:
    from guarantee_tui.i18n import Translator

# The largest message read (attachments included); the config file's
# `[intake] max_message_mb` may change it.
DEFAULT_MAX_BYTES: Final = 25 * 1024 * 1024
_MBOX_START: Final = b"From "


class UnreadableInput(UserError):
    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason

    def describe(self, tr: Translator) -> str:
        return tr(
            "Cannot read {path}: {reason}. Nothing was taken in.",
            path=self.path,
            reason=tr(self.reason),
        )


@dataclass(frozen=True, slots=True)
class RawMessage:
    # Where it was read: "FILE", "MBOX#12" (its 12th message), "MAILDIR#KEY".
    origin: str
    # The message's bytes; None when it is larger than the limit.
    data: bytes | None


def _bounded(handle: BinaryIO, limit: int) -> bytes | None:
    data = handle.read(limit + 1)
    return None if len(data) > limit else data


@dataclass(frozen=True, slots=True)
class FileSource:
    path: Path

    def messages(self, limit: int) -> Iterator[RawMessage]:
        origin = str(self.path)
        try:
            if self.path.stat().st_size > limit:
                yield RawMessage(origin, None)
                return
            with self.path.open("rb") as f:
                yield RawMessage(origin, _bounded(f, limit))
        except OSError as exc:
            raise UnreadableInput(origin, exc.strerror or str(exc)) from exc


@dataclass(frozen=True, slots=True)
class MboxSource:
    path: Path

    def messages(self, limit: int) -> Iterator[RawMessage]:
        try:
            box = mailbox.mbox(self.path, create=False)
        except OSError as exc:
            raise UnreadableInput(str(self.path), exc.strerror or str(exc)) from exc
        try:
            for number, key in enumerate(box.iterkeys(), start=1):
                with box.get_file(key) as f:
                    data = _bounded(f, limit)  # type: ignore[arg-type]
                yield RawMessage(f"{self.path}#{number}", data)
        except OSError as exc:
            raise UnreadableInput(str(self.path), exc.strerror or str(exc)) from exc
        finally:
            box.close()


@dataclass(frozen=True, slots=True)
class MaildirSource:
    path: Path

    def messages(self, limit: int) -> Iterator[RawMessage]:
        box = mailbox.Maildir(self.path, factory=None, create=False)
        try:
            for key in sorted(box.iterkeys()):
                try:
                    with box.get_file(key) as f:
                        data = _bounded(f, limit)  # type: ignore[arg-type]
                except KeyError:
                    continue  # taken away meanwhile (another reader moved it)
                yield RawMessage(f"{self.path}#{key}", data)
        except OSError as exc:
            raise UnreadableInput(str(self.path), exc.strerror or str(exc)) from exc


Source = FileSource | MboxSource | MaildirSource


def open_source(path: Path) -> Source:
    where = str(path)
    if path.is_dir():
        if (path / "cur").is_dir() and (path / "new").is_dir():
            if not os.access(path / "cur", os.R_OK | os.X_OK):
                raise UnreadableInput(where, N_("permission denied"))
            return MaildirSource(path)
        raise UnreadableInput(where, N_("a folder that is not a Maildir (no cur and new inside)"))
    try:
        with path.open("rb") as f:
            start = f.read(len(_MBOX_START))
    except FileNotFoundError:
        raise UnreadableInput(where, N_("no such file or folder")) from None
    except OSError as exc:
        raise UnreadableInput(where, exc.strerror or str(exc)) from exc
    if not start:
        raise UnreadableInput(where, N_("the file is empty"))
    return MboxSource(path) if start == _MBOX_START else FileSource(path)


def open_sources(paths: Sequence[Path]) -> list[Source]:
    """Every path as a source, all checked before anything is read."""
    return [open_source(Path(p)) for p in paths]


def read_sources(sources: Sequence[Source], limit: int = DEFAULT_MAX_BYTES) -> Iterator[RawMessage]:
    for source in sources:
        yield from source.messages(limit)
