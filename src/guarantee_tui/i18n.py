"""Translation and locale formatting: the one place text meets a language.

Source strings are English. `Translator` wraps a gettext catalog and a Babel
locale; everything a person reads (labels, evidence, letters, dates, numbers,
credits) goes through one. Catalogs live in `locales/` at the repository root
and inside the installed package; a compiled `.mo` is used when the build made
one. A source checkout works as it is: its `.po` files are compiled at first
use and the result kept beside them until the `.po` changes.
"""

from __future__ import annotations

import datetime as dt
import gettext
import os
from collections.abc import Iterable, Mapping
from contextlib import suppress
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Final

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time, get_time_format
from babel.numbers import format_decimal, format_percent

from guarantee_tui.policy.calendar import to_local
from guarantee_tui.policy.vocabulary import N_

if TYPE_CHECKING:
    from guarantee_tui.policy.messages import (
        Credits,
        Duration,
        Items,
        Message,
        Moment,
        Param,
        Percent,
    )

DOMAIN: Final = "messages"
DEFAULT_LANGUAGE: Final = "en"

# UI language code -> (catalog directory, Babel locale).
_LANGUAGES: Final[dict[str, tuple[str | None, str]]] = {
    "en": (None, "en_GB"),
    "fr": ("fr", "fr_FR"),
    "pt": ("pt_PT", "pt_PT"),
}
LANGUAGES: Final = tuple(_LANGUAGES)

# How a date reads best in running text, per language: "12 Mar 2026",
# "12 mars 2026", "12 de março de 2026".
_DATE_STYLE: Final = {"en": "medium", "fr": "medium", "pt": "long"}
# Letters write months in full: "19 décembre 2025", "1er juin 2026".
_LETTER_DATE_STYLE: Final = {"en": "long", "fr": "long", "pt": "long"}
# Compact dates for table columns, no wider than "29 Sept 2026": French
# "29 sept. 2026" is cut in the queue's and the log's columns, "29/09/2026" is not.
_SHORT_DATE_STYLE: Final = {"en": "medium", "fr": "short", "pt": "medium"}


class UnknownLanguage(ValueError):
    pass


def catalog_dirs() -> tuple[Path, ...]:
    """Where catalogs may be: inside the installed package, then the source tree."""
    here = Path(__file__).resolve().parent
    return (here / "locales", here.parent.parent / "locales")


def _load_catalog(directory: str) -> gettext.NullTranslations:
    for root in catalog_dirs():
        base = root / directory / "LC_MESSAGES"
        mo = base / f"{DOMAIN}.mo"
        po = base / f"{DOMAIN}.po"
        if mo.is_file() and (not po.is_file() or _newer(mo, po)):
            try:
                with mo.open("rb") as f:
                    return gettext.GNUTranslations(f)
            except OSError:
                if not po.is_file():
                    raise
        if po.is_file():
            compiled = _compile_po(po)
            _keep(compiled, mo)
            return gettext.GNUTranslations(BytesIO(compiled))
    raise FileNotFoundError(f"no catalog for {directory!r} in {catalog_dirs()}")


def _keep(compiled: bytes, mo: Path) -> None:
    """Keeps a compiled catalog beside its .po (git ignores it): compiling
    takes longer than the rest of the start-up in French or Portuguese."""
    # Written under a name of this process's own, then renamed: processes
    # starting together never read a half-written catalog.
    partial = mo.with_name(f"{mo.name}.{os.getpid()}.partial")
    try:
        partial.write_bytes(compiled)
        partial.replace(mo)
    except OSError:
        with suppress(OSError):
            partial.unlink(missing_ok=True)


def _newer(a: Path, b: Path) -> bool:
    return a.stat().st_mtime_ns >= b.stat().st_mtime_ns


def _compile_po(po: Path) -> bytes:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as f:
        catalog = read_po(f)
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def normalise_language(code: str) -> str:
    """Accepts en, fr, pt and the usual longer spellings (fr_FR, pt-PT, ...)."""
    key = code.strip().replace("-", "_").split("_")[0].lower()
    if key not in _LANGUAGES:
        raise UnknownLanguage(code)
    return key


_MessageClasses = tuple[
    type["Moment"],
    type["Credits"],
    type["Percent"],
    type["Duration"],
    type["Items"],
    type["Message"],
]


@cache
def _message_classes() -> _MessageClasses:
    """The policy's message classes, imported on the first message rendered
    rather than at start: the workspace's first paint renders none. Once, not
    at each parameter (`check --all` formats about 50 per claim)."""
    from guarantee_tui.policy.messages import Credits, Duration, Items, Message, Moment, Percent

    return Moment, Credits, Percent, Duration, Items, Message


class Translator:
    """A language: its catalog and its locale's ways of writing dates and numbers."""

    def __init__(self, language: str, *, letters: bool = False) -> None:
        self.language = normalise_language(language)
        # Letters follow the conventions of a letter, not of a screen: long
        # dates, and hours as the marketplace's public pages write them.
        self.letters = letters
        directory, locale = _LANGUAGES[self.language]
        self.locale = Locale.parse(locale)
        self.locale_name = locale
        self._catalog: gettext.NullTranslations = (
            gettext.NullTranslations() if directory is None else _load_catalog(directory)
        )
        # Checklists format thousands of times and lists: Babel's general path
        # is the slow part, so the locale's own patterns are read once.
        self._hh_mm = str(get_time_format("short", locale=self.locale).pattern) == "HH:mm"
        self._list_patterns = {
            style: self.locale.list_patterns[style] for style in ("standard", "or")
        }

    # --- text ---------------------------------------------------------------

    def gettext(self, text: str) -> str:
        return self._catalog.gettext(text)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._catalog.ngettext(singular, plural, n)

    def __call__(self, text: str, /, **params: object) -> str:
        """Translates `text` and fills its `{placeholders}` (values used as given)."""
        translated = self._catalog.gettext(text)
        return translated.format_map(params) if params else translated

    def plural(self, singular: str, plural: str, n: int, /, **params: object) -> str:
        """Like `__call__` with plural forms; `{n}` is `n` formatted for the locale."""
        translated = self._catalog.ngettext(singular, plural, n)
        return translated.format_map({"n": self.number(n), **params})

    def render(self, message: Message) -> str:
        """A policy message in this language, every parameter formatted."""
        if message.plural is not None:
            text = self._catalog.ngettext(message.text, message.plural, message.count or 0)
        else:
            text = self._catalog.gettext(message.text)
        if not message.params:
            return text
        return text.format_map({k: self.param(v) for k, v in message.params.items()})

    def param(self, value: Param) -> str:
        Moment, Credits, Percent, Duration, Items, Message = _message_classes()
        match value:
            case bool():
                raise TypeError("booleans are not message parameters")
            case str():
                return value
            case int():
                return self.number(value)
            case datetime():
                raise TypeError("use Moment for instants")
            case date():
                return self.date(value, in_text=True)
            case Moment(at, zone, with_time):
                # A message is running text: "le 1er mars 2026 à 14:05".
                if not with_time:
                    return self.date(to_local(at, zone), in_text=True)
                return self.moment(at, zone, in_text=True)
            case Credits(amount):
                return self.credits(amount)
            case Percent(v):
                return self.percent(v)
            case Duration(delta):
                return self.duration(delta)
            case Items(items, style):
                return self.items([self.param(i) for i in items], style)
            case Message():
                return self.render(value)
        raise TypeError(f"not a message parameter: {value!r}")

    # --- numbers, dates, lists ---------------------------------------------

    def number(self, value: int | float) -> str:
        return _format_number(value, self.locale_name)

    def credits(self, amount: int) -> str:
        return self.plural("{n} credit", "{n} credits", amount)

    def percent(self, value: float) -> str:
        """`value` in percent points (80 -> "80%", in French "80 %")."""
        return str(format_percent(value / 100, locale=self.locale))

    def date(self, value: date, *, short: bool = False, in_text: bool = False) -> str:
        """A date: compact for tables (`short`), as a screen writes it, or
        `in_text` for a sentence. Letters are running text throughout."""
        if short:
            return _format_date(value, _SHORT_DATE_STYLE[self.language], self.locale_name)
        style = (_LETTER_DATE_STYLE if self.letters else _DATE_STYLE)[self.language]
        text = _format_date(value, style, self.locale_name)
        # French writes the first of the month as an ordinal in a sentence
        # ("le 1er juin 2026"), not in a column ("1 juin 2026").
        if (
            (in_text or self.letters)
            and self.language == "fr"
            and value.day == 1
            and text.startswith("1 ")
        ):
            return "1er " + text[2:]
        return text

    def day_month(self, value: dt.date) -> str:
        """A date without its year, for dense tables ("16 Jun", "16 juin", "16 de jun.")."""
        return str(format_skeleton("dMMM", value, locale=self.locale))

    def time(self, value: datetime) -> str:
        if self._hh_mm:
            return f"{value.hour:02d}:{value.minute:02d}"
        return str(format_time(value, "short", locale=self.locale))

    def weekday_time(self, value: datetime) -> str:
        """A day of the coming week and a time ("Mon 08:00", "lun. 08:00")."""
        return str(format_skeleton("EHm", value, locale=self.locale))

    def time_of_day(self, value: dt.time) -> str:
        if self.letters and self.language == "fr":
            # As the French public page writes hours: "de 9 h à 17 h", "9 h 30".
            if value.minute:
                return f"{value.hour}\u00a0h\u00a0{value.minute:02d}"
            return f"{value.hour}\u00a0h"
        if self.letters and self.language == "pt":
            # As the Portuguese public page writes hours: "de 8:00 a 17:00".
            return f"{value.hour}:{value.minute:02d}"
        return str(format_time(value, "short", locale=self.locale))

    def moment(self, at: datetime, zone: str | None = None, *, in_text: bool = False) -> str:
        """Date and wall-clock time, in `zone` when given: compact for tables and
        labels ("1 juin 2026 14:05"), or `in_text` for a sentence ("1 Jun 2026
        at 14:05", "1er juin 2026 à 14:05", "1 de junho de 2026, às 14:05")."""
        if zone is None:
            # Equal instants in different zones are equal keys: no cache here.
            return self(
                _IN_TEXT if in_text else _COMPACT,
                date=self.date(at.date(), in_text=in_text),
                time=self.time(at),
            )
        return _format_moment(self, at, zone, in_text)

    def duration(self, delta: timedelta) -> str:
        minutes = int(delta.total_seconds() // 60)
        hours, rest = divmod(minutes, 60)
        if rest == 0:
            return self(N_("{hours} h"), hours=self.number(hours))
        if hours == 0:
            return self(N_("{minutes} min"), minutes=self.number(rest))
        return self(N_("{hours} h {minutes} min"), hours=self.number(hours), minutes=f"{rest:02d}")

    def items(self, values: Iterable[str], style: str = "and") -> str:
        values = list(values)
        if not values:
            return ""
        if style == "clauses":
            # The separator is the language's: French puts a narrow no-break
            # space before ";".
            text = values[0]
            for value in values[1:]:
                text = self(N_("{clauses}; {clause}"), clauses=text, clause=value)
            return text
        patterns = self._list_patterns["or" if style == "or" else "standard"]
        if len(values) == 1:
            return values[0]
        if len(values) == 2:
            return str(patterns["2"]).format(*values)
        text = str(patterns["start"]).format(values[0], values[1])
        for value in values[2:-1]:
            text = str(patterns["middle"]).format(text, value)
        return str(patterns["end"]).format(text, values[-1])


@cache
def _format_date(value: date, style: str, locale: str) -> str:
    # Dates repeat a lot in checklists and batch output; Babel is the slow part.
    return str(format_date(value, style, locale=locale))


# A date and a time in a table ("12 mars 2026 14:05"), and in a sentence
# ("le 12 mars 2026 à 14:05").
_COMPACT: Final = N_("{date} {time}")
_IN_TEXT: Final = N_("{date} at {time}")


@lru_cache(maxsize=8192)
def _format_moment(tr: Translator, at: datetime, zone: str, in_text: bool) -> str:
    # The same instants recur across the conditions of one checklist.
    local = to_local(at, zone)
    return tr(
        _IN_TEXT if in_text else _COMPACT,
        date=tr.date(local.date(), in_text=in_text),
        time=tr.time(local),
    )


@cache
def _format_number(value: int | float, locale: str) -> str:
    return str(format_decimal(value, locale=locale))


@cache
def translator(language: str) -> Translator:
    return Translator(normalise_language(language))


@cache
def letter_translator(language: str) -> Translator:
    """A language as letters to professionals write it (long dates, the public page's hours)."""
    return Translator(normalise_language(language), letters=True)


# --- one rule for the times agents read --------------------------------------
#
# A time shown to an agent is the wall clock of the claim's market, marked
# with it: "29/11/2026 22:36 Paris" in a table, "le 29 novembre 2026 à 22:36
# (heure de Paris)" in a sentence. The claim, the decision view and the log
# all say the same. An act tied to no market (the team's) is in UTC, marked.

UTC_ZONE: Final = "UTC"
# Translators: the place whose clock a time is read on, as short as the language allows.
_ZONE_NAMES: Final = {"Europe/Paris": N_("Paris"), "Europe/Lisbon": N_("Lisbon"), "UTC": "UTC"}


def market_zone(market: str | None = None, *, letter_language: str | None = None) -> str:
    """The time zone of a market ("FR", "PT"); of the market a letter's
    language belongs to when only that is known; UTC for none."""
    from guarantee_tui.policy.markets import MARKETS

    for rules in MARKETS.values():
        if (market is not None and str(rules.market) == market) or (
            market is None and letter_language is not None and rules.language == letter_language
        ):
            return rules.zone
    return UTC_ZONE


def zone_mark(zone: str, tr: Translator) -> str:
    """How a time's zone is named beside it ("Paris", "Lisboa", "UTC")."""
    return tr(_ZONE_NAMES[zone]) if zone in _ZONE_NAMES else zone


def local_moment(tr: Translator, at: datetime, zone: str, *, in_text: bool = False) -> str:
    """`at` on the clock of `zone`, marked: compact for a table ("29/11/2026
    22:36 Paris"), or `in_text` for a sentence ("29 Nov 2026 at 22:36 (Paris
    time)", "le 29 nov. 2026 à 22:36 (heure de Paris)")."""
    local = to_local(at, zone)
    mark = zone_mark(zone, tr)
    if in_text:
        moment = tr.moment(local, in_text=True)
        if zone == UTC_ZONE:
            return tr("{moment} UTC", moment=moment)
        # Translators: a time and the place whose clock it is read on.
        return tr("{moment} ({zone} time)", moment=moment, zone=mark)
    return tr(
        "{date} {time} {zone}",
        date=tr.date(local.date(), short=True),
        time=tr.time(local),
        zone=mark,
    )


_LANGUAGE_IN_UI = {"en": N_("English"), "fr": N_("French"), "pt": N_("Portuguese")}


def language_name(code: str, tr: Translator) -> str:
    """A language named in the reader's language ("French", "francês")."""
    return tr(_LANGUAGE_IN_UI[normalise_language(code)])


# The UI languages, each named in its own language.
LANGUAGE_NAMES: Final[Mapping[str, str]] = {"en": "English", "fr": "Français", "pt": "Português"}

__all__ = [
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "N_",
    "Translator",
    "language_name",
    "letter_translator",
    "local_moment",
    "market_zone",
    "normalise_language",
    "translator",
]
