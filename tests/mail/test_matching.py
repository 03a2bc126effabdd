"""Cues, and the one-to-one attribution with its confidences."""

from __future__ import annotations

import itertools
import math
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from guarantee_tui.mail.cues import CITY, DATE, FIRST_NAME, JOB, NAME, Contact, ContactIndex
from guarantee_tui.mail.matching import (
    APPLY_FROM,
    alternative_costs,
    attribute,
    hungarian,
)
from guarantee_tui.mail.segments import split_segments
from tests.mail.helpers import CONTACTS

INDEX = ContactIndex(CONTACTS)


def _cues(text: str) -> dict[str, dict[int, float]]:
    return {c.kind: dict(c.weights) for c in INDEX.cues(text)}


# --- cues -------------------------------------------------------------------------


def test_names_with_titles_first_names_or_alone() -> None:
    assert _cues("Julie Petit a choisi un autre artisan")[NAME] == {3: 1.0}
    assert _cues("J'ai rappelé Mme Moreau deux fois")[NAME] == {1: 1.0}
    assert _cues("Bertrand : pas de suite")[NAME] == {2: 1.0}
    # A title of the other sex points away; a first name's sex is unknown.
    assert _cues("Mme Martin : rien")[NAME] == {4: 0.02 / 0.52, 5: 0.5 / 0.52}
    assert _cues("M. Martin : rien")[NAME] == {4: 1.0 / 1.5, 5: 0.5 / 1.5}
    # "Da Silva" is also written "Silva".
    assert _cues("Silva : rien")[NAME] == {6: 1.0}
    # "Laurent" alone: M. Laurent, or Laurent Michel by his first name.
    assert _cues("Laurent : rien")[NAME] == {7: 0.5, 8: 0.5}
    assert _cues("Laurent Michel : rien")[NAME] == {7: 1.0}


def test_names_must_be_written_as_names() -> None:
    assert NAME not in _cues("un petit appartement à rénover")
    assert FIRST_NAME not in _cues("une réponse claire et précise")
    assert _cues("Avec Julie, rien")[FIRST_NAME] == {3: 1.0}


def test_dates_in_the_markets_ways() -> None:
    for text in ("Contact du 05/03 : rien", "le 5 mars, rien", "Contacto de 5 de março: nada"):
        assert _cues(text)[DATE] == {2: 0.5, 3: 0.5}
    assert _cues("Achat du 16/03/2026 : rien")[DATE] == {5: 1.0}
    assert DATE not in _cues("Achat du 16/03/2025 : rien")
    assert DATE not in _cues("devis à 3.200 €, 4 500 € avec les options")


def test_cities_and_jobs() -> None:
    assert _cues("visite à Saint-Étienne")[CITY] == {6: 1.0}
    assert CITY not in _cues("plusieurs tours de relance")
    assert set(_cues("le remplacement du chauffe-eau")[JOB]) == {1, 6}


# --- the assignment ------------------------------------------------------------------


def _brute_force(cost: list[list[float]]) -> float:
    n = len(cost)
    return min(sum(cost[i][p[i]] for i in range(n)) for p in itertools.permutations(range(n)))


matrices = st.integers(1, 6).flatmap(
    lambda n: st.lists(
        st.lists(st.floats(-20, 20, allow_nan=False), min_size=n, max_size=n),
        min_size=n,
        max_size=n,
    )
)


@settings(max_examples=150, deadline=None)
@given(matrices)
def test_hungarian_finds_the_cheapest_assignment(cost: list[list[float]]) -> None:
    column_of, u, v = hungarian(cost)
    n = len(cost)
    assert sorted(column_of) == list(range(n))
    total = sum(cost[i][column_of[i]] for i in range(n))
    assert math.isclose(total, _brute_force(cost), abs_tol=1e-6)
    for i in range(n):
        for j in range(n):
            assert u[i] + v[j] <= cost[i][j] + 1e-6


@settings(max_examples=100, deadline=None)
@given(matrices)
def test_alternative_costs_are_the_min_marginals(cost: list[list[float]]) -> None:
    column_of, u, v = hungarian(cost)
    extra = alternative_costs(cost, column_of, u, v)
    n = len(cost)
    best = sum(cost[i][column_of[i]] for i in range(n))
    for i in range(n):
        for j in range(n):
            forced = min(
                sum(cost[k][p[k]] for k in range(n))
                for p in itertools.permutations(range(n))
                if p[i] == j
            )
            assert math.isclose(extra[i][j], forced - best, abs_tol=1e-6)


# --- attributions ----------------------------------------------------------------------


def _attribute(text: str, contacts: tuple[Contact, ...] = CONTACTS) -> dict[int, tuple[str, str]]:
    found = attribute(split_segments(text), contacts)
    return {m.position: (m.text, m.cue) for m in found.matches}


def test_numbered_pieces_go_to_their_numbers_surely() -> None:
    text = "\n".join(f"{n}. texte {n}" for n in (1, 2, 3, 5, 6, 7, 8))
    found = attribute(split_segments(text), CONTACTS)
    assert {m.position: m.text for m in found.matches} == {
        n: f"texte {n}" for n in (1, 2, 3, 5, 6, 7, 8)
    }
    assert found.sure


def test_names_in_any_order_and_namesakes_by_elimination() -> None:
    text = (
        "Paul Martin : a choisi un autre artisan.\nM. Martin : devis trop cher.\n"
        "Julie : travaux faits elle-même.\nMme Moreau : projet reporté.\n"
    )
    assert _attribute(text) == {
        1: ("Mme Moreau : projet reporté.", NAME),
        3: ("Julie : travaux faits elle-même.", FIRST_NAME),
        4: ("M. Martin : devis trop cher.", NAME),
        5: ("Paul Martin : a choisi un autre artisan.", NAME),
    }


def test_contacts_grouped_in_one_sentence_share_it() -> None:
    text = "Pour Julie Petit, M. Martin et Paul Martin : devis trop cher.\nMme Moreau : rien."
    found = attribute(split_segments(text), CONTACTS)
    shared = "Pour Julie Petit, M. Martin et Paul Martin : devis trop cher."
    assert {m.position: m.text for m in found.matches} == {
        1: "Mme Moreau : rien.",
        3: shared,
        4: shared,
        5: shared,
    }
    assert found.sure
    numbered = attribute(split_segments("Contacts 2 à 4 : aucune suite.\n1. rien"), CONTACTS)
    assert [m.position for m in numbered.matches] == [1, 2, 3, 4]


def test_a_paragraph_naming_contacts_one_after_another_is_cut() -> None:
    text = "Mme Moreau a choisi un autre artisan. Relancé M. Bertrand deux fois, en vain."
    assert _attribute(text) == {
        1: ("Mme Moreau a choisi un autre artisan.", NAME),
        2: ("Relancé M. Bertrand deux fois, en vain.", NAME),
    }


def test_order_places_unlabelled_pieces_between_anchors_surely_only_when_they_fit() -> None:
    letter = "\n\n".join(
        [
            "Mme Moreau : projet reporté.",
            "Le client n'a jamais rappelé.",
            "Julie Petit : devis refusé.",
            "Rien de plus.",
            "Paul Martin : autre artisan.",
        ]
    )
    found = attribute(split_segments(letter), CONTACTS[:5])
    by_position = {m.position: m for m in found.matches}
    assert by_position[2].text == "Le client n'a jamais rappelé."
    assert by_position[4].text == "Rien de plus."
    assert by_position[2].cue == "order" and by_position[2].confidence >= APPLY_FROM
    # Two pieces for the one contact between two anchors: the order cannot tell.
    extra = letter.replace("rappelé.", "rappelé.\n\nUn autre non plus.")
    unsure = attribute(split_segments(extra), CONTACTS[:5])
    assert [m.position for m in unsure.matches if "order" in m.cue] == [2, 4]
    assert all(m.confidence < APPLY_FROM for m in unsure.matches if "order" in m.cue)
    assert not unsure.sure


def test_conflicting_cues_go_to_an_agent() -> None:
    found = attribute(split_segments("1. Mme Moreau : rien\n2. Julie Petit : rien"), CONTACTS)
    assert not found.sure
    assert min(m.confidence for m in found.matches) < APPLY_FROM


def test_pieces_left_over_are_reported() -> None:
    contacts = CONTACTS[:2]
    found = attribute(split_segments("1. rien\n2. rien\n3. rien"), contacts)
    assert found.unmatched == ("rien",)
    assert not found.sure


letters = st.lists(
    st.sampled_from(
        [
            "{n}. texte",
            "Contact {n} : texte",
            "Mme Moreau : texte",
            "Julie : texte",
            "Le client de Lyon n'a pas rappelé.",
            "Contact du 05/03 : rien",
            "Idem.",
            "M. Martin : devis",
        ]
    ),
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(letters, st.integers(1, 8))
def test_every_attribution_is_one_to_one(lines: list[str], size: int) -> None:
    text = "\n".join(line.format(n=i % 9 + 1) for i, line in enumerate(lines))
    contacts = CONTACTS[:size]
    found = attribute(split_segments(text), contacts)
    positions = [m.position for m in found.matches]
    assert len(positions) == len(set(positions))
    assert set(positions) <= {c.position for c in contacts}
    assert all(0.0 <= m.confidence <= 1.0 for m in found.matches)
    refs = {c.position: c.ref for c in contacts}
    assert all(refs[m.position] == m.contact_ref for m in found.matches)


def test_no_contacts_leave_every_piece_over() -> None:
    found = attribute(split_segments("1. rien\n2. rien"), ())
    assert found.matches == () and found.unmatched == ("rien", "rien")


def test_dates_resolve_the_same_day_by_order() -> None:
    contacts = (
        Contact(1, "A", None, None, None, date(2026, 3, 2)),
        Contact(2, "B", None, None, None, date(2026, 3, 5)),
        Contact(3, "C", None, None, None, date(2026, 3, 5)),
        Contact(4, "D", None, None, None, date(2026, 3, 9)),
    )
    text = "Le 02/03 : un\nLe 05/03 : deux\nLe 05/03 : trois\nLe 09/03 : quatre"
    found = attribute(split_segments(text), contacts)
    assert [m.text for m in found.matches] == [
        "Le 02/03 : un",
        "Le 05/03 : deux",
        "Le 05/03 : trois",
        "Le 09/03 : quatre",
    ]
    assert found.sure
