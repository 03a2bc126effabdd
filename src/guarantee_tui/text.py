"""Normalised forms of names, e-mails and phone numbers, for searching; and
text from data made harmless to print (`visible`).

People type "energie" for "Énergie", "coeur" for "Cœur", "0184888246" for
"+33 1 84 88 82 46". The database keeps a normalised key next to each
searchable value, and a query is normalised the same way, so a lookup is an
index seek, not a scan.

phonenumbers and anyascii are imported where used: `visible` is wanted on
screens that paint before anything else is loaded.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final

_SPACES = re.compile(r"\s+")
_NOT_DIGIT = re.compile(r"\D")
# A phone number ends where a letter or one of these starts: what follows is an
# extension ("poste 12", "ext. 3", "extensão 4", "#12") or a remark ("(bureau)").
# The phonenumbers library knows "ext" and "#" but reads "poste" as letters of a
# vanity number (7-6-7-8-3), which would merge the extension into the number.
_NUMBER_END = re.compile(r"[^\W\d_]|[#,;]")
# Longest country calling code (ITU-T E.164); the codes are prefix-free.
_MAX_CALLING_CODE = 3


def fold(value: str) -> str:
    """Lower case, in ASCII, spaces collapsed: "  Énergie  Plus" -> "energie plus",
    "Cœur" -> "coeur", "Straße" -> "strasse".

    Transliterated (anyascii) rather than only stripped of accents: Unicode
    decomposition keeps ligatures such as "œ" and "æ", which nobody types.
    """
    from anyascii import anyascii

    return _SPACES.sub(" ", anyascii(value).casefold()).strip()


def email_key(value: str | None) -> str | None:
    if value is None:
        return None
    key = value.strip().casefold()
    return key or None


def _calling_code(digits: str) -> int | None:
    """The country calling code `digits` start with, if the library knows one."""
    import phonenumbers

    for length in range(1, min(_MAX_CALLING_CODE, len(digits)) + 1):
        code = int(digits[:length])
        if code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            return code
    return None


def phone_key(value: str | None) -> str | None:
    """The national significant number: no country code, no trunk 0, no
    extension, digits only.

    "+33 1 84 88 82 46", "0033184888246" and "01 84 88 82 46" all give
    "184888246"; "+351 910 000 000" and "910000000" give "910000000";
    "+44 20 7946 0958" gives "2079460958"; "+33 6 12 34 56 78 poste 12" gives
    "612345678". The start of a number gives the start of its key, so a number
    can be found as it is typed. Returns None when there are no digits at all.
    """
    import phonenumbers

    if value is None:
        return None
    number = _NUMBER_END.split(value, maxsplit=1)[0].strip()
    digits = _NOT_DIGIT.sub("", number)
    if not digits:
        return None
    # 00 is the international prefix in both markets (and most of Europe).
    if digits.startswith("00"):
        digits = digits[2:]
    elif not number.startswith("+"):
        # Written nationally: the French trunk 0 goes (Portuguese numbers have none).
        return (digits[1:] if digits.startswith("0") else digits) or None
    if not digits:
        return None
    try:
        parsed = phonenumbers.parse("+" + digits)
    except phonenumbers.NumberParseException:
        parsed = None
    # Valid, not merely of a possible length: "+33 (0)1 84 88 82 4", typed so
    # far, has the length of a French number.
    if parsed is not None and phonenumbers.is_valid_number(parsed):
        # The library knows which countries keep a leading 0 ("+39 06...") and
        # drops a written trunk prefix ("+33 (0)1...").
        return phonenumbers.national_significant_number(parsed)
    # Not a whole number yet (still being typed), or one outside the ranges the
    # library knows: the digits after the calling code, without a "(0)" where
    # the country dials one.
    code = _calling_code(digits)
    if code is None:
        # A calling code still being typed ("+3") is no part of the number yet.
        return digits if len(digits) > _MAX_CALLING_CODE else None
    rest = digits[len(str(code)) :]
    region = phonenumbers.region_code_for_country_code(code)
    if rest.startswith("0") and phonenumbers.ndd_prefix_for_region(region, True) == "0":
        rest = rest[1:]
    return rest or None


# --- the phone desk's search -------------------------------------------------

# A query longer than this is not a phone, an e-mail, a name or a ref.
MAX_QUERY = 120
# A phone number has at least this many digits...
PHONE_MIN_DIGITS = 6
# ...and nothing else than digits and these.
_PHONE_SEPARATORS = frozenset(" +()-./")
# What may follow a number pasted whole: "poste 12", "ext. 3", "x12", "#4".
_EXTENSION = re.compile(r"(?:[^\W\d_]+\.?|#)\s*\d{1,6}")
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


def _reads_as_phone(raw: str) -> bool:
    """Digits and separators only, perhaps followed by an extension: "06 12 34 56 78",
    "+33 6 12 34 56 78 poste 12", "01 84 88 82 46 #3" (not "01 84 88 8x 46")."""
    end = _NUMBER_END.search(raw)
    number = raw if end is None else raw[: end.start()]
    if end is not None:
        rest = raw[end.start() :]
        if not (number.endswith(" ") or rest.startswith("#")):
            return False
        if not _EXTENSION.fullmatch(rest):
            return False
    return sum(c.isdigit() for c in number) >= PHONE_MIN_DIGITS and all(
        c.isdigit() or c in _PHONE_SEPARATORS for c in number
    )


def parse_query(value: str) -> SearchQuery:
    """Reads a search box's text once; every lookup starts here."""
    raw = clean_query(value)
    if len(raw) > MAX_QUERY:
        return SearchQuery(raw[:MAX_QUERY], too_long=True)
    if not raw:
        return SearchQuery(raw)
    digits = sum(c.isdigit() for c in raw)
    others = [c for c in raw if not c.isdigit() and c not in _PHONE_SEPARATORS]
    phone = phone_key(raw) if _reads_as_phone(raw) else None
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
            phone is None
            and digits >= PHONE_MIN_DIGITS
            and bool(others)
            and (raw[0].isdigit() or raw[0] == "+")
        ),
    )


# --- text from data on a terminal ---------------------------------------------

# C0 controls, DEL and C1 controls: a terminal acts on them. ESC (or C1's CSI,
# OSC) starts a sequence that retitles the window, clears the screen, leaves
# the alternate screen or makes a link; CR and BS overwrite what was printed.
_CONTROLS: Final = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# The same, keeping tab and line feed, for texts made of lines (letters, explanations).
_CONTROLS_BUT_LINES: Final = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# C0 and DEL have a picture in Unicode's Control Pictures block: ␀ … ␟, ␡.
_DEL_PICTURE: Final = "\u2421"
_C0_PICTURES: Final = 0x2400


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(_C0_PICTURES + code)
    if code == 0x7F:
        return _DEL_PICTURE
    if code <= 0x9F:
        return f"\\x{code:02x}"
    # Half of a UTF-16 pair, which no terminal (nor UTF-8) can show.
    return "\ufffd"


def visible(value: str, *, lines: bool = False) -> str:
    """Text from data (a company name, an explanation, a reason, an agent's name)
    as it may be printed on a terminal or a screen: every control character
    shown, none acted on.

    C0 controls become their Unicode pictures (ESC is "␛", BEL "␇", CR "␍"),
    DEL "␡", C1 controls their code as `\\x9b`, and a lone surrogate "\ufffd". With
    `lines`, tab and line feed are kept, and CR LF reads as a line feed. The
    stored text is not touched: only what is shown.
    """
    if lines:
        value = value.replace("\r\n", "\n")
        pattern = _CONTROLS_BUT_LINES
    else:
        pattern = _CONTROLS
    if pattern.search(value) is None:
        return value
    return pattern.sub(_picture, value)


# Characters json.dumps(ensure_ascii=False) writes as they are although a
# terminal acts on them (DEL, C1) or cannot encode them (lone surrogates).
_RAW_IN_JSON: Final = re.compile("[\x7f-\x9f\ud800-\udfff]")


def inert_json(serialised: str) -> str:
    """JSON text from `json.dumps(..., ensure_ascii=False)` with DEL, C1 controls
    and lone surrogates written as \\u escapes: the same JSON value, safe on a
    terminal. (json.dumps already escapes C0.) Outside strings JSON has none of
    these, so each one found is inside a string."""
    if _RAW_IN_JSON.search(serialised) is None:
        return serialised
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", serialised)
