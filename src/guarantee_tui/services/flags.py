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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import StrEnum
from typing import Final

from guarantee_tui.policy import Purchase, Review
from guarantee_tui.policy.conditions import POSITIVE_RATING
from guarantee_tui.policy.messages import Items, Message, Moment, msg
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


def _normalised(text: str) -> str:
    return " ".join(re.sub(r"[^\w']+", " ", fold(text)).split())


def similar(a: str, b: str) -> bool:
    return _similar_normalised(_normalised(a), _normalised(b))


def _similar_normalised(x: str, y: str) -> bool:
    if not x or not y:
        return False
    if x == y:
        return True
    matcher = SequenceMatcher(None, x, y, autojunk=False)
    # The two cheap upper bounds rule out most pairs before the full ratio.
    return (
        matcher.real_quick_ratio() >= SIMILAR
        and matcher.quick_ratio() >= SIMILAR
        and matcher.ratio() >= SIMILAR
    )


def flags_for(
    contacts: Sequence[Purchase],
    explanations: Mapping[str, str],
    reviews: Sequence[Review],
    zone: str,
) -> dict[str, tuple[Flag, ...]]:
    """The flags of each contact ref (contacts without any are left out)."""
    found: dict[str, list[Flag]] = {}
    refs = [p.ref for p in contacts if explanations.get(p.ref, "").strip()]
    normalised = {ref: _normalised(explanations[ref]) for ref in refs}
    twins_of: dict[str, list[str]] = {ref: [] for ref in refs}
    # Each pair once: the screen reloads this every second.
    for i, a in enumerate(refs):
        for b in refs[i + 1 :]:
            if _similar_normalised(normalised[a], normalised[b]):
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
