"""Normalised forms of names, e-mails and phone numbers, for searching.

People type "energie" for "Énergie", "0184888246" for "+33 1 84 88 82 46".
The database keeps a normalised key next to each searchable value, and a
query is normalised the same way, so a lookup is an index seek, not a scan.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_SPACES = re.compile(r"\s+")
_NOT_DIGIT = re.compile(r"\D")
# Country calling codes of the markets, longest first.
_COUNTRY_CODES = ("351", "33")


def fold(value: str) -> str:
    """Lower case, without accents, spaces collapsed: "  Énergie  Plus" -> "energie plus"."""
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", stripped.casefold()).strip()


def email_key(value: str | None) -> str | None:
    if value is None:
        return None
    key = value.strip().casefold()
    return key or None


def phone_key(value: str | None) -> str | None:
    """The national significant number: no country code, no trunk 0, digits only.

    "+33 1 84 88 82 46", "0033184888246" and "01 84 88 82 46" all give
    "184888246"; "+351 910 000 000" and "910000000" give "910000000".
    Returns None when there are no digits at all.
    """
    if value is None:
        return None
    raw = value.strip()
    digits = _NOT_DIGIT.sub("", raw)
    if not digits:
        return None
    international = raw.startswith("+") or digits.startswith("00")
    if digits.startswith("00"):
        digits = digits[2:]
    if international:
        for code in _COUNTRY_CODES:
            if digits.startswith(code):
                digits = digits[len(code) :]
                break
    if digits.startswith("0"):
        digits = digits[1:]
    return digits or None


# --- the phone desk's search -------------------------------------------------

# A query longer than this is not a phone, an e-mail, a name or a ref.
MAX_QUERY = 120
# A phone number has at least this many digits...
PHONE_MIN_DIGITS = 6
# ...and nothing else than digits and these.
_PHONE_SEPARATORS = frozenset(" +()-./")
_WORD = re.compile(r"[^\W_]+")
# Words of a query used for a company search (the rest adds little).
MAX_WORDS = 6
# Characters a database cannot store or compare: controls, surrogates, unassigned.
_UNSAFE = frozenset(("Cc", "Cf", "Cs", "Co", "Cn"))


def clean_query(value: str) -> str:
    """What a person typed or pasted, without invisible or unstorable characters,
    spaces collapsed."""
    kept = "".join(
        " " if c in "\t\r\n" else c
        for c in value
        if c in "\t\r\n" or unicodedata.category(c) not in _UNSAFE
    )
    return _SPACES.sub(" ", kept).strip()


def words(value: str) -> tuple[str, ...]:
    """The folded words of a text, in order, each once: "Rénovation  Dupont-Fils" ->
    ("renovation", "dupont", "fils")."""
    return tuple(dict.fromkeys(_WORD.findall(fold(value))))


def ref_key(value: str | None) -> str | None:
    """A ref as searched: trimmed, case folded ("cl-000123" finds "CL-000123")."""
    if value is None:
        return None
    key = value.strip().casefold()
    return key or None


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """What a query can be, each key normalised as the stored ones are.

    A query may be several things at once ("2024" is a start of a ref and a
    word); each non-empty key is searched and the results merged.
    """

    raw: str
    # The national number, when the query reads as a phone number.
    phone: str | None = None
    # The e-mail key (or its start), when the query has an "@".
    email: str | None = None
    # The ref key (claim, professional or contact ref), when it has no space.
    ref: str | None = None
    # The folded words, for company names.
    words: tuple[str, ...] = ()
    # True when the query has the digits of a phone number but also letters.
    phone_with_letters: bool = False
    too_long: bool = False

    @property
    def empty(self) -> bool:
        return not (self.phone or self.email or self.ref or self.words)


def parse_query(value: str) -> SearchQuery:
    """Reads a search box's text once; every lookup starts here."""
    raw = clean_query(value)
    if len(raw) > MAX_QUERY:
        return SearchQuery(raw[:MAX_QUERY], too_long=True)
    if not raw:
        return SearchQuery(raw)
    digits = sum(c.isdigit() for c in raw)
    others = [c for c in raw if not c.isdigit() and c not in _PHONE_SEPARATORS]
    phone = phone_key(raw) if digits >= PHONE_MIN_DIGITS and not others else None
    email = email_key(raw.replace(" ", "")) if "@" in raw else None
    ref = ref_key(raw) if " " not in raw and any(c.isalnum() for c in raw) else None
    found = () if phone or email else words(raw)[:MAX_WORDS]
    return SearchQuery(
        raw,
        phone=phone,
        email=email,
        ref=ref,
        words=found,
        # "01 84 88 8x 46", not "CL-000123".
        phone_with_letters=(
            digits >= PHONE_MIN_DIGITS and bool(others) and (raw[0].isdigit() or raw[0] == "+")
        ),
    )
