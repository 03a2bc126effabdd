"""The catalogs are complete and exact for the source strings."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog

ROOT = Path(__file__).resolve().parent.parent


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "scripts" / "i18n.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["i18n_tool"] = module
    spec.loader.exec_module(module)
    return module


tool = _tool()


def test_every_source_string_is_translated_exactly() -> None:
    problems = tool.check()
    assert not problems, "\n".join(problems[:50]) + f"\n({len(problems)} problems)"


def _catalog(entries: Sequence[tuple[object, object]], locale: str = "fr") -> Catalog:
    """A catalog with the installed Babel's plural rule; a plural translation given
    with two forms (singular, plural) is spread over however many forms that rule has."""
    catalog = Catalog(locale=locale)
    for msgid, msgstr in entries:
        if isinstance(msgstr, tuple) and len(msgstr) == 2:
            msgstr = (msgstr[0],) + (msgstr[1],) * (catalog.num_plurals - 1)
        catalog.add(msgid, msgstr)  # type: ignore[arg-type]
    return catalog


@pytest.mark.parametrize(
    ("msgid", "msgstr", "problem"),
    [
        ("Hello {name}", "", "untranslated"),
        ("Hello {name}", "Bonjour {nom}", "placeholders"),
        ("Hello {name}", "Bonjour", "placeholders"),
        ("Hello %(name)s", "Bonjour %(nom)s", "placeholders"),
        ("Hello %(name)s", "Bonjour {name}", "placeholders"),
        (
            ("{n} file in {dir}", "{n} files in {dir}"),
            ("{n} fichier", "{n} fichiers dans {dir}"),
            "placeholders",
        ),
    ],
)
def test_the_checker_catches_what_babel_misses(msgid: object, msgstr: object, problem: str) -> None:
    template = _catalog([(msgid, None)])
    found = tool.problems(template, _catalog([(msgid, msgstr)]), "fr")
    assert any(problem in line for line in found), found


def test_the_checker_accepts_exact_translations_and_a_singular_without_n() -> None:
    entries = [
        ("Hello {name}", "Bonjour {name}"),
        ("Hello %(name)s", "Bonjour %(name)s"),
        (
            ("{n} file in {dir}", "{n} files in {dir}"),
            ("un fichier dans {dir}", "{n} fichiers dans {dir}"),
        ),
    ]
    template = _catalog([(m, None) for m, _ in entries])
    assert tool.problems(template, _catalog(entries), "fr") == []


def test_the_checker_flags_fuzzy_and_obsolete_entries() -> None:
    template = _catalog([("Hello", None)])
    catalog = _catalog([("Hello", "Bonjour"), ("Gone", "Parti")])
    catalog["Hello"].flags.add("fuzzy")
    found = tool.problems(template, catalog, "fr")
    assert any("fuzzy" in line for line in found)
    assert any("obsolete" in line and "Gone" in line for line in found)


def test_the_checker_wants_the_plural_rule_of_the_installed_cldr_data() -> None:
    template = _catalog([("Hello", None)])
    catalog = _catalog([("Hello", "Bonjour")])
    tool.set_plural_rule(catalog, 2, "(n > 1)")
    found = tool.problems(template, catalog, "fr")
    if tool.cldr_plural("fr") != (2, "(n > 1)"):
        assert any("run scripts/i18n.py update" in line for line in found), found


def test_a_new_plural_rule_keeps_every_translation_in_its_place() -> None:
    # CLDR 46 (Babel 2.19) gave French a "many" form for the millions; an
    # update must carry the old "other" into it, and keep "one" and "other".
    catalog = _catalog([])
    catalog.add(("{n} credit", "{n} credits"), ("{n} crédit", "{n} crédits"))
    old = (2, "(n > 1)")
    new = (3, "(n == 0 || n == 1) ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2")
    tool.remap_plurals(catalog, old, new)
    assert catalog[("{n} credit", "{n} credits")].string == (
        "{n} crédit",
        "{n} crédits",
        "{n} crédits",
    )


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("(n > 1)", [0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1]),
        ("(n != 1)", [1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1]),
        (
            "(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2)",
            [2, 0, 2, 2, 2, 2, 2, 2, 1, 1, 2],
        ),
    ],
)
def test_plural_expressions_are_read_as_gettext_reads_them(expr: str, expected: list[int]) -> None:
    assert [tool.plural_index(expr, n) for n in tool.SAMPLES] == expected


@pytest.mark.parametrize("lang", ["fr", "pt"])
def test_every_plural_form_of_the_shipped_catalogs_reads_right(lang: str) -> None:
    from guarantee_tui.i18n import Translator

    tr = Translator(lang)
    for n in (0, 1, 2, 1_000_000):
        text = tr.credits(n)
        assert text.endswith(("crédit", "crédito")) == (n in ((0, 1) if lang == "fr" else (1,)))
