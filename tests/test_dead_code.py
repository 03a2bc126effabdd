"""No dead code: vulture over src, scripts and tests finds nothing it is not told about.

Tests count as users: a function a test calls on its own (a seam such as
`services.flags.similar`) is alive. What vulture cannot see is listed below,
each with why: names a framework calls or reads (Textual's hooks, SQLAlchemy's
and Alembic's, hatchling's, Babel's attributes), and, for a while, names in
files being rewritten. A listed name that vulture no longer reports is an
error too, so the lists only shrink.

Run by hand: `.venv/bin/python tests/test_dead_code.py` prints the findings.
"""

from __future__ import annotations

import fnmatch
import re
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

ROOT: Final = Path(__file__).resolve().parent.parent
PATHS: Final = ("src", "scripts", "tests")
EXCLUDE: Final = ("tests/snapshots",)
# 60 is vulture's lowest: every unused name, not only unused imports and code
# after a return. The lists below keep its false positives out.
MIN_CONFIDENCE: Final = 60

# Names frameworks call or read by convention, as patterns (never reported).
CONVENTIONS: Final = (
    # Textual: handlers, actions, watchers and class settings, found by name.
    "on_*",
    "action_*",
    "watch_*",
    "compose",
    "check_action",
    "render_line",
    "get_system_commands",
    "BINDINGS",
    "CSS",
    "CSS_PATH",
    "DEFAULT_CSS",
    "COMPONENT_CLASSES",
    "TITLE",
    "ENABLE_COMMAND_PALETTE",
    # Alembic: the module-level names of a migration.
    "revision",
    "down_revision",
    "branch_labels",
    "depends_on",
    "upgrade",
    "downgrade",
    # pytest: marks every test of a module.
    "pytestmark",
)
# Functions these decorators register are called by the framework.
DECORATORS: Final = (
    "@on",  # textual.on: a message handler
    "@pytest.fixture",  # autouse fixtures are never named
    "@section",  # scripts/bench.py: a benchmark section
    "@compiles",  # sqlalchemy.ext.compiler: SQL for one dialect
)


@dataclass(frozen=True)
class Rule:
    """Findings of one kind in some files that are not dead, and why."""

    paths: str
    kind: str
    why: str


RULES: Final = (
    Rule(
        "src/guarantee_tui/store/models.py",
        "variable",
        "a mapped column: the table's schema, created by migrations, read by SQL",
    ),
    Rule(
        "src/guarantee_tui/store/models.py",
        "class",
        "a mapped table: the schema, created by migrations",
    ),
)

# Single names vulture reports but something uses, with what uses them.
ALLOWED: Final = {
    # Python's import system calls a module's __getattr__ for a name it lacks (PEP 562).
    "__getattr__": "PEP 562: the policy package's names read on first use (policy/__init__.py)",
    # Textual reads these attributes of a widget.
    "border_subtitle": "Textual: the text in a widget's bottom border",
    "virtual_size": "Textual: the scrollable size of a ScrollView",
    "cursor_blink": "Textual: Input's blinking cursor (off in tests for steady snapshots)",
    "AUTO_FOCUS": "Textual: what a screen focuses before its first frame (ui/base.py)",
    "ALLOW_SELECT": "Textual: whether text in a widget can be selected (ui/widgets/footer.py)",
    "_update_count": "Textual: DataTable's render cache key (ui/widgets/small_table.py)",
    # SQLAlchemy's TypeDecorator API (store/types.py).
    "impl": "SQLAlchemy TypeDecorator: the underlying type",
    "cache_ok": "SQLAlchemy TypeDecorator: statement caching is safe",
    "process_bind_param": "SQLAlchemy TypeDecorator: value to the database",
    "process_result_value": "SQLAlchemy TypeDecorator: value from the database",
    "result_processor": "SQLAlchemy TypeDecorator: the fast path for reading",
    "coltype": "SQLAlchemy TypeDecorator.result_processor's parameter, passed positionally",
    "inherit_cache": "SQLAlchemy: a FunctionElement's statement caching (store/clock.py)",
    # hatchling's build hook (scripts/hatch_build.py), found by the plugin system.
    "CatalogBuildHook": "hatchling: the custom build hook class",
    "PLUGIN_NAME": "hatchling: the hook's name",
    "initialize": "hatchling: called before the wheel is built",
    # Babel's Catalog attributes, read when writing a catalog.
    "revision_date": "Babel: the PO-Revision-Date header",
    # http.server (marketplace_server/server.py): handler and server settings,
    # and the handlers it calls by the request's method.
    "protocol_version": "http.server: HTTP/1.1 keep-alive for the handler",
    "wbufsize": "socketserver: the handler's write buffer",
    "disable_nagle_algorithm": "socketserver: TCP_NODELAY for small answers",
    "close_connection": "http.server: end the connection after this request",
    "do_POST": "http.server: called for POST requests",
    "do_GET": "http.server: called for GET requests",
    "daemon_threads": "socketserver: request threads do not block exit",
    "block_on_close": "socketserver: server_close does not wait for threads",
    "allow_reuse_address": "socketserver: SO_REUSEADDR for quick restarts in tests",
    # html.parser (mail/html.py): the parser calls its handlers by name.
    "handle_starttag": "html.parser: called for each opening tag",
    "handle_endtag": "html.parser: called for each closing tag",
    "handle_data": "html.parser: called for text between tags",
    # Textual's CommandPalette private state, set by the copy of its method that
    # ui/palette.py overrides (checked by tests/ui/test_textual_canaries.py).
    "_list_visible": "Textual CommandPalette: whether the list shows",
    "_no_matches_timer": "Textual CommandPalette: the 'no matches' countdown",
    # Read by name, not by attribute.
    "__call__": "i18n.Translator: called as tr('...')",
    "profile_completeness": "case_files.records: read with getattr over tables.KEYLESS",
    "payment_incidents": "case_files.records: read with getattr over tables.KEYLESS",
}

# Dead, but in files being rewritten now: remove the code with the rewrite,
# then the entry (the test fails until both are gone).
TEMPORARY: Final[dict[str, str]] = {}
# Files being written now (patterns), whose users are not there yet: nothing in
# them is reported until they land; then the entry goes (the test fails until it does).
IN_PROGRESS: Final[dict[str, str]] = {}

LINE: Final = re.compile(
    r"^(?P<path>[^:]+):(?P<line>\d+): unused (?P<kind>\w+) '(?P<name>[^']+)' "
    r"\((?P<confidence>\d+)% confidence"
)


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    kind: str
    name: str  # empty for findings without a name (unreachable code)
    text: str


def _parse(text: str) -> Finding:
    match = LINE.match(text)
    if match is None:  # e.g. "unreachable code after 'return'": never allowed
        return Finding(text.partition(":")[0], 0, "code", "", text.strip())
    return Finding(match["path"], int(match["line"]), match["kind"], match["name"], text.strip())


@cache
def findings() -> tuple[Finding, ...]:
    """What vulture reports, besides the conventions and decorators above."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "vulture",
            *PATHS,
            f"--min-confidence={MIN_CONFIDENCE}",
            f"--exclude={','.join(EXCLUDE)}",
            f"--ignore-names={','.join(CONVENTIONS)}",
            f"--ignore-decorators={','.join(DECORATORS)}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    # 0: nothing found, 3: dead code found; anything else is vulture failing.
    assert result.returncode in (0, 3), result.stderr
    found = (_parse(line) for line in result.stdout.splitlines() if line.strip())
    return tuple(
        f
        for f in found
        if not any(fnmatch.fnmatch(f.path, r.paths) and f.kind == r.kind for r in RULES)
    )


def _in_progress(path: str) -> bool:
    return any(fnmatch.fnmatch(path, pattern) for pattern in IN_PROGRESS)


def test_there_is_no_dead_code() -> None:
    listed = ALLOWED.keys() | TEMPORARY.keys()
    dead = [f.text for f in findings() if f.name not in listed and not _in_progress(f.path)]
    assert dead == [], (
        "Remove this dead code; if a framework uses it by name, add it to ALLOWED "
        "in tests/test_dead_code.py with what uses it:\n" + "\n".join(dead)
    )


def test_every_listed_name_is_still_needed() -> None:
    reported = {f.name for f in findings()}
    stale = sorted((ALLOWED.keys() | TEMPORARY.keys()) - reported)
    assert stale == [], f"vulture no longer reports these: remove them from the lists: {stale}"
    listed = ALLOWED.keys() | TEMPORARY.keys()
    unlisted = [f.path for f in findings() if f.name not in listed]
    done = sorted(p for p in IN_PROGRESS if not fnmatch.filter(unlisted, p))
    assert done == [], f"nothing is dead in these any more: remove them from IN_PROGRESS: {done}"


def test_the_lists_do_not_overlap() -> None:
    assert ALLOWED.keys().isdisjoint(TEMPORARY.keys())
    assert not any(fnmatch.fnmatch(name, p) for name in ALLOWED for p in CONVENTIONS)


if __name__ == "__main__":
    for finding in findings():
        print(finding.text)
