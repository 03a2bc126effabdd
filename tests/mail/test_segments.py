"""The text cut into pieces: numbered, bulleted, labelled, wrapped; greetings and closings apart."""

from __future__ import annotations

import pytest

from guarantee_tui.mail.segments import (
    CLOSING,
    EXPLANATION,
    GREETING,
    INTRO,
    item,
    split_segments,
)


@pytest.mark.parametrize(
    ("line", "numbers", "rest"),
    [
        ("1. Projet reporté.", (1,), "Projet reporté."),
        ("3) Sans réponse", (3,), "Sans réponse"),
        ("Contact 3 : devis envoyé", (3,), "devis envoyé"),
        ("Contacto 12: sem resposta", (12,), "sem resposta"),
        ("n.º 3 – obra adiada", (3,), "obra adiada"),
        ("N°7 - budget", (7,), "budget"),
        ("#4 rien", None, None),
        ("3e contact : rien", (3,), "rien"),
        ("Contact 5", (5,), ""),
        ("Contacts 4, 5 et 6 : aucune suite", (4, 5, 6), "aucune suite"),
        ("Contactos 4 a 6: sem resposta", (4, 5, 6), "sem resposta"),
        ("16/06 : le client", None, None),
        ("2 relances sans réponse", None, None),
        ("16.06.2026 visite", None, None),
    ],
)
def test_list_items(line: str, numbers: tuple[int, ...] | None, rest: str | None) -> None:
    found = item(line)
    if numbers is None:
        assert found is None
    else:
        assert found == (numbers, rest)


def _kinds(text: str) -> list[tuple[str, str, tuple[int, ...]]]:
    return [(s.kind, s.text, s.numbers) for s in split_segments(text)]


def test_a_numbered_letter() -> None:
    text = (
        "Bonjour,\n\nVoici ce qui s'est passé avec chacun de mes contacts :\n\n"
        "1. Projet reporté.\nRelancé deux fois.\n2. Aucune réponse.\n\nMerci de votre retour."
    )
    assert _kinds(text) == [
        (GREETING, "Bonjour,", ()),
        (INTRO, "Voici ce qui s'est passé avec chacun de mes contacts :", ()),
        (EXPLANATION, "Projet reporté. Relancé deux fois.", (1,)),
        (EXPLANATION, "Aucune réponse.", (2,)),
        (CLOSING, "Merci de votre retour.", ()),
    ]


def test_closing_words_inside_the_list_stay_with_their_item() -> None:
    text = "Contact 1\nProjet reporté.\nJe reste à votre disposition.\n\nContact 2\nRien."
    assert _kinds(text) == [
        (EXPLANATION, "Projet reporté. Je reste à votre disposition.", (1,)),
        (EXPLANATION, "Rien.", (2,)),
    ]


def test_labelled_lines_leading_or_trailing() -> None:
    text = (
        "Mme Moreau : projet reporté.\n"
        "Pour M. Bertrand, aucune réponse.\n"
        "Le client a choisi un autre artisan. (Julie Petit)\n"
        "Sr. Santos – sem resposta"
    )
    assert [s.text for s in split_segments(text)] == text.split("\n")


def test_lines_cut_by_the_mail_program_are_joined_again() -> None:
    text = (
        "Mme Moreau : le client a trouvé le devis trop élevé et n'a pas donné\n"
        "suite. Relance par e-mail une semaine plus tard, sans réponse.\n"
        "M. Bertrand : budget du client trop juste par rapport au devis envoyé.\n"
        "Relancé deux fois par téléphone.\n"
        "Le client a retenu une autre entreprise qui pouvait commencer plus tôt.\n"
        "(Julie Petit)\n"
        "Paul : pas de suite"
    )
    assert [s.text for s in split_segments(text)] == [
        "Mme Moreau : le client a trouvé le devis trop élevé et n'a pas donné suite. "
        "Relance par e-mail une semaine plus tard, sans réponse.",
        "M. Bertrand : budget du client trop juste par rapport au devis envoyé. "
        "Relancé deux fois par téléphone.",
        "Le client a retenu une autre entreprise qui pouvait commencer plus tôt. (Julie Petit)",
        "Paul : pas de suite",
    ]


def test_paragraphs_of_prose() -> None:
    text = (
        "Olá,\n\nVenho solicitar a garantia. Segue o que aconteceu:\n\n"
        "Com a D. Costa falei duas vezes.\n\nO cliente de Braga não respondeu.\n\nCumprimentos"
    )
    assert _kinds(text) == [
        (GREETING, "Olá,", ()),
        (INTRO, "Venho solicitar a garantia. Segue o que aconteceu:", ()),
        (EXPLANATION, "Com a D. Costa falei duas vezes.", ()),
        (EXPLANATION, "O cliente de Braga não respondeu.", ()),
        (CLOSING, "Cumprimentos", ()),
    ]


def test_a_surname_that_starts_like_a_closing_word_is_an_explanation() -> None:
    assert _kinds("Mercier : pas de suite\nBonnet : rien\nMerci")[0][0] == EXPLANATION
