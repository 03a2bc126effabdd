"""No line break at a no-break space, on screen and in the command line's tables.

French puts a no-break space (U+00A0) before ":" and inside « », and a narrow
one (U+202F) before ";", "?", "!" and "%", so that a line never begins with
the mark. Rich and Textual break lines where a regular expression finds a
space, and Python's `\\s` matches those no-break spaces too: a French screen
could begin a line with ": L-0000511". The patterns below treat them (and the
figure space, U+2007, and the word joiner, U+2060) as part of a word, and
still break at every other space.

Two privates are replaced, each checked by tests/ui/test_textual_canaries.py:
`rich._wrap.re_word`, through which Rich's `Text`, Rich's tables and Textual's
`Content` (every `Static`, `Label`, `Text` on screen) divide lines, and
`textual._wrap.re_chunk`, through which a `TextArea` wraps what the agent types.
"""

from __future__ import annotations

import re
from contextlib import suppress
from typing import Final

NO_BREAK_SPACES: Final = "\u00a0\u2007\u202f\u2060"
# A character of a word, no-break spaces included; a space a line may break at.
_WORD: Final = rf"[\S{NO_BREAK_SPACES}]"
_BREAK: Final = rf"[^\S{NO_BREAK_SPACES}]"

# Rich's own is r"\s*\S+\s*": a word with the spaces around it.
RICH_WORD: Final = re.compile(rf"{_BREAK}*{_WORD}+{_BREAK}*")
# Textual's own is r"\S+\s*|\s+": a word and the spaces after it, or spaces.
TEXTUAL_CHUNK: Final = re.compile(rf"{_WORD}+{_BREAK}*|{_BREAK}+")


def keep_no_break_spaces_in_rich() -> None:
    """For Rich output alone (the command line's tables): Textual stays unloaded."""
    # Rich is not pinned at run time: should a release move this module, lines
    # break as before rather than the command failing (the canary says so).
    with suppress(ImportError):
        import rich._wrap

        rich._wrap.re_word = RICH_WORD


def keep_no_break_spaces() -> None:
    """For the app: Rich's and Textual's wrapping both."""
    import textual._wrap

    keep_no_break_spaces_in_rich()
    textual._wrap.re_chunk = TEXTUAL_CHUNK
