"""`guarantee-tui sync`: deliver the effects waiting for the marketplace."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import TYPE_CHECKING, Any, Final

from guarantee_tui.cli.common import Context, add_common
from guarantee_tui.errors import InvalidArgument
from guarantee_tui.i18n import N_, Translator

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from guarantee_tui.store.outbox import Effect

KIND_LABELS: Final = {
    "credit": N_("credit adjustment"),
    "suspension": N_("suspension"),
    "lift": N_("lift of a suspension"),
    "letter": N_("letter"),
}


def register(parser: argparse.ArgumentParser, subparsers: Any, tr: Translator) -> None:
    p = subparsers.add_parser(
        "sync",
        help=tr("send the effects of decisions to the marketplace"),
        description=tr(
            "Delivers every effect that is due (credits, suspensions, lifts, letters) to "
            "the marketplace, in order per professional, retrying transient failures. "
            "Exit status 0: nothing is left to send; 1: effects remain (a line per "
            "professional says why); 2: bad settings or a rejected token. The marketplace "
            "is $GUARANTEE_TUI_MARKETPLACE_URL, its token $GUARANTEE_TUI_MARKETPLACE_TOKEN "
            "(or [marketplace] url and token_file in the config file)."
        ),
    )
    add_common(p, tr)
    p.add_argument(
        "--max-wait",
        metavar="SECONDS",
        default="30",
        help=tr("how long to keep retrying transient failures (default: 30)"),
    )
    p.add_argument(
        "--watch",
        action="store_true",
        help=tr("keep running, sending effects as they come, until interrupted (SIGTERM)"),
    )
    p.add_argument(
        "--heads-file",
        metavar="FILE",
        help=tr(
            "append the log's head (SEQ:HASH and the time) to FILE whenever it moved: at "
            "the start, after deliveries, every minute with --watch, and at the end; "
            "log verify --heads-file FILE checks them"
        ),
    )
    p.set_defaults(run=run)


def why(effect: Effect, tr: Translator) -> str:
    """One line: what is holding a professional's queue back."""
    what = tr(
        "{kind} for claim {claim}",
        kind=tr(KIND_LABELS.get(effect.kind, effect.kind)),
        claim=effect.claim or "-",
    )
    if effect.state == "failed":
        return tr(
            "{professional}: {what}: failed, a supervisor must retry or cancel it ({error})",
            professional=effect.professional,
            what=what,
            error=effect.last_error or "-",
        )
    if effect.state == "retrying" and effect.next_try_at is not None:
        return tr.plural(
            "{professional}: {what}: retrying after {tries} try, next at {when} ({error})",
            "{professional}: {what}: retrying after {tries} tries, next at {when} ({error})",
            effect.tries,
            professional=effect.professional,
            what=what,
            tries=tr.number(effect.tries),
            when=tr.moment(effect.next_try_at, in_text=True),
            error=effect.last_error or "-",
        )
    if effect.state == "sending":
        return tr(
            "{professional}: {what}: being sent by another dispatcher",
            professional=effect.professional,
            what=what,
        )
    return tr("{professional}: {what}: waiting", professional=effect.professional, what=what)


def _max_wait(value: str, tr: Translator) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < float("inf"):
        raise InvalidArgument("--max-wait", value, tr("a number of seconds, 0 or more"))
    return seconds


# How often `sync --watch --heads-file` looks at the log's head between deliveries.
HEADS_EVERY: Final = 60.0


class _HeadsKept:
    """`--heads-file`: the head appended when it moved, from the dispatcher's
    thread (after deliveries) and from a timer of its own while watching."""

    def __init__(self, engine: Engine, path: str, tr: Translator) -> None:
        from pathlib import Path

        from guarantee_tui.services.log_heads import HeadKeeper

        self.keeper = HeadKeeper(engine, Path(path))
        self.tr = tr
        self.stopped = threading.Event()
        self.timer: threading.Thread | None = None

    def keep(self, *_: object) -> None:
        """A pass; a failure is told on stderr and the next pass tries again."""
        from sqlalchemy.exc import SQLAlchemyError

        from guarantee_tui.errors import UserError

        try:
            self.keeper.keep()
        except UserError as exc:
            print(exc.describe(self.tr), file=sys.stderr)
        except SQLAlchemyError as exc:
            print(
                self.tr("Could not read the log's head: {reason}", reason=str(exc).splitlines()[0]),
                file=sys.stderr,
            )

    def watch(self) -> None:
        def loop() -> None:
            while not self.stopped.wait(HEADS_EVERY):
                self.keep()

        self.timer = threading.Thread(target=loop, name="heads", daemon=True)
        self.timer.start()

    def stop(self) -> None:
        self.stopped.set()
        if self.timer is not None:
            self.timer.join()


def run(args: argparse.Namespace, ctx: Context) -> int:
    from guarantee_tui.platform.settings import marketplace_settings
    from guarantee_tui.services.effects import sync

    tr = ctx.tr
    max_wait = _max_wait(args.max_wait, tr)
    settings = marketplace_settings()
    settings.require()
    engine = ctx.engine()
    heads = _HeadsKept(engine, args.heads_file, tr) if args.heads_file else None

    def started(dispatcher: Any) -> None:
        if args.watch:
            # Finish the requests in flight, record them, then stop.
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: dispatcher.stop())
            if heads is not None:
                heads.watch()

    try:
        if heads is not None:
            # A file that cannot be written stops the command before anything is sent.
            heads.keeper.keep()
        result = sync(
            engine,
            settings,
            max_wait=max_wait,
            watch=args.watch,
            started=started,
            on_progress=None if heads is None else heads.keep,
        )
        if heads is not None:
            heads.stop()
            heads.keep()
    finally:
        if heads is not None:
            heads.stop()
        engine.dispose()
    print(
        tr.plural(
            "Delivered {n} effect.",
            "Delivered {n} effects.",
            result.delivered,
            n=tr.number(result.delivered),
        )
    )
    if not result.remaining:
        return 0
    print(
        tr.plural(
            "{n} professional still has effects to send:",
            "{n} professionals still have effects to send:",
            len(result.remaining),
            n=tr.number(len(result.remaining)),
        ),
        file=sys.stderr,
    )
    for effect in result.remaining:
        print(why(effect, tr), file=sys.stderr)
    return 1
