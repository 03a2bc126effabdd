"""The app takes the IMAP mailbox's new messages in the background.

With `[intake] imap_url` in the config file, once the database is open: one
pass at once, then one every `[intake] imap_poll_seconds`, each in a thread
worker through `App.run_db` (services/intake_imap.py: a message is marked
taken on the server only once its outcome is committed). A pass never
starts while the previous one runs. The claims it creates reach the screens
as any other agent's acts do; the waiting messages are the Intake screen's.

A failure (a wrong setting, a server away, a refused login) goes through the
app's one error path (`App.show_error`) once: the same failure at the next
passes is not told again, until a pass succeeds or another failure comes.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any, Final

from guarantee_tui.errors import UserError

if TYPE_CHECKING:
    from textual.worker import Worker

    from guarantee_tui.config import ImapSettings
    from guarantee_tui.ui.app import GuaranteeApp

GROUP: Final = "imap-intake"


def _configured() -> tuple[ImapSettings, int] | None:
    from guarantee_tui.config import imap_configured

    # Checked first: without a mailbox the app never loads the mail readers.
    if not imap_configured():
        return None
    from guarantee_tui.services.intake_imap import configured

    return configured()


class BackgroundIntake:
    def __init__(self, app: GuaranteeApp) -> None:
        self.app = app
        self._settings: tuple[ImapSettings, int] | None = None
        self._running = False
        self._told: str | None = None
        # The last worker started, and how many passes have ended (tests await them).
        self.worker: Worker[Any] | None = None
        self.finished = 0

    def start(self) -> None:
        """Once the database is open: reads the settings, then takes and polls."""
        self.worker = self.app.run_db(
            lambda _db: _configured(),
            self._configured,
            group=GROUP,
            node=self.app,
            on_error=self._failed,
        )

    def _configured(self, found: tuple[ImapSettings, int] | None) -> None:
        if found is None:
            return  # no mailbox configured: nothing runs
        self._settings = found
        self.app.set_interval(found[0].poll_seconds, self.take)
        self.take()

    def take(self) -> None:
        """One pass over the mailbox, unless one is under way."""
        if self._settings is None or self._running:
            return
        from guarantee_tui.services.intake_imap import take_all

        settings, limit = self._settings
        agent = self.app.agent
        self._running = True
        self.worker = self.app.run_db(
            lambda db: take_all(db, settings, agent=agent, limit=limit),
            self._taken,
            group=GROUP,
            node=self.app,
            on_error=self._failed,
        )

    def _taken(self, _counts: Counter[str]) -> None:
        self._running = False
        self.finished += 1
        self._told = None  # working again: the next failure is news

    def _failed(self, error: BaseException) -> bool:
        """True (handled, say nothing) when this failure was told already."""
        if self._running:
            self.finished += 1
        self._running = False
        told = error.describe(self.app.tr) if isinstance(error, UserError) else repr(error)
        if told == self._told:
            return True
        self._told = told
        return False
