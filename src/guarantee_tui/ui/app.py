"""The agent workspace: a Textual app over the services.

Database work never runs on the event loop: screens call `run_db`, which runs
the job in a thread worker once the database is open and hands the result
back on the loop. Failures are handled here, in one place: a mistake of the
user's becomes a notice, an unusable database an error screen with what to
do, anything else an error screen and a log file, never a traceback.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import Future, InvalidStateError
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from time import monotonic
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from platformdirs import user_log_path
from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.dom import DOMNode, NoScreen
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.worker import Worker, WorkerState

from guarantee_tui.config import Settings, opening_view
from guarantee_tui.errors import UserError
from guarantee_tui.filters import PAGE_SIZE, QueueFilter, QueueSort
from guarantee_tui.i18n import LANGUAGE_NAMES, LANGUAGES, N_, Translator, translator
from guarantee_tui.text import visible
from guarantee_tui.ui.base import Translated
from guarantee_tui.ui.bindings import check_keymap, listed, translate_bindings
from guarantee_tui.ui.later import Later
from guarantee_tui.ui.link import FOLLOW_GROUP, MarketplaceLink
from guarantee_tui.ui.theme import apply as apply_theme
from guarantee_tui.ui.typography import keep_no_break_spaces

if TYPE_CHECKING:
    from guarantee_tui.platform.settings import MarketplaceSettings
    from guarantee_tui.services.events import Change
    from guarantee_tui.services.first_page import FirstPage
    from guarantee_tui.ui.imap_intake import BackgroundIntake

T = TypeVar("T")
MIN_WIDTH, MIN_HEIGHT = 80, 24
# The database opens once the first page has painted, or after this long.
OPEN_AT_LATEST = 1.0
# How long the queue waits for its first page before showing without it.
FIRST_PAGE_WAIT = 0.15
# Other agents' acts: how long one wait for them lasts (and so how late the
# follower notices the app closing), how often SQLite is asked (PostgreSQL
# tells at once), and the pause before following again after a failure.
FOLLOW_WAIT = 0.5
FOLLOW_POLL = 0.5
FOLLOW_RESTART = 5.0
# Quitting gives back the claims the agent holds, waiting this long at most
# for the database (a lease left behind expires anyway).
RELEASE_AT_QUIT = 2.0
log = logging.getLogger(__name__)

# Once, before anything is drawn: French screens never begin a line with ":".
keep_no_break_spaces()

# glibc's malloc gives each thread that allocates an arena of its own (up to
# 8 per core), and memory freed in one is reused there only: the workers,
# each in a thread of the pool, left 4 MiB of free but resident memory in
# theirs over the benchmark's tour (scripts/bench.py, Memory section). Two:
# the event loop's, and one the workers share (they take turns on the
# interpreter lock anyway, so they hardly wait for it).
MALLOC_ARENAS = 2
M_ARENA_MAX = -8  # mallopt's parameter, from glibc's malloc.h


def fewer_malloc_arenas() -> None:
    """Caps glibc's malloc arenas at MALLOC_ARENAS; a no-op on other C libraries,
    and when MALLOC_ARENA_MAX is set (the person's choice wins)."""
    import os
    import sys

    if not sys.platform.startswith("linux") or "MALLOC_ARENA_MAX" in os.environ:
        return
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (AttributeError, OSError):
        return  # musl and the like: no mallopt, and no arena per thread
    mallopt(M_ARENA_MAX, MALLOC_ARENAS)


class AppClosed(Exception):
    """The app closed before the database opened."""


class OthersActed(Message):
    """Changes made on the database (by other agents mostly), posted by the follower."""

    def __init__(self, changes: list[Change]) -> None:
        super().__init__()
        self.changes = changes


@dataclass(slots=True)
class _FirstPageRead:
    """A read of the queue's opening page: the page (None if it could not be
    read that way), who waits for it, and whether a worker waits for it."""

    done: Future[FirstPage | None] = field(default_factory=Future)
    waiting: list[Callable[[FirstPage], None]] = field(default_factory=list)
    watched: bool = False


@dataclass(frozen=True, slots=True)
class _Pending:
    on_done: Callable[[Any], None]
    on_error: Callable[[BaseException], bool] | None
    node: DOMNode


class GuaranteeApp(App[None]):
    TITLE = "guarantee-tui"
    CSS_PATH = Path(__file__).with_name("app.tcss")
    ENABLE_COMMAND_PALETTE = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "phone", N_("Phone desk"), id="phone"),
        Binding("l", "log", N_("Log"), id="log"),
        Binding("question_mark", "help", N_("Keys"), id="help"),
        Binding("q", "quit", N_("Quit"), id="quit"),
    ]

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Callable[[], datetime] | None = None,
        database: Any = None,
        marketplace: MarketplaceSettings | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.database: Any = database
        self.database_name = ""
        # Until the first page has painted, nothing heavy runs beside the
        # event loop (see `start_background`).
        self._background = False
        self._first_page_file: Path | None = None
        self._first_pages: dict[tuple[QueueFilter, QueueSort, int], _FirstPageRead] = {}
        if database is None:
            self._start_opening_page()
        # Every state readable at WCAG AA contrast (ui/theme.py).
        apply_theme(self)
        # Sends the effects and pulls the facts once the database is open (ui/link.py).
        self.link = MarketplaceLink(self, marketplace)
        self.tr: Translator = translator(settings.lang)
        # Checked here, before anything shows: a wrong entry is a config error.
        self.set_keymap(check_keymap(settings.keymap))
        self._clock = clock
        self.actor_role = "agent"
        self._db_ready = threading.Event()
        self._open_error: BaseException | None = None
        self._pending: dict[Worker[Any], _Pending] = {}
        self._too_small_shown = False
        self._started = False
        self._lines: tuple[datetime, list[Any]] | None = None
        self._lines_pending = False
        # Who the database says acts (on PostgreSQL, the login's agent) and the
        # markets they work (None: not known yet), once the database is open.
        self.actor_name = " ".join(self.agent.split())
        self.actor_markets: frozenset[str] | None = None
        # Checked when the settings were read: a bad value never gets this far.
        self.lease_minutes = settings.lease_minutes
        # The last key or click: a claim stays taken while its agent is at work.
        self.last_activity = monotonic()
        self._stop_following = threading.Event()
        # Takes the IMAP mailbox's new messages, when one is configured (ui/imap_intake.py).
        self.imap_intake: BackgroundIntake | None = None

    # --- time, language -------------------------------------------------

    def now(self) -> datetime:
        return self._clock() if self._clock is not None else datetime.now(UTC)

    @property
    def agent(self) -> str:
        return self.settings.agent or ""

    def set_language(self, language: str) -> None:
        self.tr = translator(language)
        translate_bindings(self, self.tr)
        for screen in self.screen_stack:
            if isinstance(screen, Translated):
                screen.retranslate()
        self.notify(
            self.tr("Language: {name}", name=LANGUAGE_NAMES[self.tr.language]), markup=False
        )

    # --- start-up ---------------------------------------------------------

    async def on_mount(self) -> None:
        translate_bindings(self, self.tr)
        if self.database is not None:
            self._background = True
            self._database_opened(self.database)
        elif self._first_page_file is None:
            self.start_background()
        else:
            Later(self, OPEN_AT_LATEST, self.start_background)
        from guarantee_tui.ui.screens.queue import QueueScreen

        queue = QueueScreen()
        arrived = asyncio.Event()

        def preload(page: FirstPage) -> None:
            queue.preload(page)
            arrived.set()

        preloading = self.first_page(queue.filter, queue.sort, PAGE_SIZE, preload)
        if preloading:
            # Pushed with its first page, the queue paints once, not empty
            # then full; a slow read delays it this long at most.
            with suppress(TimeoutError):
                await asyncio.wait_for(arrived.wait(), FIRST_PAGE_WAIT)
        await self.push_screen(queue)
        if preloading:
            self.call_after_refresh(self.start_background)
        self._started = True
        self.check_size()

    def on_unmount(self) -> None:
        # Database jobs still waiting for the database (the app closed before it
        # opened) must not keep the process alive: their threads are joined at exit.
        if not self._db_ready.is_set():
            self._open_error = AppClosed()
            self._db_ready.set()
        self.link.stop()
        self._stop_following.set()

    def start_background(self) -> None:
        """Opens the database and works out the office hours.

        Importing SQLAlchemy and the holiday calendars takes longer than
        Textual takes to start, and a thread doing it slows the event loop
        down as much. So, for a SQLite file, this waits until the queue's
        first page, read with sqlite3 alone (`first_page`), has painted.
        """
        if self._background:
            return
        self._background = True
        if self.database is None:
            self.run_worker(
                self._open_database, thread=True, exit_on_error=False, group="open-database"
            )
        self.line_statuses()

    def _start_opening_page(self) -> None:
        """Starts reading the queue's opening page from a SQLite file, before
        the app runs: the file is read while Textual starts and the language's
        data loads, not after."""
        from guarantee_tui.services import first_page

        path = self._first_page_file = first_page.database_file(self.settings.db)
        if path is None:
            return
        self.database_name = path.name
        f, sort = opening_view(self.settings.filters)
        if first_page.serves(f, sort):
            self._read_first_page((f, sort, PAGE_SIZE))

    def _read_first_page(self, key: tuple[QueueFilter, QueueSort, int]) -> _FirstPageRead:
        from guarantee_tui.services import first_page

        path = self._first_page_file
        assert path is not None
        f, sort, limit = key
        agent = self.agent
        read = self._first_pages[key] = _FirstPageRead()

        def work() -> None:
            try:
                page = first_page.read(path, f, sort, limit, agent)
            except Exception:
                # Only a head start: the database, once open, shows and
                # explains whatever went wrong.
                log.exception("reading the first page of %s", path)
                page = None
            read.done.set_result(page)

        # A thread of its own: the app may not run yet (no worker before then).
        threading.Thread(target=work, name="first-page", daemon=True).start()
        return read

    def first_page(
        self,
        f: QueueFilter,
        sort: QueueSort,
        limit: int,
        on_done: Callable[[FirstPage], None],
    ) -> bool:
        """Has the queue's opening page, read before the database is open,
        handed to `on_done` on the event loop; False if it cannot be read that way.

        Whoever receives the page calls `start_background` once it has painted.
        """
        from guarantee_tui.services import first_page

        path = self._first_page_file
        if path is None or self._background or not first_page.serves(f, sort):
            return False
        key = (f, sort, limit)
        read = self._first_pages.get(key) or self._read_first_page(key)
        read.waiting.append(on_done)
        if read.done.done():
            self._first_page_read(key)
        elif not read.watched:
            read.watched = True

            # Waited for in a worker, so that the app counts it as work under way.
            def wait() -> None:
                read.done.result()
                self.call_from_thread(self._first_page_read, key)

            self.run_worker(wait, thread=True, exit_on_error=False, group="first-page")
        return True

    def _first_page_read(self, key: tuple[QueueFilter, QueueSort, int]) -> None:
        read = self._first_pages[key]
        page = read.done.result()
        if page is None:
            self.start_background()
            return
        waiting, read.waiting = read.waiting, []
        if waiting:
            self._deliver_first_page(page, waiting)

    def _deliver_first_page(
        self, page: FirstPage, callbacks: list[Callable[[FirstPage], None]]
    ) -> None:
        # The receiver calls `start_background` once the page has painted.
        if page.role is not None:
            self._role_loaded(page.role)
        for callback in callbacks:
            callback(page)

    def _open_database(self) -> None:
        from guarantee_tui.services import database

        # Here, in a worker, before the database's workers start allocating:
        # importing ctypes takes 8 ms, kept off the first paint and the loop.
        fewer_malloc_arenas()

        try:
            opened = database.open_(self.settings.db)
        except BaseException as exc:
            self._open_error = exc
            self._db_ready.set()
            raise
        self.call_from_thread(self._database_opened, opened)

    def _database_opened(self, opened: Any) -> None:
        from guarantee_tui.services import database

        self.database = opened
        self.database_name = database.name(opened)
        self._db_ready.set()
        self.run_db(self._load_role, self._role_loaded, group="role", node=self)
        self.run_db(
            self._load_team,
            self._team_loaded,
            group="team",
            node=self,
            on_error=lambda error: isinstance(error, UserError),
        )
        self.link.start()
        self.run_worker(self._follow, thread=True, exit_on_error=False, group=FOLLOW_GROUP)
        if self.imap_intake is None:
            from guarantee_tui.ui.imap_intake import BackgroundIntake

            self.imap_intake = BackgroundIntake(self)
            self.imap_intake.start()

    def _load_role(self, db: Any) -> str:
        from guarantee_tui.services.roles import role_of

        return role_of(db, self.agent)

    def _role_loaded(self, role: str) -> None:
        self.actor_role = role
        self.refresh_header()
        # What a screen offers may depend on the role (the log's review).
        self.screen.refresh_bindings()

    def _load_team(self, db: Any) -> tuple[str, frozenset[str]]:
        from guarantee_tui.services.agents import current, markets_of

        # A UserError (no agent named on SQLite, another agent's name on
        # PostgreSQL) leaves the defaults: the screens that act say why.
        return current(db, self.agent).name, markets_of(db, self.agent)

    def _team_loaded(self, team: tuple[str, frozenset[str]]) -> None:
        self.actor_name, self.actor_markets = team
        for screen in self.screen_stack:
            known = getattr(screen, "team_known", None)
            if callable(known):
                known()

    def is_me(self, agent: str | None) -> bool:
        """Whether a change was made by the agent at this desk."""
        return agent is not None and agent == self.actor_name

    # --- other agents' acts, as they happen ---------------------------------

    def _follow(self) -> None:
        """Runs as long as the app: hands each batch of changes to the open screens."""
        from guarantee_tui.services import events

        while not self._stop_following.is_set():
            try:
                with events.follow(
                    self.database, poll_every=FOLLOW_POLL, stop=self._stop_following
                ) as feed:
                    while not self._stop_following.is_set():
                        changes = feed.wait(FOLLOW_WAIT)
                        if changes and not self._stop_following.is_set():
                            # Posted (thread-safe), never waited for: the
                            # screens act on it in their own turn.
                            self.post_message(OthersActed(changes))
            except Exception:
                # The database went away: the screens say so when they load;
                # following starts again once it may be back.
                log.exception("following the other agents' acts")
                self._stop_following.wait(FOLLOW_RESTART)

    def in_view(self, screen: Screen[Any]) -> bool:
        """Whether `screen` shows: the current one, or under dialogs only."""
        stack = self.screen_stack
        if screen not in stack:
            return False
        above = stack[stack.index(screen) + 1 :]
        return all(isinstance(s, ModalScreen) for s in above)

    def on_others_acted(self, message: OthersActed) -> None:
        # Each open screen shows what concerns it (a dialog may close), in its
        # own queue: a screen pushed but not yet composed gets it once it is.
        for screen in list(self.screen_stack):
            handler = getattr(screen, "others_acted", None)
            if callable(handler):
                screen.call_later(self._tell, screen, handler, message.changes)

    def _tell(self, node: DOMNode, show: Callable[[T], None], what: T) -> None:
        if self.present(node):
            show(what)

    def present(self, node: DOMNode) -> bool:
        """Whether `node` still shows what it asked for: the app running and the
        node on a screen of the stack. A popped screen, and every screen of a
        closing app, is taken down while answers may still come for it; its
        widgets are gone by then."""
        if not self.is_running:
            return False
        if node is self:
            return True
        if not node.is_attached:
            return False
        try:
            return node.screen in self.screen_stack
        except NoScreen:
            return False

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown):
            self.last_activity = monotonic()
        await super().on_event(event)

    def refresh_header(self) -> None:
        """Paints the header of every open screen again (role, lines, link)."""
        for screen in self.screen_stack:
            for bar in screen.query("TopBar"):
                bar.refresh_text()  # type: ignore[attr-defined]

    def retry_database(self) -> None:
        self._open_error = None
        self._db_ready.clear()
        self.run_worker(
            self._open_database, thread=True, exit_on_error=False, group="open-database"
        )

    # --- the support lines, for the header ----------------------------------

    def line_statuses(self) -> list[Any] | None:
        """Each market's line now, as last worked out; asks for this minute's if older."""
        minute = self.now().replace(second=0, microsecond=0)
        if self._lines is not None and self._lines[0] == minute:
            return self._lines[1]
        if not self._lines_pending and self._background:
            self._lines_pending = True
            self.run_worker(self._compute_lines, thread=True, exit_on_error=False, group="lines")
        return self._lines[1] if self._lines is not None else None

    def _compute_lines(self) -> None:
        from guarantee_tui.services.hours import lines

        now = self.now()
        statuses = list(lines(now, self.settings.hours).values())
        self.call_from_thread(self._lines_ready, now.replace(second=0, microsecond=0), statuses)

    def _lines_ready(self, minute: datetime, statuses: list[Any]) -> None:
        self._lines = (minute, statuses)
        self._lines_pending = False
        self.refresh_header()

    def refresh_screens(self) -> None:
        """Loads every open screen again (after the database came back)."""
        for screen in self.screen_stack:
            reload = getattr(screen, "reload", None)
            if callable(reload):
                reload()

    # --- database work ----------------------------------------------------

    def run_db(
        self,
        job: Callable[[Any], T],
        on_done: Callable[[T], None],
        *,
        group: str,
        node: DOMNode,
        on_error: Callable[[BaseException], bool] | None = None,
    ) -> Worker[T]:
        def runner() -> T:
            self._db_ready.wait()
            if self._open_error is not None:
                raise self._open_error
            # Imported once the database is open, never before the first paint.
            from guarantee_tui.services.database import guarded

            return guarded(self.database, job)

        worker: Worker[T] = self.run_worker(
            runner,
            thread=True,
            group=group,
            exclusive=True,
            exit_on_error=False,
            name=group,
        )
        self._pending[worker] = _Pending(on_done, on_error, node)
        return worker

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group == "open-database" and event.state is WorkerState.ERROR:
            assert worker.error is not None
            self.show_error(worker.error)
            return
        pending = self._pending.get(worker)
        if pending is None:
            return
        if event.state is WorkerState.SUCCESS:
            del self._pending[worker]
            if self.present(pending.node):
                pending.on_done(worker.result)
        elif event.state is WorkerState.ERROR:
            del self._pending[worker]
            error = worker.error
            assert error is not None
            if pending.on_error is not None and pending.on_error(error):
                return
            self.show_error(error)
        elif event.state is WorkerState.CANCELLED:
            del self._pending[worker]

    def show_error(self, error: BaseException) -> None:
        from guarantee_tui.services.database import DatabaseUnavailable, StoreError
        from guarantee_tui.ui.screens.error import ErrorScreen

        if isinstance(error, DatabaseUnavailable | StoreError):
            self._show_error_screen(ErrorScreen(error.describe(self.tr), retry=True))
        elif isinstance(error, UserError):
            self.notify(error.describe(self.tr), severity="error", markup=False, timeout=8)
        else:
            path = self._write_crash_log(error)
            message = self.tr(
                "Something went wrong that should not have: {error}. The details are in {path}.",
                error=f"{type(error).__name__}: {error}",
                path=str(path),
            )
            self._show_error_screen(ErrorScreen(message, retry=False))

    def _show_error_screen(self, screen: Screen[Any]) -> None:
        from guarantee_tui.ui.screens.error import ErrorScreen

        if not isinstance(self.screen, ErrorScreen):
            self.push_screen(screen)

    def _write_crash_log(self, error: BaseException) -> Path:
        path = user_log_path("guarantee-tui") / "errors.log"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as f:
                f.write(f"--- {datetime.now(UTC).isoformat()}\n")
                f.write("".join(traceback.format_exception(error)))
        except OSError:
            log.exception("cannot write %s", path)
        return path

    # --- size -------------------------------------------------------------

    def on_resize(self) -> None:
        self.check_size()

    def check_size(self) -> None:
        if not self._started:
            return
        small = self.size.width < MIN_WIDTH or self.size.height < MIN_HEIGHT
        if small == self._too_small_shown:
            return
        # Imported only when needed: this runs at start-up, before the first paint.
        from guarantee_tui.ui.screens.too_small import TooSmallScreen

        self._too_small_shown = small
        if small:
            self.push_screen(TooSmallScreen())
        elif isinstance(self.screen, TooSmallScreen):
            self.pop_screen()

    # --- actions and commands --------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A dialog is finished or cancelled before going elsewhere.
        if action not in ("phone", "log") or not isinstance(self.screen, ModalScreen):
            return True
        from guarantee_tui.ui.screens.help import HelpScreen

        # The help lists what works on the screen below it.
        return isinstance(self.screen, HelpScreen)

    def action_phone(self) -> None:
        from guarantee_tui.ui.screens.phone import PhoneScreen

        if not isinstance(self.screen, PhoneScreen):
            self.push_screen(PhoneScreen())

    def action_log(self) -> None:
        from guarantee_tui.ui.base import AppScreen
        from guarantee_tui.ui.screens.log import LogScreen, open_log

        if isinstance(self.screen, LogScreen):
            return
        if isinstance(self.screen, AppScreen):
            open_log(self.screen)
        else:
            self.push_screen(LogScreen())

    def action_help(self) -> None:
        from guarantee_tui.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        from guarantee_tui.ui.palette import Palette

        if self.use_command_palette and not isinstance(self.screen, CommandPalette):
            self.push_screen(Palette(self.tr))

    async def action_quit(self) -> None:
        # Quitting from the error screen is stopping on an error: the shell's
        # status says so (`guarantee-tui || ...`); the command line returns it.
        from guarantee_tui.ui.screens.error import ErrorScreen

        on_error = isinstance(self.screen, ErrorScreen)
        if not on_error:
            await self._release_claims()
        self.exit(return_code=1 if on_error else 0)

    async def _release_claims(self) -> None:
        """Gives back the claims the agent holds, for the team to take at once.

        Best effort, within the quit: a database that does not answer within
        RELEASE_AT_QUIT is left behind (the leases expire, as after a crash).
        The thread is a daemon: the process's exit never waits for it."""
        if not self._db_ready.is_set() or self._open_error is not None or self.database is None:
            return
        database, agent = self.database, self.agent
        done: Future[None] = Future()

        def work() -> None:
            from guarantee_tui.services.database import guarded
            from guarantee_tui.services.leases import release_all

            try:
                guarded(database, lambda db: release_all(db, agent))
            except UserError:
                pass  # nobody known to act here (SQLite without a name): nothing held
            except Exception:
                log.exception("giving back the claims held at quit")
            with suppress(InvalidStateError):
                done.set_result(None)

        threading.Thread(target=work, name="release-at-quit", daemon=True).start()
        with suppress(TimeoutError):
            await asyncio.wait_for(asyncio.wrap_future(done), RELEASE_AT_QUIT)

    def action_help_quit(self) -> None:
        # Textual's ctrl+c reminder, in the UI language.
        for active in self.active_bindings.values():
            if active.binding.action in ("quit", "app.quit"):
                self.notify(
                    self.tr("Press {key} to quit.", key=self.get_key_display(active.binding)),
                    title=self.tr("Do you want to quit?"),
                    markup=False,
                )
                return

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        # What the help lists (Textual's own commands, in English, are left
        # out), less the palette itself, then the languages.
        tr = self.tr
        for entry in listed(self, screen):
            if entry.is_palette:
                continue
            yield SystemCommand(
                entry.description
                if entry.enabled
                else tr("{action} (not now)", action=entry.description),
                tr("Key: {key}", key=" ".join(entry.keys)),
                _runner(self, entry.node, entry.action),
            )
        for code in LANGUAGES:
            if code != tr.language:
                yield SystemCommand(
                    tr("Language: {name}", name=LANGUAGE_NAMES[code]),
                    tr("Show every screen in this language"),
                    _language(self, code),
                )
        # The queue's saved filters (the config file's [filters.NAME]).
        apply_saved = getattr(screen, "apply_saved", None)
        for name in getattr(screen, "saved_filters", ()):
            if callable(apply_saved):
                yield SystemCommand(
                    tr("Saved filter: {name}", name=visible(name)),
                    tr("Show the queue through this filter of the config file"),
                    _saved(apply_saved, name),
                )


def _runner(app: App[Any], node: DOMNode, action: str) -> Callable[[], Any]:
    async def run() -> None:
        await app.run_action(action, node)

    return run


def _language(app: GuaranteeApp, code: str) -> Callable[[], None]:
    return lambda: app.set_language(code)


def _saved(apply: Callable[[str], None], name: str) -> Callable[[], None]:
    return lambda: apply(name)
