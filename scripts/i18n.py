"""Message catalogs: extract the source strings, update the catalogs, check them.

    python scripts/i18n.py update   # locales/messages.pot and each .po, from the source
    python scripts/i18n.py check    # what tests/test_i18n_catalogs.py checks, as a report

Source strings are English and use `{name}` placeholders only. A `.po`
entry that is missing, untranslated, fuzzy or obsolete, or whose
placeholders differ from its source, is an error.
"""

from __future__ import annotations

import gettext
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "guarantee_tui"
LOCALES = ROOT / "locales"
TEMPLATE = LOCALES / "messages.pot"
CATALOGS = {"fr": "fr", "pt_PT": "pt_PT"}

# The functions whose literal arguments are messages (Babel keyword specs).
KEYWORDS: dict[str, tuple[int, ...] | None] = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "tr": None,  # Translator.__call__
    "plural": (1, 2),  # Translator.plural
    "N_": None,
    "msg": None,
    "nmsg": (1, 2),
}

BRACE = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)(?:[!:][^{}]*)?\}(?!\})")
PERCENT = re.compile(r"%\(([A-Za-z_][A-Za-z0-9_]*)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrs]")


def placeholders(text: str) -> set[str]:
    """Both `{name}` and `%(name)s` placeholders, tagged by form."""
    return {f"{{{m}}}" for m in BRACE.findall(text)} | {f"%({m})" for m in PERCENT.findall(text)}


def extract() -> Catalog:
    catalog = Catalog(project="guarantee-tui", charset="utf-8", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(SOURCE),
        method_map=[("**.py", "python")],
        keywords=KEYWORDS,
        comment_tags=("Translators:",),
        strip_comment_tags=True,
    ):
        path = (SOURCE / filename).relative_to(ROOT).as_posix()
        catalog.add(message, None, [(path, lineno)], auto_comments=comments, context=context)
    # Our texts use str.format; Babel's python-format guess would only confuse checkers.
    for m in catalog:
        m.flags.discard("python-format")
    return catalog


def _ids(message: Message) -> tuple[str, ...]:
    return tuple(message.id) if isinstance(message.id, (list, tuple)) else (message.id,)


def _strings(message: Message) -> tuple[str, ...]:
    if isinstance(message.string, (list, tuple)):
        return tuple(message.string)
    return (message.string or "",)


# Numbers that land in every plural category CLDR defines for our languages
# (0, 1, 2 and the millions that take French and Portuguese "many").
SAMPLES = (0, 1, 2, 3, 5, 11, 21, 101, 1_000_000, 2_000_000, 1_000_001)


def plural_index(expr: str, n: int) -> int:
    """The form a gettext plural expression (C syntax, as in the header) picks for `n`."""
    # The parser GNUTranslations itself uses for .mo headers.
    return int(gettext.c2py(expr)(n))


def set_plural_rule(catalog: Catalog, count: int, expression: str) -> None:
    """The header's plural rule (Babel reads it from the file; writing it has no API)."""
    setattr(catalog, "_num_plurals", count)  # noqa: B010
    setattr(catalog, "_plural_expr", expression)  # noqa: B010


def cldr_plural(locale: str) -> tuple[int, str]:
    """The number of forms and the expression the installed Babel's CLDR data gives."""
    rule = get_plural(locale)
    return rule.num_plurals, rule.plural_expr


def remap_plurals(catalog: Catalog, old: tuple[int, str], new: tuple[int, str]) -> None:
    """Rewrites every plural entry from the `old` rule to the `new` one.

    Each new form takes the old form that the old rule picked for a number the
    new rule sends to that form: when CLDR splits "other" into "many" and
    "other" (French and Portuguese in CLDR 46), both start as the old "other".
    """
    old_n, old_expr = old
    new_n, new_expr = new
    source_of: dict[int, int] = {}
    for n in SAMPLES:
        source_of.setdefault(plural_index(new_expr, n), plural_index(old_expr, n))
    for message in catalog:
        if not message.id or not isinstance(message.id, (list, tuple)):
            continue
        strings = list(_strings(message))
        if len(strings) != old_n:
            continue
        message.string = tuple(
            strings[min(source_of.get(i, old_n - 1), old_n - 1)] for i in range(new_n)
        )


def problems(template: Catalog, catalog: Catalog, name: str) -> list[str]:
    """Every reason the catalog `name` is not complete and exact for `template`."""
    found: list[str] = []
    if catalog.locale is not None:
        expected_n, expected_expr = cldr_plural(str(catalog.locale))
        if (catalog.num_plurals, catalog.plural_expr) != (expected_n, expected_expr):
            found.append(
                f"{name}: header has {catalog.num_plurals} plural forms "
                f"({catalog.plural_expr}), the installed Babel's CLDR data has {expected_n} "
                f"({expected_expr}): run scripts/i18n.py update"
            )
    for message in template:
        if not message.id:
            continue
        entry = catalog.get(message.id, context=message.context)
        ids = _ids(message)
        label = f"{name}: {ids[0]!r}"
        if entry is None:
            found.append(f"{label}: missing")
            continue
        if entry.fuzzy:
            found.append(f"{label}: fuzzy")
        strings = _strings(entry)
        if not all(s.strip() for s in strings):
            found.append(f"{label}: untranslated")
            continue
        if len(ids) > 1 and len(strings) != catalog.num_plurals:
            found.append(f"{label}: {len(strings)} plural forms, expected {catalog.num_plurals}")
        expected = placeholders(ids[0]) | (placeholders(ids[1]) if len(ids) > 1 else set())
        for i, translated in enumerate(strings):
            got = placeholders(translated)
            # A singular form may drop {n} (French and Portuguese "1 contact").
            allowed = expected if len(ids) == 1 else expected | {"{n}"}
            required = expected - ({"{n}"} if len(ids) > 1 else set())
            if not got <= allowed or not required <= got:
                found.append(
                    f"{label}: form {i} has placeholders {sorted(got)}, "
                    f"source has {sorted(expected)}"
                )
    known = {m.id if not isinstance(m.id, list) else tuple(m.id) for m in template if m.id}
    for entry in catalog:
        if entry.id and (tuple(entry.id) if isinstance(entry.id, list) else entry.id) not in known:
            found.append(f"{name}: {_ids(entry)[0]!r}: obsolete (no longer in the source)")
    for entry in catalog.obsolete.values():
        found.append(f"{name}: {_ids(entry)[0]!r}: obsolete entry kept in the file")
    return found


def read(path: Path, locale: str) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=locale)


def write(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_po(
            f,
            catalog,
            width=100,
            sort_output=False,
            omit_header=False,
            ignore_obsolete=True,
            include_previous=False,
        )


def catalog_path(directory: str) -> Path:
    return LOCALES / directory / "LC_MESSAGES" / "messages.po"


def update() -> None:
    template = extract()
    template.creation_date = datetime(2026, 1, 1, tzinfo=UTC)
    template.revision_date = template.creation_date
    write(TEMPLATE, template)
    for directory, locale in CATALOGS.items():
        path = catalog_path(directory)
        if path.exists() and path.stat().st_size:
            catalog = read(path, locale)
        else:
            catalog = Catalog(locale=locale, project="guarantee-tui", charset="utf-8")
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
        current = (catalog.num_plurals, catalog.plural_expr)
        wanted = cldr_plural(locale)
        if current != wanted:
            remap_plurals(catalog, current, wanted)
            set_plural_rule(catalog, *wanted)
        catalog.obsolete.clear()
        catalog.fuzzy = False
        catalog.revision_date = template.creation_date
        catalog.creation_date = template.creation_date
        write(path, catalog)


def check(out: Iterable[str] | None = None) -> list[str]:
    template = extract()
    found: list[str] = []
    for directory, locale in CATALOGS.items():
        path = catalog_path(directory)
        if not path.exists():
            found.append(f"{directory}: no catalog at {path}")
            continue
        found.extend(problems(template, read(path, locale), directory))
    return found


def main(argv: list[str]) -> int:
    if argv[1:] == ["update"]:
        update()
        return 0
    if argv[1:] == ["check"]:
        found = check()
        for line in found:
            print(line)
        print(f"{len(found)} problem(s)")
        return 1 if found else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
