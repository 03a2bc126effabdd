"""`guarantee-tui` with no subcommand: the agent workspace."""

from __future__ import annotations

import argparse
import gc
import sys
from typing import Any

from guarantee_tui.cli.common import Context
from guarantee_tui.i18n import Translator


def register(parser: argparse.ArgumentParser, subparsers: Any, tr: Translator) -> None:
    parser.add_argument(
        "--agent",
        metavar="NAME",
        help=tr("who you are, as recorded with every act (default: $GUARANTEE_TUI_AGENT)"),
    )
    parser.set_defaults(run=run)


# How long a thread may hold the interpreter lock while another waits for it.
SWITCH_INTERVAL_S = 0.001


def prepare_process() -> None:
    """Settings of the interpreter for an interactive app with thread workers.

    What importing made lives as long as the process: frozen, the collector
    no longer walks it again and again (a full collection took 20 ms before
    the first paint). The event loop shares the interpreter lock with workers
    that load data or import SQLAlchemy: at Python's default of 5 ms per
    hand-over, a worker's every database call, and every key press during
    its work, waited up to 5 ms for the lock; now 1 ms.
    """
    gc.freeze()
    sys.setswitchinterval(SWITCH_INTERVAL_S)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from guarantee_tui.platform.settings import marketplace_settings
    from guarantee_tui.ui.app import GuaranteeApp

    prepare_process()
    app = GuaranteeApp(ctx.settings, marketplace=marketplace_settings())
    app.run()
    # Non-zero when the app stopped on an error: an exception Textual caught
    # (1), or a quit from the error screen.
    return app.return_code or 0
