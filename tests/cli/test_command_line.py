"""The command line: the workspace's own options, subcommands, help."""

from __future__ import annotations

import pytest

from guarantee_tui.cli import app, main
from guarantee_tui.cli.common import build_parser, opens_the_workspace
from guarantee_tui.i18n import translator


@pytest.mark.parametrize(
    ("argv", "workspace"),
    [
        ([], True),
        (["--db", "x.db", "--lang", "fr", "--agent", "Ana Silva"], True),
        (["--db=x.db", "--agent=Ana"], True),
        (["check", "CL-1"], False),
        (["--db", "x.db", "check", "--all"], False),
        (["--help"], False),
        (["--db"], False),
        (["chek"], False),
    ],
)
def test_what_opens_the_workspace(argv: list[str], workspace: bool) -> None:
    assert opens_the_workspace(argv) is workspace


def test_the_workspace_parser_reads_the_workspace_options() -> None:
    argv = ["--db", "x.db", "--lang", "pt", "--agent", "Inês Costa"]
    parser = build_parser(translator("en"), argv)
    args = parser.parse_args(argv)
    assert (args.db, args.lang, args.agent, args.run) == ("x.db", "pt", "Inês Costa", app.run)


def test_help_still_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    shown = capsys.readouterr().out
    for command in ("check", "decide", "import", "seed", "log"):
        assert command in shown


def test_a_mistyped_command_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["chek", "CL-1"])
    assert exited.value.code == 2
    assert "chek" in capsys.readouterr().err


def test_a_bad_language_is_refused_before_the_workspace_opens(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--lang", "de"])
    assert exited.value.code == 2
    assert "de" in capsys.readouterr().err
