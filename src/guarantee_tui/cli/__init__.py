"""The `guarantee-tui` command: the app by default, subcommands for scripts.

Each subcommand lives in its own module with `register(subparsers, ...)`;
modules import their heavy dependencies (Textual, SQLAlchemy work) inside
`run`, so that `guarantee-tui check` never pays for the UI and the app's
start-up never pays for the importers.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from guarantee_tui.cli.common import Context, build_parser, database_error, early_language
from guarantee_tui.config import load_settings
from guarantee_tui.errors import UserError
from guarantee_tui.i18n import Translator, translator


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    tr = translator(early_language(argv))
    parser = build_parser(tr, argv)
    args = parser.parse_args(argv)
    db = getattr(args, "db", None)
    try:
        settings = load_settings(
            {
                "db": db,
                "lang": getattr(args, "lang", None),
                "agent": getattr(args, "agent", None),
            }
        )
        tr = translator(settings.lang)
        db = settings.db
        ctx = Context(settings=settings, tr=tr)
        status: int = args.run(args, ctx)
        return status
    except UserError as exc:
        _tell(exc, tr)
        return exc.exit_status
    except KeyboardInterrupt:
        print(tr("Interrupted."), file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); nothing more to say.
        sys.stderr.close()
        return 0
    except Exception as exc:
        explained = database_error(exc, db)
        if explained is None:
            raise
        _tell(explained, tr)
        return explained.exit_status


def _tell(error: UserError, tr: Translator) -> None:
    # The message may quote a file or the database: no escape code of theirs
    # reaches the terminal. (Imported here: the app's start needs none of it.)
    from guarantee_tui.text import visible

    print(visible(error.describe(tr), lines=True), file=sys.stderr)
