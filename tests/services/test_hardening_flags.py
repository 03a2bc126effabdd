"""The near-duplicate hint: the old exact answer on ordinary explanations, and a
quick one on any explanation (issue 12: twenty of 2,500 characters took 33 s)."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from difflib import SequenceMatcher

from guarantee_tui.policy import Purchase
from guarantee_tui.services.flags import SIMILAR, FlagKind, _normalised, flags_for, similar

T = datetime(2026, 3, 2, 9, tzinfo=UTC)

# Explanations as professionals write them (the seed's phrasing, in both languages).
ORDINARY = (
    "Le client a choisi un autre artisan moins cher.",
    "Client injoignable malgré 3 appels et 2 SMS.",
    "Devis envoyé le lendemain, le client a trouvé moins cher ailleurs.",
    "Projet reporté à l'an prochain, budget insuffisant.",
    "Rendez-vous pris puis annulé par le client la veille.",
    "Le client voulait seulement une estimation de prix.",
    "O cliente escolheu outro profissional mais barato.",
    "Cliente nunca atendeu o telefone, deixei mensagem.",
    "Orçamento enviado, o cliente desistiu da obra.",
    "Visita feita, o cliente achou o preço alto demais.",
    "Idem, pas de réponse.",
    "Idem, pas de réponse !",
    "x",
    "",
)


def old_similar(a: str, b: str) -> bool:
    """The comparison before issue 12, character by character whatever the length."""
    x, y = _normalised(a), _normalised(b)
    if not x or not y:
        return False
    if x == y:
        return True
    matcher = SequenceMatcher(None, x, y, autojunk=False)
    return (
        matcher.real_quick_ratio() >= SIMILAR
        and matcher.quick_ratio() >= SIMILAR
        and matcher.ratio() >= SIMILAR
    )


def variants(text: str, rnd: random.Random) -> list[str]:
    """What copying an explanation from one contact to the next looks like."""
    words = text.split()
    out = [text, text.upper(), text + " Merci.", text[:-3], text.replace("e", "é", 1)]
    if len(words) > 3:
        i = rnd.randrange(len(words))
        out.append(" ".join(words[:i] + ["vraiment"] + words[i:]))
        out.append(" ".join(words[:i] + words[i + 1 :]))
    return out


def test_the_same_answer_as_the_exact_comparison_on_ordinary_explanations() -> None:
    rnd = random.Random(12)
    texts = [v for t in ORDINARY for v in variants(t, rnd)]
    pairs = [(a, b) for a in texts for b in texts]
    assert sum(old_similar(a, b) for a, b in pairs) > len(texts)  # some twins, not only self
    assert [similar(a, b) for a, b in pairs] == [old_similar(a, b) for a, b in pairs]


def test_long_near_copies_are_found_and_long_different_texts_are_not() -> None:
    rnd = random.Random(3)
    vocabulary = " ".join(ORDINARY).split()
    base = " ".join(rnd.choice(vocabulary) for _ in range(450))
    other = " ".join(rnd.choice(vocabulary) for _ in range(450))
    edited = base[:1000] + " le client a rappelé " + base[1000:]
    assert len(base) > 2000
    assert similar(base, edited) and old_similar(base, edited)
    assert not similar(base, other) and not old_similar(base, other)


def contacts(n: int) -> list[Purchase]:
    return [Purchase(f"L-{i}", T, 10, "standard", None) for i in range(n)]


def test_pathological_explanations_finish() -> None:
    # Four of 3,000 "x" kept a claim loading for over two minutes; twenty of
    # 2,500 characters took 33 s. No time limit here: it must obviously finish.
    xs = {f"L-{i}": "x" * (3000 - i) for i in range(4)}
    flags = flags_for(contacts(4), xs, [], "Europe/Paris")
    assert all(FlagKind.DUPLICATE in {f.kind for f in flags[ref]} for ref in xs)
    rnd = random.Random(5)
    vocabulary = " ".join(ORDINARY).split()
    long = {
        f"L-{i}": " ".join(rnd.choice(vocabulary) for _ in range(500))[:2500] for i in range(20)
    }
    long["L-19"] = long["L-0"]
    flags = flags_for(contacts(20), long, [], "Europe/Paris")
    twins = {ref for ref, found in flags.items() if FlagKind.DUPLICATE in {f.kind for f in found}}
    assert twins == {"L-0", "L-19"}
    repetitive = {f"L-{i}": "ab " * (100 + i) for i in range(20)}
    flags_for(contacts(20), repetitive, [], "Europe/Paris")
    huge = {"L-0": "y" * 1_000_000, "L-1": "y" * 999_999}
    assert set(flags_for(contacts(2), huge, [], "Europe/Paris")) == {"L-0", "L-1"}
