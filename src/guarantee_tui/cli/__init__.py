"""The `guarantee-tui` command: the app by default, subcommands for scripts.

Each subcommand lives in its own module with `register(subparsers, ...)`;
modules import their heavy dependencies (Textual, SQLAlchemy work) inside
`run`, so that `guarantee-tui check` never pays for the UI and the app's
start-up never pays for the importers.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from guarantee_tui.cli.common import Context, build_parser, early_language
from guarantee_tui.config import load_settings
from guarantee_tui.errors import UserError
from guarantee_tui.i18n import translator


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    tr = translator(early_language(argv))
    parser = build_parser(tr, argv)
    args = parser.parse_args(argv)
    try:
        settings = load_settings(
            {
                "db": getattr(args, "db", None),
                "lang": getattr(args, "lang", None),
                "agent": getattr(args, "agent", None),
                "role": getattr(args, "role", None),
            }
        )
        tr = translator(settings.lang)
        ctx = Context(settings=settings, tr=tr)
        status: int = args.run(args, ctx)
        return status
    except UserError as exc:
        print(exc.describe(tr), file=sys.stderr)
        return exc.exit_status
    except KeyboardInterrupt:
        print(tr("Interrupted."), file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); nothing more to say.
        sys.stderr.close()
        return 0
