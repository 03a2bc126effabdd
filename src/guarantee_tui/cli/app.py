"""`guarantee-tui` with no subcommand: the agent workspace."""

from __future__ import annotations

import argparse
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


def run(args: argparse.Namespace, ctx: Context) -> int:
    from guarantee_tui.ui.app import GuaranteeApp

    GuaranteeApp(ctx.settings).run()
    return 0
