"""French command-line output never begins a line with a mark a no-break space holds back.

Tables (`check`, `lookup`) are Rich's, wrapped by ui/typography.py's pattern;
`--help` is argparse's, wrapped by textwrap, which breaks at ASCII whitespace only.
"""

from __future__ import annotations

import argparse
import io
import re
import subprocess
import sys

import pytest
import rich._wrap
from rich.table import Table
from rich.text import Text

from guarantee_tui.cli import main
from guarantee_tui.cli.common import COMMANDS
from guarantee_tui.cli.tables import console

EVIDENCE = "Profil complété à 80\u202f% au moins lors des 20 achats\u00a0: L-0000511\u202f; voir"
HELD = (":", ";", "%", "\u00a0", "\u202f")


def held_marks(text: str) -> list[str]:
    """Lines (or table cells) that begin with a mark that belongs on the line above."""
    cells = (cell for line in text.splitlines() for cell in re.split(r"[│┃|]", line))
    return [cell for cell in cells if cell.lstrip(" ").startswith(HELD)]


def table_at(width: int) -> str:
    out = console()
    out.file = io.StringIO()
    out.width = width
    table = Table(title="Demande CL-000017")
    table.add_column("Condition", overflow="fold", max_width=12)
    table.add_column("Éléments", overflow="fold")
    for shift in range(10):
        table.add_row(Text("Profil\u00a0: 80\u202f%"), Text("a" * shift + EVIDENCE))
    out.print(table)
    assert isinstance(out.file, io.StringIO)
    return out.file.getvalue()


def test_tables_never_break_at_a_no_break_space(monkeypatch: pytest.MonkeyPatch) -> None:
    for width in range(50, 80):
        assert not held_marks(table_at(width)), width
    # Rich's own pattern does, at some of those widths: the test sees what it guards against.
    original = re.compile(r"\s*\S+\s*")
    monkeypatch.setattr("guarantee_tui.cli.tables.keep_no_break_spaces_in_rich", lambda: None)
    monkeypatch.setattr(rich._wrap, "re_word", original)
    assert any(held_marks(table_at(width)) for width in range(50, 80))


def test_the_tables_console_does_not_load_textual() -> None:
    code = (
        "import sys; from guarantee_tui.cli.tables import console; console(); "
        "import rich._wrap; from guarantee_tui.ui.typography import RICH_WORD; "
        "assert rich._wrap.re_word is RICH_WORD; "
        "assert 'textual' not in sys.modules, 'textual loaded'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def help_at(width: int, text: str) -> str:
    parser = argparse.ArgumentParser(
        prog="guarantee-tui",
        formatter_class=lambda prog: argparse.HelpFormatter(prog, width=width),
    )
    parser.add_argument("--x", help=text)
    return parser.format_help()


def test_textwrap_and_argparse_break_at_ascii_spaces_only() -> None:
    # argparse formats help with "%": "%%" is a percent sign.
    text = "Reprendre la demande\u00a0: take\u202f; ou bien «\u00a0abus\u00a0» à 80\u202f%%"
    for width in range(40, 90):
        shown = help_at(width, text)
        assert shown.count("\u00a0") == 3 and shown.count("\u202f") == 2, shown
        assert not held_marks(shown), (width, shown)
    # With ordinary spaces in their place, some of those widths do break there.
    breakable = text.replace("\u00a0", " ").replace("\u202f", " ")
    assert any(held_marks(help_at(width, breakable)) for width in range(40, 90))


def test_french_help_keeps_no_break_spaces_on_their_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    no_break = 0
    # Widths a step apart that is prime to the lines' lengths: the breaks fall
    # at other places each time (every third width cost 17 s for the same finds).
    for columns in range(40, 121, 7):
        monkeypatch.setenv("COLUMNS", str(columns))
        for command in (None, *COMMANDS):
            argv = (
                ["--lang", "fr", "--help"] if command is None else [command, "--lang", "fr", "-h"]
            )
            with pytest.raises(SystemExit):
                main(argv)
            shown = capsys.readouterr().out
            no_break += shown.count("\u00a0") + shown.count("\u202f")
            # "postgresql+psycopg://…" may be folded before "://".
            lines = [line for line in held_marks(shown) if not line.lstrip().startswith("://")]
            assert not lines, (columns, command, lines)
    assert no_break, "no French help text with a no-break space"
