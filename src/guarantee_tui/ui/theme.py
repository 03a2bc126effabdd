"""The app's colours: Textual's dark theme and its ANSI colours, changed where
their text fell under WCAG AA contrast (4.5:1) on the app's backgrounds.

- `primary` (the table cursor, primary buttons): #0178D4 gave light text 3.8:1;
  #005a9e gives 5.9:1.
- `error` (warnings and refusals written in it, error buttons): #ba3c5b gave
  3.1:1 on a dialog; #ef6f8b gives 5.8:1, and dark text on it 7.3:1.
- The ANSI colours Rich styles name ("red" for a failed condition, "blue",
  "bright_black"): Monokai's red #f4005f gave 4.5:1 at best and 3.3:1 on a
  panel and 3.7:1 on the header; the ones below give at least 4.5:1 on the
  backgrounds the app paints them on. Not on the cursor's blue (red 3.2:1):
  a table's cursor row is drawn in the cursor's own colours (5.8:1), the
  colours of its cells left out and its marks and words kept
  (ui/widgets/lazy_table.py; Textual's DataTable does the same). Darkening
  the cursor instead would take it from 2.6:1 against the background to
  1.5:1 for grey text to reach 4.5:1 on it (dimmed text would still fall
  short), and the cursor would hardly show.

tests/ui/test_contrast.py measures what is painted, state by state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from rich.terminal_theme import TerminalTheme
from textual._ansi_theme import MONOKAI
from textual.theme import BUILTIN_THEMES, Theme

if TYPE_CHECKING:
    from textual.app import App

_BASE = BUILTIN_THEMES["textual-dark"]

THEME: Final = Theme(
    name="guarantee-dark",
    primary="#005a9e",
    secondary=_BASE.secondary,
    warning=_BASE.warning,
    error="#ef6f8b",
    success=_BASE.success,
    accent=_BASE.accent,
    foreground=_BASE.foreground,
    background=_BASE.background,
    surface=_BASE.surface,
    panel=_BASE.panel,
    boost=_BASE.boost,
    dark=True,
    luminosity_spread=_BASE.luminosity_spread,
    text_alpha=_BASE.text_alpha,
    variables=dict(_BASE.variables),
)

_RED = (255, 140, 160)
_BLUE = (160, 140, 255)
_GREY = (160, 158, 150)
_COLOURS = [MONOKAI.ansi_colors[i][:3] for i in range(16)]
# black, red, green, yellow, blue, magenta, cyan, white, then the bright ones.
for _index, _colour in ((1, _RED), (4, _BLUE), (5, _RED), (8, _GREY), (9, _RED)):
    _COLOURS[_index] = _colour
for _index, _colour in ((12, _BLUE), (13, _RED)):
    _COLOURS[_index] = _colour

ANSI_DARK: Final = TerminalTheme(
    (MONOKAI.background_color.red, MONOKAI.background_color.green, MONOKAI.background_color.blue),
    (MONOKAI.foreground_color.red, MONOKAI.foreground_color.green, MONOKAI.foreground_color.blue),
    _COLOURS[:8],
    _COLOURS[8:],
)


def apply(app: App[Any]) -> None:
    """Makes the app paint with these colours."""
    app.register_theme(THEME)
    # The ANSI colours without their watcher: the theme's, next, refreshes the
    # colour filter and the CSS with them. Each watcher reparsed the whole
    # stylesheet, twice at every start.
    app.set_reactive(type(app).ansi_theme_dark, ANSI_DARK)
    app.theme = THEME.name
