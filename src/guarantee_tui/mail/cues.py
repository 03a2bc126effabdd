"""What in a piece of text points at which of the professional's contacts.

A `Cue` is one hint found in a text: its kind, the contacts it points at
(weights over their positions, 1 to 20) and how often a hint of that kind
is right (`reliability`). The kinds, most reliable first:

- `ref`: a contact's ref written out ("L-0000396");
- `number`: the list item's number ("3.", "Contact 3 :", "n.º 3");
- `name`: a client's name, with its first name ("Julie Moreau"), its title
  ("Mme Moreau", "M. Bertrand", "Sr. Santos", "D. Costa") or alone, written
  with a capital ("Moreau"); a title of the other sex points elsewhere;
- `first_name`: a first name alone ("Julie"), when written with a capital;
- `date`: the purchase's date in the market's zone ("le 16/06", "16 juin",
  "16 de junho", "16.06.2026"): near the start of the text it labels it,
  further on it may be any date;
- `city`: the contact's city, whole ("Saint-Étienne", "Vila Nova de Gaia");
- `job`: the words of the job's title ("le chauffe-eau", "casa de banho"),
  weighed by how rare each is among the 20 jobs.

Names, cities and jobs are compared folded (no accents, no case); a word
that must be a name to count (a bare surname, a first name, a one-word
city) must start with a capital in the text, so that "petit" is not
M. Petit and "tours" is not Tours.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Final

from guarantee_tui.text import fold

REF: Final = "ref"
NUMBER: Final = "number"
NAME: Final = "name"
FIRST_NAME: Final = "first_name"
DATE: Final = "date"
CITY: Final = "city"
JOB: Final = "job"
ORDER: Final = "order"
# In the order a match's cues are named.
KINDS: Final = (REF, NUMBER, NAME, FIRST_NAME, DATE, CITY, JOB, ORDER)
# Kinds that may label a piece alone: they split a paragraph and group contacts.
STRONG: Final = frozenset({REF, NUMBER, NAME, FIRST_NAME})

MALE: Final = "m"
FEMALE: Final = "f"
_TITLES: Final = {
    "m": MALE,
    "mr": MALE,
    "monsieur": MALE,
    "sr": MALE,
    "senhor": MALE,
    "dom": MALE,
    "mme": FEMALE,
    "madame": FEMALE,
    "mlle": FEMALE,
    "mademoiselle": FEMALE,
    "sra": FEMALE,
    "senhora": FEMALE,
    "d": FEMALE,
    "dona": FEMALE,
    "dr": "",
    "dra": FEMALE,
    "eng": "",
    "me": "",
}
# Titles of one letter count only as written: a capital and a full stop ("M.", "D.").
_SHORT_TITLES: Final = frozenset({"m", "d"})
_STOPWORDS: Final = frozenset(
    {
        "a", "ao", "aos", "as", "au", "aux", "avec", "com", "d", "da", "das", "de", "des", "do",
        "dos", "du", "e", "em", "en", "et", "l", "la", "le", "les", "na", "nas", "no", "nos",
        "o", "os", "ou", "par", "para", "pelo", "pela", "pour", "por", "sur", "um", "uma", "un",
        "une",
    }
)  # fmt: skip
_PARTICLES: Final = frozenset({"da", "das", "de", "do", "dos", "du", "d"})
_TOKEN: Final = re.compile(r"[^\W_]+")
_REF_TOKEN: Final = re.compile(r"[^\W_][\w./-]{1,63}")

_MONTHS: Final = {
    "janvier": 1, "janv": 1, "jan": 1, "janeiro": 1,
    "fevrier": 2, "fevr": 2, "fev": 2, "fevereiro": 2,
    "mars": 3, "mar": 3, "marco": 3,
    "avril": 4, "avr": 4, "abril": 4, "abr": 4,
    "mai": 5, "maio": 5,
    "juin": 6, "junho": 6, "jun": 6,
    "juillet": 7, "juil": 7, "julho": 7, "jul": 7,
    "aout": 8, "agosto": 8, "ago": 8,
    "septembre": 9, "sept": 9, "sep": 9, "setembro": 9, "set": 9,
    "octobre": 10, "oct": 10, "outubro": 10, "out": 10,
    "novembre": 11, "nov": 11, "novembro": 11,
    "decembre": 12, "dec": 12, "dezembro": 12, "dez": 12,
}  # fmt: skip
_NUMERIC_DATE: Final = re.compile(
    r"(?<![\d/.,-])(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})(?:[/.-](?P<y>\d{4}|\d{2}))?(?![\d/,-]|\.\d)"
)
_WORD_DATE: Final = re.compile(
    r"(?<!\d)(?P<d>\d{1,2}|1er|1\.?º)\s+(?:de\s+)?(?P<m>[^\W\d_]{3,9})\.?"
    r"(?:\s+(?:de\s+)?(?P<y>\d{4}))?(?!\w)",
    re.IGNORECASE,
)
# A date this near the start of a piece labels it ("Contact du 16/06 : ...").
_LABEL_REACH: Final = 48

RELIABILITY: Final = {
    REF: 0.995,
    NUMBER: 0.97,
    NAME: 0.95,
    FIRST_NAME: 0.8,
    DATE: 0.9,
    CITY: 0.8,
    JOB: 0.7,
}
# A job's words must cover this share (by rarity) of its title to count.
_JOB_COVER: Final = 0.6


@dataclass(frozen=True, slots=True)
class Contact:
    """One of the professional's first 20 contacts, as the matching sees it."""

    position: int  # 1..20, the purchase order
    ref: str
    client_name: str | None = None
    city: str | None = None
    job_title: str | None = None
    # The purchase's date in the market's zone.
    purchased_on: date | None = None


@dataclass(frozen=True, slots=True)
class Cue:
    kind: str
    # Contact position -> weight; the weights add up to 1.
    weights: Mapping[int, float]
    reliability: float

    @property
    def strong(self) -> bool:
        """A cue that names exactly one contact and may label a piece alone."""
        return self.kind in STRONG and len(self.weights) == 1 and self.reliability >= 0.9

    def likelihood(self, position: int, count: int) -> float:
        """How likely the text is, were it about `position`, relative to knowing nothing."""
        return count * (self.reliability * self.weights.get(position, 0.0)) + (1 - self.reliability)


@dataclass(frozen=True, slots=True)
class _Token:
    key: str
    start: int
    end: int
    capital: bool
    dotted: bool  # followed by "."


@lru_cache(maxsize=65536)
def key(word: str) -> str:
    """A word as compared: folded to lower-case ASCII."""
    return fold(word)


def tokens(text: str) -> list[_Token]:
    found = []
    for m in _TOKEN.finditer(text):
        word = m.group()
        found.append(
            _Token(
                key(word),
                m.start(),
                m.end(),
                word[:1].isupper(),
                text[m.end() : m.end() + 1] == ".",
            )
        )
    return found


@lru_cache(maxsize=16384)
def _keys(text: str) -> tuple[str, ...]:
    """The compared words of a name, a city or a job (they repeat from one
    message to the next)."""
    return tuple(t.key for t in tokens(text))


def _normalised(weights: Mapping[int, float]) -> dict[int, float]:
    total = sum(weights.values())
    return {p: w / total for p, w in weights.items() if w > 0} if total > 0 else {}


def _adjacent(text: str, before: _Token, after: _Token) -> bool:
    """Two words separated by one space only (parts of one name)."""
    return text[before.end : after.start] == " "


# Words after which a name labels what follows ("Avec Julie, ...").
_LEADS: Final = frozenset(
    {"avec", "pour", "chez", "concernant", "com", "quanto", "para", "a", "ao", "sobre"}
)


def _labels(text: str, words: list[_Token], i: int) -> bool:
    """Whether word `i` stands where a label does: first, after a sentence's end,
    or after a lead word ("Avec", "Quanto a")."""
    before = text[: words[i].start].rstrip()
    if not before or before[-1] in ".!?:;":
        return True
    return i > 0 and words[i - 1].key in _LEADS and (i == 1 or _labels(text, words, i - 1))


@dataclass(frozen=True, slots=True)
class _Name:
    position: int
    title: str | None  # the title's key ("mme"), when the name is written with one
    first: str | None
    surname: tuple[str, ...]


def _parse_name(position: int, name: str) -> _Name | None:
    words = tokens(name)
    if not words:
        return None
    head = words[0]
    if head.key in _TITLES and (head.key not in _SHORT_TITLES or head.capital) and len(words) > 1:
        return _Name(position, head.key, None, tuple(w.key for w in words[1:]))
    if len(words) == 1:
        return _Name(position, None, None, (head.key,))
    return _Name(position, None, head.key, tuple(w.key for w in words[1:]))


class ContactIndex:
    """The contacts' names, cities, jobs, dates and refs, ready to be looked for."""

    def __init__(self, contacts: Sequence[Contact]) -> None:
        self.contacts = tuple(contacts)
        self.count = len(self.contacts)
        self.positions = tuple(c.position for c in self.contacts)
        self.refs = {c.ref.casefold(): c.position for c in self.contacts}
        self.names: list[_Name] = []
        for c in self.contacts:
            parsed = _parse_name(c.position, c.client_name) if c.client_name else None
            if parsed is not None:
                self.names.append(parsed)
        # First word of a surname -> the names with it. "Da Silva" is also
        # written "Silva", "Le Gall" not "Gall": a particle may be left out when
        # the rest is a name of its own.
        self.surnames: dict[str, list[_Name]] = {}
        for n in self.names:
            self.surnames.setdefault(n.surname[0], []).append(n)
            if len(n.surname) > 1 and n.surname[0] in _PARTICLES and len(n.surname[-1]) > 4:
                short = _Name(n.position, n.title, n.first, n.surname[1:])
                self.surnames.setdefault(short.surname[0], []).append(short)
        self.first_names: dict[str, list[_Name]] = {}
        for n in self.names:
            if n.first is not None:
                self.first_names.setdefault(n.first, []).append(n)
        self.cities: dict[str, list[tuple[tuple[str, ...], int]]] = {}
        for c in self.contacts:
            if c.city:
                city = _keys(c.city)
                if city:
                    self.cities.setdefault(city[0], []).append((city, c.position))
        self.dates: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for c in self.contacts:
            if c.purchased_on is not None:
                day = c.purchased_on
                self.dates.setdefault((day.day, day.month), []).append((day.year, c.position))
        self._jobs()

    def _jobs(self) -> None:
        titles: dict[frozenset[str], list[int]] = {}
        for c in self.contacts:
            if c.job_title:
                words = frozenset(
                    k for k in _keys(c.job_title) if k not in _STOPWORDS and not k.isdigit()
                )
                if words:
                    titles.setdefault(words, []).append(c.position)
        documents = len(titles) or 1
        frequency: dict[str, int] = {}
        for words in titles:
            for w in words:
                frequency[w] = frequency.get(w, 0) + 1
        self.idf = {w: math.log(1 + documents / n) for w, n in frequency.items()}
        self.jobs = list(titles.items())

    # --- reading a text ------------------------------------------------------------

    def cues(self, text: str, numbers: Sequence[int] = ()) -> list[Cue]:
        """Every cue of `text` (a piece labelled with `numbers`, if any)."""
        found: list[Cue] = []
        for n in numbers:
            if n in self.positions:
                found.append(Cue(NUMBER, {n: 1.0}, RELIABILITY[NUMBER]))
        found.extend(self._refs(text))
        words = tokens(text)
        used: set[int] = set()
        found.extend(self._names(text, words, used))
        found.extend(self._first_names(text, words, used))
        found.extend(self._cities(words, used))
        found.extend(self._dates(text))
        job = self._job({t.key for t in words})
        if job is not None:
            found.append(job)
        # A name written twice is one hint, not two.
        unique: dict[tuple[str, tuple[tuple[int, float], ...]], Cue] = {}
        for cue in found:
            unique.setdefault((cue.kind, tuple(sorted(cue.weights.items()))), cue)
        return list(unique.values())

    def name_mentions(self, text: str) -> list[Cue]:
        """The names of `text` as written, one cue per mention: a name written
        twice gives two (`cues` keeps one)."""
        return self._names(text, tokens(text), set())

    def _refs(self, text: str) -> list[Cue]:
        found = []
        for m in _REF_TOKEN.finditer(text):
            position = self.refs.get(m.group().rstrip(".-/").casefold())
            if position is not None:
                found.append(Cue(REF, {position: 1.0}, RELIABILITY[REF]))
        return found

    def _names(self, text: str, words: list[_Token], used: set[int]) -> list[Cue]:
        found: list[Cue] = []
        # Full names and titled names first: their first word is taken.
        for i in range(len(words)):
            for name_length, candidates in self._surname_at(words, i):
                before = words[i - 1] if i > 0 else None
                if (
                    before is not None
                    and before.key in _TITLES
                    and (before.key not in _SHORT_TITLES or (before.capital and before.dotted))
                ):
                    weights = self._titled(before.key, candidates)
                    used.update(range(i - 1, i + name_length))
                elif before is not None and any(n.first == before.key for n in candidates):
                    weights = {n.position: 1.0 for n in candidates if n.first == before.key}
                    used.update(range(i - 1, i + name_length))
                else:
                    continue
                if weights:
                    found.append(Cue(NAME, _normalised(weights), RELIABILITY[NAME]))
        # A city of several words is no name ("Saint-Denis", "Le Mans").
        self._mark_cities(words, used)
        # Then surnames alone, written with a capital, and not the end of a
        # compound ("Jean-Denis").
        for i, token in enumerate(words):
            if i in used or not token.capital or text[token.start - 1 : token.start] == "-":
                continue
            for name_length, candidates in self._surname_at(words, i):
                if any(j in used for j in range(i, i + name_length)):
                    continue
                after = words[i + name_length] if i + name_length < len(words) else None
                if (
                    after is not None
                    and after.capital
                    and after.key in self.surnames
                    and _adjacent(text, words[i + name_length - 1], after)
                ):
                    continue  # the first name of someone else ("Laurent Michel")
                used.update(range(i, i + name_length))
                weights = {n.position: 1.0 for n in candidates}
                if name_length == 1:
                    # "Laurent" may be M. Laurent or Laurent Michel.
                    for n in self.first_names.get(token.key, ()):
                        weights[n.position] = 1.0
                found.append(Cue(NAME, _normalised(weights), 0.9))
                break
        return found

    def _surname_at(self, words: list[_Token], i: int) -> list[tuple[int, list[_Name]]]:
        """The surnames starting at word `i` (length in words, the names with it)."""
        names = self.surnames.get(words[i].key)
        if not names:
            return []
        by_surname: dict[tuple[str, ...], list[_Name]] = {}
        for n in names:
            length = len(n.surname)
            if tuple(t.key for t in words[i : i + length]) == n.surname:
                by_surname.setdefault(n.surname, []).append(n)
        return sorted(
            ((len(surname), found) for surname, found in by_surname.items()),
            key=lambda pair: -pair[0],
        )

    @staticmethod
    def _titled(title: str, candidates: list[_Name]) -> dict[int, float]:
        sex = _TITLES[title]
        weights: dict[int, float] = {}
        for n in candidates:
            if n.title is not None:
                theirs = _TITLES.get(n.title, "")
                if n.title == title or (theirs and theirs == sex):
                    weights[n.position] = 1.0
                elif theirs and sex and theirs != sex:
                    weights[n.position] = 0.02
                else:
                    weights[n.position] = 0.5
            else:
                # A first name: the sex is not known from it.
                weights[n.position] = 0.5
        return weights

    def _first_names(self, text: str, words: list[_Token], used: set[int]) -> list[Cue]:
        found: list[Cue] = []
        for i, token in enumerate(words):
            if i in used or not token.capital or text[token.start - 1 : token.start] == "-":
                continue
            names = self.first_names.get(token.key)
            if not names:
                continue
            after = words[i + 1] if i + 1 < len(words) else None
            if after is not None and after.capital and _adjacent(text, token, after):
                continue  # another person's full name
            used.add(i)
            weights = {n.position: 1.0 for n in names}
            # Written as a label ("Julie : ...", "Avec Julie, ..."), a first name says more.
            reliability = 0.9 if _labels(text, words, i) else RELIABILITY[FIRST_NAME]
            found.append(Cue(FIRST_NAME, _normalised(weights), reliability))
        return found

    def _mark_cities(self, words: list[_Token], used: set[int]) -> None:
        """The words of the contacts' cities of more than one word, as taken."""
        for i, token in enumerate(words):
            for city, _ in self.cities.get(token.key, ()):
                length = len(city)
                if length > 1 and tuple(t.key for t in words[i : i + length]) == city:
                    used.update(range(i, i + length))

    def _cities(self, words: list[_Token], used: set[int]) -> list[Cue]:
        found: list[Cue] = []
        seen: set[tuple[str, ...]] = set()
        for i, token in enumerate(words):
            for city, _ in self.cities.get(token.key, ()):
                length = len(city)
                if length == 1 and i in used:
                    continue  # a name's word
                if city in seen or tuple(t.key for t in words[i : i + length]) != city:
                    continue
                if length == 1 and not token.capital:
                    continue
                seen.add(city)
                weights = {p: 1.0 for c, p in self.cities[token.key] if c == city}
                found.append(Cue(CITY, _normalised(weights), RELIABILITY[CITY]))
        return found

    def _dates(self, text: str) -> list[Cue]:
        found: list[Cue] = []
        mentions: list[tuple[int, int, int | None, int]] = []
        for m in _NUMERIC_DATE.finditer(text):
            year = m["y"]
            mentions.append(
                (
                    int(m["d"]),
                    int(m["m"]),
                    (2000 + int(year) if len(year) == 2 else int(year)) if year else None,
                    m.start(),
                )
            )
        for m in _WORD_DATE.finditer(text):
            month = _MONTHS.get(key(m["m"]))
            if month is None:
                continue
            day = 1 if not m["d"][0].isdigit() or not m["d"].isdigit() else int(m["d"])
            mentions.append((day, month, int(m["y"]) if m["y"] else None, m.start()))
        for day, month, year, start in mentions:
            if not (1 <= day <= 31 and 1 <= month <= 12):
                continue
            positions = [
                p for y, p in self.dates.get((day, month), ()) if year is None or y == year
            ]
            if not positions:
                continue
            reliability = RELIABILITY[DATE] if start <= _LABEL_REACH else 0.6
            found.append(Cue(DATE, _normalised(dict.fromkeys(positions, 1.0)), reliability))
        return found

    def _job(self, words: set[str]) -> Cue | None:
        best = 0.0
        weights: dict[int, float] = {}
        for title, positions in self.jobs:
            total = sum(self.idf[w] for w in title)
            covered = sum(self.idf[w] for w in title if w in words)
            share = covered / total if total else 0.0
            if share < _JOB_COVER:
                continue
            if share > best + 1e-9:
                best, weights = share, dict.fromkeys(positions, 1.0)
            elif abs(share - best) <= 1e-9:
                weights.update(dict.fromkeys(positions, 1.0))
        if not weights or len(weights) == self.count:
            return None  # no job, or every contact's: it tells nothing
        return Cue(JOB, _normalised(weights), RELIABILITY[JOB] * best)
