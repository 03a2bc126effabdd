"""Quotations, signatures and forwards taken apart; HTML bodies as text."""

from __future__ import annotations

import pytest

from guarantee_tui.mail.cleaning import clean_body
from guarantee_tui.mail.html import html_to_text

EXPLANATIONS = "1. Projet reporté.\n2. Aucune réponse."


@pytest.mark.parametrize(
    "attribution",
    [
        "Le lun. 15 juin 2026 à 10:00, Support habitissimo <support@habitissimo.fr> a écrit :",
        "Em seg., 15/06/2026 às 10:00, Suporte <suporte@habitissimo.pt> escreveu:",
        "On Mon, Jun 15, 2026 at 10:00 AM Support <support@habitissimo.fr> wrote:",
        "Le lun. 15 juin 2026 à 10:00, Support habitissimo\n<support@habitissimo.fr> a écrit :",
    ],
)
def test_a_quoted_earlier_message_is_left_out(attribution: str) -> None:
    text = f"{EXPLANATIONS}\n\n{attribution}\n> Merci de nous dire\n> > 1. un ancien essai\n"
    body = clean_body(text)
    assert body.text == EXPLANATIONS
    assert "Merci de nous dire" in body.quoted


def test_an_outlook_header_block_and_all_after_it_is_left_out() -> None:
    text = (
        f"{EXPLANATIONS}\n\n-----Message d'origine-----\nDe : Support [mailto:s@h.fr]\n"
        "Envoyé : lundi 15 juin 2026 10:00\nÀ : moi\nObjet : Garantie\n\n3. ancien texte"
    )
    assert clean_body(text).text == EXPLANATIONS
    bare = f"{EXPLANATIONS}\n\nDe : Support\nEnvoyé : lundi\nObjet : Garantie\n\nancien"
    assert clean_body(bare).text == EXPLANATIONS


@pytest.mark.parametrize(
    "ending",
    [
        "\n\nCordialement,\nJean Martin\nPlomberie Martin\n06 12 34 56 78",
        "\n\nCom os melhores cumprimentos,\nRui Costa",
        "\n-- \nJean Martin\nPlomberie Martin",
        "\n\nMerci d'avance, Jean",
        "\n\nEnvoyé de mon iPhone",
        "\n\nBien cordialement,\n-- \nJean",
    ],
)
def test_the_signature_is_left_out_but_kept_apart(ending: str) -> None:
    body = clean_body(EXPLANATIONS + ending)
    assert body.text == EXPLANATIONS
    assert body.signature.split() == ending.split()


def test_a_closing_word_inside_an_explanation_is_no_signature() -> None:
    text = (
        "Mme Moreau : projet reporté.\nMerci de votre compréhension pour ce retard.\n"
        "M. Martin : rien."
    )
    assert clean_body(text).text == text


@pytest.mark.parametrize(
    ("marker", "headers"),
    [
        ("---------- Forwarded message ---------", "From: Jean Martin <jean@pm.fr>\nDate: Mon"),
        ("---------- Message transféré ---------", "De : Jean Martin <jean@pm.fr>\nDate : lun."),
        ("---------- Mensagem reencaminhada ---------", "De: Jean Martin <jean@pm.fr>\nData: seg"),
        ("Début du message réexpédié :", "De: Jean Martin <jean@pm.fr>\nObjet: Garantie"),
    ],
)
def test_an_inline_forward_is_read_as_its_original_sender(marker: str, headers: str) -> None:
    text = f"Je vous transfère sa demande.\n\n{marker}\n{headers}\n\n{EXPLANATIONS}\n\nCordialement"
    body = clean_body(text, "Fwd: Garantie")
    assert body.forwarded_from == ("Jean Martin", "jean@pm.fr")
    assert body.text == EXPLANATIONS
    assert body.note == "Je vous transfère sa demande."


def test_an_outlook_forward_is_told_by_its_subject() -> None:
    text = (
        "Voir ci-dessous.\n\n________________________________\n"
        "De : Jean Martin <jean@pm.fr>\nEnvoyé : lundi\nObjet : Garantie\n\n" + EXPLANATIONS
    )
    assert clean_body(text, "TR: Garantie").forwarded_from == ("Jean Martin", "jean@pm.fr")
    # The same block under a reply's subject is a quotation.
    assert clean_body(text, "RE: Garantie").text == "Voir ci-dessous."


def test_html_blocks_lists_quotes_and_signatures() -> None:
    html = (
        "<html><head><style>p {color: red}</style></head><body>"
        "<p>Bonjour,</p><ol start='3'><li>Projet&nbsp;reporté.</li><li>Rien.</li></ol>"
        "<ul><li>point</li></ul><div><b>ligne</b><br>suivante</div>"
        "<div class='gmail_signature'>Jean</div>"
        "<blockquote>ancien<br>message</blockquote><script>alert(1)</script>"
        "</body></html>"
    )
    text = html_to_text(html)
    assert text.split("\n") == [
        "Bonjour,",
        "",
        "3. Projet\xa0reporté.",
        "4. Rien.",
        "",
        "- point",
        "",
        "ligne",
        "suivante",
        "-- ",
        "Jean",
        "",
        "> ancien",
        "> message",
    ]
    body = clean_body(text)
    assert body.text.endswith("suivante")
    assert "ancien" in body.quoted
