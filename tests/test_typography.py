"""French typography and European Portuguese, in the catalogs and in the letters.

French (France) puts a no-break space (U+00A0) before ":" and inside « »,
and a narrow no-break space (U+202F) before ";", "?" and "!": an ordinary
space there lets a line begin with the punctuation. Portuguese is the
European kind: a Brazilian form in a Portuguese text is a mistake.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from guarantee_tui.policy import Market
from guarantee_tui.services.letters import letter

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
LETTERS = ROOT / "tests" / "data" / "letters"

# Any space but the right one before (or, for «, after) the mark.
_FRENCH_MISTAKES = (
    (re.compile(r"[ \t\u202f\u2009]:"), "a breakable or narrow space before ':' (U+00A0 wanted)"),
    (re.compile(r"[ \t\u00a0\u2009][;?!]"), "a space before ';', '?' or '!' (U+202F wanted)"),
    (re.compile(r"«(?!\u00a0)"), "'«' not followed by U+00A0"),
    (re.compile(r"(?<!\u00a0)»"), "'»' not preceded by U+00A0"),
)

# Brazilian forms with their European Portuguese counterparts.
BRAZILIAN = {
    "ligar de volta": "voltar a ligar",
    "tela": "ecrã",
    "arquivo": "ficheiro",
    "registro": "registo",
    "equipe": "equipa",
    "contato": "contacto",
    "contatos": "contactos",
    "celular": "telemóvel",
    "usuário": "utilizador",
    "senha": "palavra-passe",
    "deletar": "apagar",
    "você": "o senhor / a senhora, or no pronoun",
}
_BRAZILIAN = re.compile(r"\b(" + "|".join(map(re.escape, BRAZILIAN)) + r")\b", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")

# A number, or a placeholder that holds one, then an ordinary space and its unit or
# the thing it counts: a line may not end between them ("2 h", "240 crédits",
# "20 contactos"), in either language.
_UNITS = (
    "h|min|heures?|minutes?|jours?|mois|ans?|semaines?|crédits?|contacts?"
    "|horas?|minutos?|dias?|meses|mês|anos?|semanas?|créditos?|contactos?"
)
_COUNTS = "n|count|hours|minutes|days|months|years|weeks|amount|credits|missing|total"
_BROKEN_UNIT = re.compile(rf"(?:\d+|\{{(?:{_COUNTS})\}}) (?:(?:{_UNITS})(?!\w)|%)")


def broken_units(text: str) -> list[str]:
    return [m.group(0) for m in _BROKEN_UNIT.finditer(text)]


def french_mistakes(text: str) -> list[str]:
    return [why for pattern, why in _FRENCH_MISTAKES if pattern.search(text)]


def brazilian_forms(text: str) -> list[str]:
    return [m.group(0) for m in _BRAZILIAN.finditer(_PLACEHOLDER.sub("", text))]


def translations(directory: str, locale: str) -> Iterator[tuple[str, str]]:
    with (LOCALES / directory / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f, locale=locale)
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        for text in strings:
            yield msgid, text or ""


def test_the_checks_catch_what_they_must() -> None:
    assert french_mistakes("Objet : votre demande")
    assert french_mistakes("Pourquoi ?") and french_mistakes("a ; b") and french_mistakes("Oui !")
    assert french_mistakes("« abus »") and french_mistakes("«abus»")
    assert french_mistakes("Objet\u202f: votre demande")
    assert not french_mistakes(
        "Objet\u00a0: «\u00a0abus\u00a0» a\u202f; b\u202f? c\u202f! https://x.fr 12:00 {a}:{b}"
    )
    assert brazilian_forms("Ligar de volta ao cliente pelo celular") == [
        "Ligar de volta",
        "celular",
    ]
    assert not brazilian_forms("voltar a ligar pelo telemóvel; o contacto, a equipa, {tela}")


def test_the_unit_check_catches_what_it_must() -> None:
    assert broken_units("2 h 05 min, 1\u202f234 crédits, {n} contactos, 80 %") == [
        "2 h",
        "05 min",
        "234 crédits",
        "{n} contactos",
        "80 %",
    ]
    assert not broken_units("2\u00a0h\u00a005\u00a0min, {n}\u00a0crédits, {time} heure, 3 hommes")


@pytest.mark.parametrize(("directory", "locale"), [("fr", "fr"), ("pt_PT", "pt_PT")])
def test_no_line_may_end_between_a_number_and_its_unit(directory: str, locale: str) -> None:
    wrong = [
        f"{msgid!r}: {text!r}: {found}"
        for msgid, text in translations(directory, locale)
        if (found := broken_units(text))
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("path", sorted(LETTERS.glob("*/*.txt")), ids=lambda p: p.name)
def test_no_reviewed_letter_breaks_a_number_from_its_unit(path: Path) -> None:
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        assert not broken_units(line), f"{path.name}, line {number}: {line!r}"


def test_every_french_translation_is_set_in_french_typography() -> None:
    wrong = [
        f"{msgid!r}: {text!r}: {', '.join(found)}"
        for msgid, text in translations("fr", "fr")
        if (found := french_mistakes(text))
    ]
    assert not wrong, "\n".join(wrong)


def test_no_brazilian_form_in_the_portuguese_catalog() -> None:
    wrong = [
        f"{msgid!r}: {text!r}: " + ", ".join(f"{f} (say {BRAZILIAN[f.lower()]})" for f in found)
        for msgid, text in translations("pt_PT", "pt_PT")
        if (found := brazilian_forms(text))
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("path", sorted(LETTERS.glob("fr/*.txt")), ids=lambda p: p.name)
def test_every_reviewed_french_letter_is_set_in_french_typography(path: Path) -> None:
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        assert not french_mistakes(line), f"{path.name}, line {number}: {line!r}"


@pytest.mark.parametrize("path", sorted(LETTERS.glob("pt/*.txt")), ids=lambda p: p.name)
def test_no_brazilian_form_in_a_reviewed_portuguese_letter(path: Path) -> None:
    assert not brazilian_forms(path.read_text(encoding="utf-8")), path.name


@pytest.mark.parametrize("action", ["approve", "reject", "suspend"])
def test_a_french_letter_sets_what_people_typed_in_french_typography(action: str) -> None:
    from tests.builders import eligible_professional
    from tests.services.test_letters import facts

    typed = "Une question ? Écrivez-nous ; nous répondrons : c'est « promis » !"
    text = letter(action, facts(eligible_professional(Market.FR), message=typed))
    assert not french_mistakes(text), text
