"""The hints that help an agent spot an untruthful explanation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from guarantee_tui.i18n import translator
from guarantee_tui.policy import Purchase, Review
from guarantee_tui.services.flags import Flag, FlagKind, flags_for, similar

T = datetime(2026, 3, 2, 9, tzinfo=UTC)


def purchase(ref: str, contacted: bool = True) -> Purchase:
    return Purchase(ref, T, 10, "priority_discount", T + timedelta(hours=1) if contacted else None)


def kinds(flags: dict[str, tuple[Flag, ...]], ref: str) -> set[FlagKind]:
    return {f.kind for f in flags.get(ref, ())}


def test_near_identical_explanations_are_twins() -> None:
    assert similar("Le client a choisi un autre artisan.", "le client a choisi un autre artisan")
    assert similar("Client injoignable malgré 3 appels.", "Client injoignable malgré 4 appels.")
    assert not similar("Budget trop juste pour le client.", "Projet reporté à l'an prochain.")
    assert not similar("", "")
    contacts = [purchase("L-1"), purchase("L-2"), purchase("L-3")]
    flags = flags_for(
        contacts,
        {
            "L-1": "Idem, pas de réponse.",
            "L-2": "Idem, pas de réponse !",
            "L-3": "Devis envoyé, le client a choisi moins cher.",
        },
        [],
        "Europe/Paris",
    )
    assert FlagKind.DUPLICATE in kinds(flags, "L-1")
    assert FlagKind.DUPLICATE in kinds(flags, "L-2")
    assert FlagKind.DUPLICATE not in kinds(flags, "L-3")
    text = translator("en").render(flags["L-1"][0].message)
    assert text == "Nearly the same explanation as L-2."


def test_saying_never_reached_against_a_recorded_contact_in_each_language() -> None:
    for text in (
        "Je n'ai jamais réussi à le joindre.",
        "Cliente nunca atendeu o telefone.",
        "Não consegui contactar o cliente.",
        "Client injoignable.",
        "I could not reach the client.",
    ):
        flags = flags_for([purchase("L-1")], {"L-1": text}, [], "Europe/Lisbon")
        assert kinds(flags, "L-1") == {FlagKind.SAYS_NEVER_REACHED}, text
    flags = flags_for(
        [purchase("L-1", contacted=False)], {"L-1": "Client injoignable."}, [], "Europe/Paris"
    )
    assert flags == {}


def test_saying_reached_when_no_contact_is_recorded() -> None:
    flags = flags_for(
        [purchase("L-1", contacted=False)],
        {"L-1": "Visite effectuée, devis envoyé le lendemain."},
        [],
        "Europe/Paris",
    )
    assert kinds(flags, "L-1") == {FlagKind.SAYS_REACHED}
    flags = flags_for(
        [purchase("L-1", contacted=True)],
        {"L-1": "Visite effectuée, devis envoyé le lendemain."},
        [],
        "Europe/Paris",
    )
    assert flags == {}


def test_a_positive_review_from_that_client() -> None:
    reviews = [
        Review("R-1", T, 5, "platform_contact", "L-1"),
        Review("R-2", T, 2, "platform_contact", "L-2"),
        Review("R-3", T, 5, "former_client", None),
    ]
    flags = flags_for(
        [purchase("L-1"), purchase("L-2")],
        {"L-1": "Rien.", "L-2": "Rien de plus."},
        reviews,
        "Europe/Paris",
    )
    assert FlagKind.POSITIVE_REVIEW in kinds(flags, "L-1")
    assert FlagKind.POSITIVE_REVIEW not in kinds(flags, "L-2")


def test_markup_and_odd_text_are_just_text() -> None:
    flags = flags_for(
        [purchase("L-1"), purchase("L-2")],
        {"L-1": "[b]x[/b] [link=x]y[/link] 🚧 e\u0301", "L-2": "   "},
        [],
        "Europe/Paris",
    )
    assert flags == {}
