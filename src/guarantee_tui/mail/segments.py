"""A claim's text cut into the pieces that may each explain one contact.

- A numbered list ("1.", "3)", "Contact 3 :", "n.º 3 –", "3e contact :",
  "Contacts 4, 5 et 6 :") or a bulleted one: each item is a piece, with the
  lines that follow it until the next item or a blank line before an
  unnumbered paragraph. The number is kept (`Segment.numbers`) and taken
  off the text.
- Otherwise paragraphs, and inside a paragraph each line that ends a
  sentence (one explanation per line); lines wrapped by the mail program are
  joined again.
- Greetings, the introduction ("voici ce qui s'est passé avec mes 20
  contacts :") and closing words are told apart (`Segment.kind`), so that
  they are neither matched to a contact nor reported as left over.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Final

EXPLANATION: Final = "explanation"
GREETING: Final = "greeting"
INTRO: Final = "intro"
CLOSING: Final = "closing"

_KEYWORD = r"(?:contacts?|contactos?|contatos?|leads?|clients?|clientes?)"
_NUMERO = r"(?:n\s*[.ºo°]+\s*s?|nº|n°|no\.|num[ée]ro|n[úu]mero|#)"
_ORDINAL = r"(?:er|re|e|ème|eme|ème|º|ª|°|\.º|\.ª|o|a)"
_SEPARATOR = r"(?:\s*[.):\-–—]+|\s*:)"
# "1.", "3)", "Contact 3 :", "n.º 3 –", "#3", "3e contact :", "(4)".
_ITEM: Final = re.compile(
    rf"^\s*(?:{_KEYWORD}\s*{_NUMERO}?\s*|{_NUMERO}\s*|\(|\[)?"
    rf"(?P<n>\d{{1,2}})(?!\d)(?:{_ORDINAL}(?=\W))?(?:\s*{_KEYWORD})?"
    rf"(?:\s*[)\]])?(?P<sep>{_SEPARATOR})(?!\d)\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
# "Contact 3" alone on its line, the explanation on the next ones.
_ITEM_ALONE: Final = re.compile(
    rf"^\s*(?:{_KEYWORD}\s*{_NUMERO}?|{_NUMERO})\s*(?P<n>\d{{1,2}})(?!\d)\s*[:.\-–—]?\s*$",
    re.IGNORECASE,
)
# "Contacts 4, 5 et 6 :", "Contactos 4 a 6:", "4, 5 et 6 :".
_GROUP: Final = re.compile(
    rf"^\s*(?:{_KEYWORD}\s*{_NUMERO}?\s*|{_NUMERO}\s*)?"
    r"(?P<list>\d{1,2}(?:\s*(?:,|;|et|e|and|&|à|a|au|ao|-|–)\s*\d{1,2})+)"
    r"\s*(?:[:.\-–—)]+)\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_RANGE_WORDS: Final = re.compile(r"\s*(?:à|a|au|ao|-|–)\s*", re.IGNORECASE)
_BULLET: Final = re.compile(r"^\s*[-*•–·▪◦]\s+(?P<rest>\S.*)$")
# "Mme Moreau : ...", "Contact du 16/06 – ...": a label, then the explanation.
_LABEL: Final = re.compile(
    r"^\s*(?:[^\s:–—-][^:–—]{0,60}?(?:\s?:|\s[–—-])\s+\S|"
    # "Pour Mme Moreau, ...", "Quanto a Sr. Santos, ...".
    r"(?:Pour|Quant [àa]|Concernant|Avec|Chez|Quanto (?:a|ao|à)|Relativamente (?:a|ao|à)|"
    r"Com|Para|No caso d[aeo])\s+[A-ZÀ-Ý][^,;:!?]{0,50}[,:]\s)"
)
# "... (Mme Moreau)": the label after the explanation.
_TRAILING_LABEL: Final = re.compile(r"\(\s*[^\s()](?:[^()]|\([^()]{0,30}\)){0,58}\)\s*[.!]?\s*$")
_SENTENCE_END: Final = re.compile(r"[.!?…:;)»\"'”]\s*$")
# Where a label ends and its explanation starts ("Mme Moreau : ", "Mme Moreau – ").
_LABEL_END: Final = re.compile(r"\s?:\s|\s[–—-]\s")
_WRAP_WIDTH: Final = 60
# Lines cut by a mail program: at most this long, and often at least that long.
_WRAP_LIMIT: Final = 80
_WRAPPED_FROM: Final = 58

_GREETINGS: Final = re.compile(
    r"^\s*(?:bonjour|bonsoir|salut|madame|monsieur|mesdames|messieurs|cher|ch[èe]re|"
    r"ol[áa]|bom dia|boa tarde|boa noite|car[oa]s?|exm[oa]s?\.?|prezad[oa]s?|"
    r"hello|hi|dear|good (?:morning|afternoon))(?:\b|(?<=\.))[^!?\n]{0,60}[,!.:]?\s*$",
    re.IGNORECASE,
)
_INTRO_WORDS: Final = re.compile(
    r"garantie|garantia|guarantee|rembours|reembols|refund|ci-dessous|ci-apr[èe]s|"
    r"voici|voil[àa]|suivant|abaixo|seguem|segue|seguinte|\b(?:20|vingt|vinte|twenty)\s+"
    r"(?:premiers\s+|primeiros\s+)?(?:contacts?|contactos?|contatos?)|"
    r"\b(?:mes|os meus|meus|my)\s+(?:\d+\s+)?(?:contacts?|contactos?|contatos?)\b|"
    r"\bchacun des\b|\bcada um\b|\bcada contacto\b",
    re.IGNORECASE,
)
_CLOSING_WORDS: Final = re.compile(
    r"^\s*(?:merci|je vous remercie|je reste [àa] votre|dans l'attente|en attendant|"
    r"bien [àa] vous|(?:bien |tr[èe]s )?cordialement|(?:sinc[èe]res )?salutations|"
    r"bonne (?:journ[ée]e|soir[ée]e|fin de journ[ée]e)|(?:muito )?obrigad[oa]|agrade[çc]o|"
    r"fico a aguardar|aguardo|com os melhores cumprimentos|(?:os meus )?cumprimentos|"
    r"atenciosamente|sem outro assunto|n[ãa]o hesitem|n'h[ée]sitez|thanks?|regards|best)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Segment:
    """One piece of the text, in reading order."""

    index: int
    text: str
    kind: str = EXPLANATION
    # The contact numbers the piece is labelled with ("3." -> (3,); "4 à 6 :" -> (4, 5, 6)).
    numbers: tuple[int, ...] = ()
    # Where it ends or starts, the text leaves in doubt: never placed surely.
    uncertain: bool = False


@dataclass(slots=True)
class _Piece:
    lines: list[str]
    numbers: tuple[int, ...] = ()
    listed: bool = False  # an item of a numbered or bulleted list
    uncertain: bool = False


def _group_numbers(listed: str) -> tuple[int, ...]:
    numbers: list[int] = []
    for part in re.split(r"\s*(?:,|;|\bet\b|\be\b|\band\b|&)\s*", listed, flags=re.IGNORECASE):
        bounds = [b for b in _RANGE_WORDS.split(part.strip()) if b]
        if len(bounds) == 2 and bounds[0].isdigit() and bounds[1].isdigit():
            low, high = int(bounds[0]), int(bounds[1])
            if low <= high <= low + 25:
                numbers.extend(range(low, high + 1))
                continue
        numbers.extend(int(b) for b in bounds if b.isdigit())
    return tuple(dict.fromkeys(numbers))


def item(line: str) -> tuple[tuple[int, ...], str] | None:
    """The numbers a list item's line starts with, and the rest of the line."""
    group = _GROUP.match(line)
    if group is not None:
        numbers = _group_numbers(group["list"])
        if len(numbers) >= 2:
            return numbers, group["rest"].strip()
    alone = _ITEM_ALONE.match(line)
    if alone is not None:
        return (int(alone["n"]),), ""
    found = _ITEM.match(line)
    if found is None:
        return None
    rest = found["rest"].strip()
    # "16/06 : ..." is a date; "2 - 3 relances" no item either: a separator and words.
    if not rest and not found["sep"].strip():
        return None
    return (int(found["n"]),), rest


def _blocks(text: str) -> list[list[str]]:
    blocks: list[list[str]] = [[]]
    for line in text.split("\n"):
        if line.strip():
            blocks[-1].append(line.rstrip())
        elif blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b]


def _paragraph_lines(block: list[str], width: int | None) -> list[_Piece]:
    """A block's lines grouped into pieces.

    Labelled lines ("Mme Moreau : ...", "Contact du 16/06 : ...", "... (Mme
    Moreau)"): a line opening with a label starts a piece, one closing with a
    label ends it, and the lines between go with the piece still open. Other
    lines: one piece per line that ends a sentence. In a text the mail program
    cut at `width` characters, a line goes on from the one before when that one
    was full (the next word would not have fitted on it).
    """

    def full(previous: str, line: str) -> bool:
        first = line.split(maxsplit=1)[0] if line.strip() else ""
        return width is not None and len(previous) + 1 + len(first) > width

    if not block:
        return []
    # Pieces whose boundary the text leaves in doubt (see below).
    doubtful: set[int] = set()
    leading = [bool(_LABEL.match(line)) for line in block]
    trailing = [bool(_TRAILING_LABEL.search(line)) for line in block]
    labels = sum(1 for a, b in zip(leading, trailing, strict=True) if a or b)
    # Lines as written, before the mail program cut them.
    logical = 1 + sum(1 for a, b in itertools.pairwise(block) if not full(a, b))
    if len(block) >= 3 and labels >= 0.5 * logical:
        pieces: list[list[str]] = []
        open_piece = labelled_piece = False
        for i, (line, starts, ends) in enumerate(zip(block, leading, trailing, strict=True)):
            previous = pieces[-1][-1] if pieces else ""
            # A label cut by the line's end ("... (M." / "Bertrand)") goes on.
            unclosed = bool(pieces) and _open_parenthesis(pieces[-1])
            goes_on = open_piece and (width is None or full(previous, line) or unclosed)
            if (
                starts
                and goes_on
                and width is not None
                and full(previous, line)
                and not _SENTENCE_END.search(previous)
                and not _LABEL_END.search(" ".join(pieces[-1]))
            ):
                # A label the mail program cut in two ("Pour Mme Roche, M. Petit et
                # Julie" / "Brunet : ..."): the line goes on with the label's end,
                # which only looks like a label of its own.
                starts = False
            if goes_on and unclosed:
                ends = bool(_TRAILING_LABEL.search(" ".join([*pieces[-1], line])))
            elif (
                goes_on
                and labelled_piece
                and not starts
                and not ends
                and _SENTENCE_END.search(previous)
                and previous.count("(") <= previous.count(")")
                and line[:1].isupper()
            ):
                # After a whole sentence: this line opens an explanation labelled at
                # its end if the lines from here run on, unbroken, to a label at
                # the end of a line.
                for later in range(i + 1, len(block)):
                    if leading[later] or (
                        width is not None and not full(block[later - 1], block[later])
                    ):
                        break
                    if trailing[later]:
                        goes_on = False
                        # Labels before and after in one letter, a line cut at a
                        # sentence's end: either piece may own the sentence.
                        doubtful.update({len(pieces) - 1, len(pieces)})
                        break
            # A label of its own, before or after, makes another piece.
            if starts or not goes_on or (ends and labelled_piece and not unclosed):
                pieces.append([line])
                labelled_piece = starts
            else:
                pieces[-1].append(line)
            open_piece = not ends
        return [_Piece(p, uncertain=i in doubtful) for i, p in enumerate(pieces)]
    pieces = [[block[0]]]
    for previous, line in itertools.pairwise(block):
        stripped = line.lstrip()
        ended = _SENTENCE_END.search(previous) is not None
        if _TRAILING_LABEL.search(previous):
            joined = False
        elif width is not None:
            joined = full(previous, line) and item(line) is None
        else:
            joined = not ended and (len(previous) >= _WRAP_WIDTH or stripped[:1].islower())
        if joined:
            pieces[-1].append(line)
        else:
            pieces.append([line])
    return [_Piece(p) for p in pieces]


def _open_parenthesis(lines: list[str]) -> bool:
    text = " ".join(lines)
    return text.count("(") > text.count(")")


def _wrap_width(lines: list[str]) -> int | None:
    """The width a mail program cut the text's lines at, if it did: several long
    lines, none longer than ~80 characters."""
    long = sum(1 for line in lines if len(line) >= _WRAPPED_FROM)
    widest = max((len(line) for line in lines), default=0)
    return widest if long >= 3 and widest <= _WRAP_LIMIT else None


def _pieces(text: str) -> list[_Piece]:
    blocks = _blocks(text)
    lines = [line for block in blocks for line in block]
    numbered = sum(1 for line in lines if item(line) is not None)
    bulleted = sum(1 for line in lines if _BULLET.match(line))
    pieces: list[_Piece] = []
    width = _wrap_width(lines)
    if numbered >= 2 or bulleted >= 2:
        # Closing words after the list's last item end it; before, they belong to an item.
        is_item = [bool((numbered >= 2 and item(line)) or _BULLET.match(line)) for line in lines]
        last_item = max((i for i, found in enumerate(is_item) if found), default=-1)
        seen = 0
        current: _Piece | None = None
        for block in blocks:
            starts = [
                (item(line) if numbered >= 2 else None, _BULLET.match(line)) for line in block
            ]
            # After the last item, a blank line ends it: what follows is the letter's.
            if seen > last_item:
                current = None
            loose: list[str] = []  # lines outside the items, read as a paragraph
            for line, (found, bullet) in zip(block, starts, strict=True):
                i = seen
                seen += 1
                if found is not None or bullet is not None:
                    pieces.extend(_paragraph_lines(loose, width))
                    loose = []
                    if found is not None:
                        current = _Piece([found[1]] if found[1] else [], found[0], listed=True)
                    else:
                        assert bullet is not None
                        current = _Piece([bullet["rest"]], listed=True)
                    pieces.append(current)
                elif current is not None and (i < last_item or not _CLOSING_WORDS.match(line)):
                    # The item goes on, unless closing words follow the last item.
                    current.lines.append(line.strip())
                else:
                    current = None
                    loose.append(line)
            pieces.extend(_paragraph_lines(loose, width))
        return _merge_orphans(pieces)
    for block in blocks:
        pieces.extend(_paragraph_lines(block, width))
    return pieces


def _merge_orphans(pieces: list[_Piece]) -> list[_Piece]:
    """An item whose text is on the next lines ("Contact 3" / "Le client...")
    takes the paragraph after it."""
    merged: list[_Piece] = []
    for piece in pieces:
        if merged and merged[-1].listed and not merged[-1].lines and not piece.listed:
            merged[-1].lines.extend(piece.lines)
            continue
        merged.append(piece)
    return merged


def _kind(text: str, seen_explanation: bool, listed: bool) -> str:
    if listed:
        return EXPLANATION
    if _GREETINGS.match(text):
        return GREETING
    if _CLOSING_WORDS.match(text) and (seen_explanation or len(text) < 80):
        return CLOSING
    if not seen_explanation and (_INTRO_WORDS.search(text) or text.rstrip().endswith(":")):
        return INTRO
    return EXPLANATION


def split_segments(text: str) -> list[Segment]:
    """The pieces of a claim's text, in order (see the module's docstring)."""
    segments: list[Segment] = []
    seen = False
    for piece in _pieces(text):
        joined = " ".join(line.strip() for line in piece.lines if line.strip())
        if not joined and not piece.numbers:
            continue
        kind = _kind(joined, seen, piece.listed)
        seen = seen or kind == EXPLANATION
        segments.append(Segment(len(segments), joined, kind, piece.numbers, piece.uncertain))
    return segments
