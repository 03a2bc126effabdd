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
    catalog = Catalog(locale=locale)
    for msgid, msgstr in entries:
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
