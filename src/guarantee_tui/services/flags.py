"""Hints that help an agent spot an untruthful explanation.

They are only hints: the agent judges. Each compares what a professional
wrote with the data or with their other explanations:
- an explanation (nearly) identical to another one of the same claim;
- an explanation saying the client was never reached while a first contact
  is recorded, or saying they talked while none is;
- a positive review left by that very client.
The phrase lists cover French, Portuguese and English, matched without
accents or case.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import StrEnum
from typing import Final

from guarantee_tui.policy import Purchase, Review
from guarantee_tui.policy.messages import Items, Message, Moment, msg
from guarantee_tui.policy.vocabulary import POSITIVE_RATING
from guarantee_tui.text import fold

SIMILAR: Final = 0.9

_NO_CONTACT = re.compile(
    r"jamais (pu|reussi a) (le |la |les |l')?(joindre|contacter|avoir)"
    r"|injoignable|aucune reponse|pas de reponse|sans reponse|jamais repondu"
    r"|ne repond (pas|jamais)|repondeur|jamais decroche|pas decroche"
    r"|nunca (consegui|foi possivel) (o |a )?(contactar|falar)|nao atendeu|nao atende"
    r"|sem resposta|nunca respondeu|nunca atendeu|incontactavel|nao consegui (contactar|falar)"
    r"|never (reached|answered|picked up)|no answer|could not reach|unreachable"
)
_CONTACT_MADE = re.compile(
    r"rendez-vous|devis (envoye|transmis|remis)|visite|je me suis deplace|rencontre"
    r"|nous avons (discute|echange|parle)|j'ai (discute|echange|parle) avec|au telephone avec"
    r"|visita|orcamento (enviado|entregue)|enviei (o |um )?orcamento|reuniao|falei com"
    r"|falamos|desloquei-me"
    r"|sent (a|the) quote|visited|met the client|talked (to|with)|spoke (to|with)"
)


class FlagKind(StrEnum):
    DUPLICATE = "duplicate"
    SAYS_NEVER_REACHED = "says_never_reached"
    SAYS_REACHED = "says_reached"
    POSITIVE_REVIEW = "positive_review"


@dataclass(frozen=True, slots=True)
class Flag:
    kind: FlagKind
    message: Message


# Two explanations are compared character by character (difflib's ratio)
# while that is cheap, which covers every explanation people write. Its cost
# grows with the sum, over the characters, of how often each text has it:
# natural text of 200 characters costs about 3,000, the sample's longest 225,
# but twenty explanations of 2,500 characters took 33 s and four of 3,000 "x"
# minutes. Past this budget the texts are compared by their shingles
# instead, in time linear in their length: runs of three words, which keep
# the words' order (two texts of the same words in another order are not
# copies), or, for a text of few words, runs of four characters.
EXACT_BUDGET: Final = 20_000
SHINGLE_WORDS: Final = 3
SHINGLE_CHARACTERS: Final = 4
# A text of fewer words is made of long "words" ("xxxx…"): characters it is.
WORDS_FOR_SHINGLES: Final = 20
# Past this, only the start of an explanation is compared (a hint, not a proof).
COMPARED_UP_TO: Final = 20_000


def _normalised(text: str) -> str:
    return " ".join(re.sub(r"[^\w']+", " ", fold(text)).split())


class _Compared:
    """What the comparison needs of one explanation, computed once per text."""

    __slots__ = ("_shingles", "characters", "text")

    def __init__(self, normalised: str) -> None:
        self.text = normalised[:COMPARED_UP_TO]
        self.characters = Counter(self.text)
        self._shingles: Counter[str] | None = None

    @property
    def shingles(self) -> Counter[str]:
        if self._shingles is None:
            text = self.text
            words = text.split(" ")
            if len(words) >= WORDS_FOR_SHINGLES:
                n = SHINGLE_WORDS
                self._shingles = Counter(
                    " ".join(words[i : i + n]) for i in range(len(words) - n + 1)
                )
            else:
                n = SHINGLE_CHARACTERS
                self._shingles = Counter(text[i : i + n] for i in range(len(text) - n + 1))
        return self._shingles


def similar(a: str, b: str) -> bool:
    return _similar(_Compared(_normalised(a)), _Compared(_normalised(b)))


def _similar(x: _Compared, y: _Compared) -> bool:
    if not x.text or not y.text:
        return False
    if x.text == y.text:
        return True
    total = len(x.text) + len(y.text)
    # difflib's two cheap upper bounds of the ratio: the shorter text matched
    # entirely, then every shared character matched.
    if 2 * min(len(x.text), len(y.text)) < SIMILAR * total:
        return False
    if 2 * sum((x.characters & y.characters).values()) < SIMILAR * total:
        return False
    smaller, larger = sorted((x.characters, y.characters), key=len)
    cost = sum(count * larger[c] for c, count in smaller.items())
    if cost <= EXACT_BUDGET:
        return SequenceMatcher(None, x.text, y.text, autojunk=False).ratio() >= SIMILAR
    # The Dice coefficient of the shingle multisets, the ratio's analogue.
    a, b = x.shingles, y.shingles
    return 2 * sum((a & b).values()) >= SIMILAR * (a.total() + b.total())


def flags_for(
    contacts: Sequence[Purchase],
    explanations: Mapping[str, str],
    reviews: Sequence[Review],
    zone: str,
) -> dict[str, tuple[Flag, ...]]:
    """The flags of each contact ref (contacts without any are left out)."""
    found: dict[str, list[Flag]] = {}
    refs = [p.ref for p in contacts if explanations.get(p.ref, "").strip()]
    compared = {ref: _Compared(_normalised(explanations[ref])) for ref in refs}
    twins_of: dict[str, list[str]] = {ref: [] for ref in refs}
    # Each pair once: the screen reloads this every second.
    for i, a in enumerate(refs):
        for b in refs[i + 1 :]:
            if _similar(compared[a], compared[b]):
                twins_of[a].append(b)
                twins_of[b].append(a)
    for a in refs:
        twins = sorted(twins_of[a], key=refs.index)
        if twins:
            found.setdefault(a, []).append(
                Flag(
                    FlagKind.DUPLICATE,
                    msg("Nearly the same explanation as {refs}.", refs=Items(tuple(twins))),
                )
            )
    for p in contacts:
        text = _normalised(explanations.get(p.ref, ""))
        if not text:
            continue
        if _NO_CONTACT.search(text) and p.first_contacted_at is not None:
            found.setdefault(p.ref, []).append(
                Flag(
                    FlagKind.SAYS_NEVER_REACHED,
                    msg(
                        "Says the client was never reached, but a first contact is recorded "
                        "on {at}.",
                        at=Moment(p.first_contacted_at, zone),
                    ),
                )
            )
        elif _CONTACT_MADE.search(text) and p.first_contacted_at is None:
            found.setdefault(p.ref, []).append(
                Flag(
                    FlagKind.SAYS_REACHED,
                    msg("Says the client was reached, but no first contact is recorded."),
                )
            )
    bought = {p.ref for p in contacts}
    for review in reviews:
        positive = review.source == "platform_contact" and review.rating >= POSITIVE_RATING
        if positive and review.contact_ref is not None and review.contact_ref in bought:
            found.setdefault(review.contact_ref, []).append(
                Flag(
                    FlagKind.POSITIVE_REVIEW,
                    msg(
                        "This client left a positive review ({review}, {rating}/5).",
                        review=review.ref,
                        rating=review.rating,
                    ),
                )
            )
    return {ref: tuple(flags) for ref, flags in found.items()}
