"""Calls after a delay that always happen: late under load, never not at all.

Textual's one-shot timer skips its only tick when it first looks at the clock
after its delay has passed (the process busy, another thread holding the
interpreter): a search typed, a stale refresh, a loading screen would then
silently never come. The event loop's own delayed call runs late instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual.message_pump import MessagePump


class Later:
    """`callback` run by `owner` after `delay` seconds, unless stopped first.

    It runs through the owner's messages, as a timer's would: in its turn,
    never in the middle of another of the owner's handlers, and not at all
    once the owner is gone. A delay of zero or less runs it after the messages
    already waiting, where a Pilot's pause sees it coming.
    """

    def __init__(self, owner: MessagePump, delay: float, callback: Callable[[], object]) -> None:
        self._callback: Callable[[], object] | None = callback
        self._handle: asyncio.TimerHandle | None = None
        if delay > 0:
            self._handle = asyncio.get_running_loop().call_later(delay, owner.call_later, self._run)
        else:
            owner.call_later(self._run)

    def _run(self) -> None:
        callback, self._callback = self._callback, None
        if callback is not None:
            callback()

    def stop(self) -> None:
        """Forgets the call if it has not run yet."""
        self._callback = None
        if self._handle is not None:
            self._handle.cancel()


class TypingPause:
    """Runs the last callback given once `delay` has passed without another:
    each new key puts the work off again."""

    def __init__(self, owner: MessagePump) -> None:
        self._owner = owner
        self._later: Later | None = None

    def after(self, delay: float, callback: Callable[[], object]) -> None:
        self.cancel()
        self._later = Later(self._owner, delay, callback)

    def cancel(self) -> None:
        """Forgets what was waiting, if anything."""
        if self._later is not None:
            self._later.stop()
            self._later = None
