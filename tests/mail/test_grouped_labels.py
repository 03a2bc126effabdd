"""Grouped explanations as the corpus found them lost: a group's label cut in two
by the mail program's line break, and namesakes in one group told apart by
their cities ("Mme Le Goff (Le Havre) ... Mme Le Goff (Paris)")."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from guarantee_tui.mail.cues import Contact
from guarantee_tui.mail.matching import attribute
from guarantee_tui.mail.segments import EXPLANATION, split_segments


def _contacts(people: Sequence[tuple[str, str]]) -> list[Contact]:
    return [
        Contact(position, f"L-{position:07d}", name, city)
        for position, (name, city) in enumerate(people, start=1)
    ]


def _letter(greeting: str, lines: Sequence[str], closing: str) -> str:
    """The letter as a mail program sends it: each line cut at 72 characters."""
    wrapped = [part for line in lines for part in textwrap.wrap(line, 72)]
    return "\n".join([greeting, "", *wrapped, "", closing])


def _by_contact(text: str, contacts: list[Contact]) -> dict[int, tuple[str, bool]]:
    found = attribute(split_segments(text), contacts)
    assert found.unmatched == ()
    return {m.position: (m.text, m.sure) for m in found.matches}


FRENCH = _contacts(
    [
        ("Claire Perrin", "Lyon"),
        ("Thomas Lemaire", "Nantes"),
        ("Christophe Michel", "Rennes"),
        ("Nathalie Gaillard", "Lille"),
        ("Mme Le Goff", "Le Havre"),
        ("Mme Roche", "Rouen"),
        ("Mme Le Goff", "Paris"),
        ("Amélie Brunet", "Caen"),
        ("M. Muller", "Metz"),
        ("Julie Lemaire", "Brest"),
        ("Kévin Roux", "Tours"),
        ("M. Rivière", "Dijon"),
        ("Sylvie Roux", "Reims"),
        ("Mme Fontaine", "Nancy"),
        ("Mme Sanchez", "Nice"),
        ("Chloé Durand", "Toulon"),
        ("Mehdi Lemaire", "Limoges"),
        ("Pierre David", "Angers"),
        ("Yannick Sanchez", "Amiens"),
        ("M. Thomas", "Brest"),
    ]
)
GROUP_FR = (
    "Travaux repoussés pour raisons personnelles, il doit me recontacter. "
    "Relance par e-mail une semaine plus tard, sans réponse."
)
NAMESAKES_FR = (
    "Visite sur place au Havre après un premier appel. "
    "Le client a décidé de faire les travaux lui-même."
)


def test_a_group_label_cut_by_the_line_break_keeps_every_contact() -> None:
    others = [f"{c.client_name} : Je n'ai jamais réussi à joindre ce client." for c in FRENCH[8:]]
    text = _letter(
        "Bonjour,",
        [
            "Pour Claire Perrin, Thomas Lemaire, Christophe Michel et Nathalie "
            f"Gaillard : {GROUP_FR}",
            f"Pour Mme Le Goff (Le Havre), Mme Roche, Mme Le Goff (Paris) et Amélie "
            f"Brunet : {NAMESAKES_FR}",
            *others,
        ],
        "Bien cordialement,",
    )
    # The shape the corpus had: the line break inside the group's label, the
    # label's end on a line that looks like a label of its own.
    assert "\nGaillard : Travaux repoussés" in text
    explained = [s.text for s in split_segments(text) if s.kind == EXPLANATION]
    assert explained[0].endswith("Nathalie Gaillard : " + GROUP_FR)
    assert len(explained) == 2 + len(others)

    matches = _by_contact(text, FRENCH)
    for position in (1, 2, 3, 4):
        text_, sure = matches[position]
        assert GROUP_FR in text_ and sure, position
    # Both Mme Le Goff, each by the city written after her name, and the others.
    for position in (5, 6, 7, 8):
        text_, sure = matches[position]
        assert NAMESAKES_FR in text_ and sure, position
    assert sorted(matches) == list(range(1, 21))


PORTUGUESE = _contacts(
    [
        ("Sr. Santos", "Porto"),
        ("Sra. Pires", "Braga"),
        ("Sr. Santos", "Maia"),
        ("Vânia Freitas", "Lisboa"),
        ("Sra. Pereira", "Oeiras"),
        ("Sra. Alves", "Oeiras"),
        ("Sra. Alves", "Odivelas"),
        ("Rita Lopes", "Setúbal"),
        ("Pedro Gonçalves", "Faro"),
        ("Sra. Vaz", "Coimbra"),
        ("Nuno Carvalho", "Aveiro"),
        ("Sr. Antunes", "Évora"),
        ("Sr. Soares", "Leiria"),
        ("Carlos Castro", "Viseu"),
        ("Teresa Tavares", "Guarda"),
        ("Manuel Oliveira", "Almada"),
        ("Catarina Barbosa", "Amadora"),
        ("Marta Neves", "Sintra"),
        ("José Sá", "Cascais"),
        ("Luís Pinto", "Loures"),
    ]
)
GROUP_PT = (
    "O Sr. Santos do Porto e o da Maia pediram orçamento para a mesma obra. "
    "Orçamento enviado em 48 horas, sem resposta apesar de ter insistido duas vezes."
)
NAMESAKES_PT = "O cliente só queria uma estimativa para o seguro. Última tentativa há três semanas."


def test_portuguese_groups_with_the_seeds_new_words() -> None:
    others = [f"{c.client_name}: Nunca consegui falar com este cliente." for c in PORTUGUESE[7:]]
    text = _letter(
        "Bom dia,",
        [
            "Para Sr. Santos (Porto), Sra. Pires (Braga), Sr. Santos (Maia) e Vânia "
            f"Freitas: {GROUP_PT}",
            f"Para Sra. Pereira, Sra. Alves (Oeiras) e Sra. Alves (Odivelas): {NAMESAKES_PT}",
            *others,
        ],
        "Cumprimentos,",
    )
    assert "\nFreitas: O Sr. Santos" in text

    matches = _by_contact(text, PORTUGUESE)
    for position in (1, 2, 3, 4):
        text_, sure = matches[position]
        assert GROUP_PT in text_ and sure, position
    for position in (5, 6, 7):
        text_, sure = matches[position]
        assert NAMESAKES_PT in text_ and sure, position
    assert sorted(matches) == list(range(1, 21))


def test_a_full_line_that_ends_an_explanation_still_ends_it() -> None:
    # A line as long as the wrapped ones, closed by its label's explanation: the
    # next label starts another piece (only a label still open goes on).
    text = _letter(
        "Bonjour,",
        [
            "Mme Roche : Visite sur place au Havre après un premier appel, rien depuis",
            *[f"{c.client_name} : Je n'ai jamais réussi à joindre ce client." for c in FRENCH[6:]],
        ],
        "Merci,",
    )
    matches = _by_contact(text, FRENCH)
    assert matches[6][0].startswith("Mme Roche : ")
    assert matches[6][0].endswith("rien depuis")
