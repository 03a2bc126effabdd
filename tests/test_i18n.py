"""Locale formatting of dates, numbers, credits and messages."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from guarantee_tui import i18n
from guarantee_tui.i18n import (
    LANGUAGES,
    Translator,
    UnknownLanguage,
    normalise_language,
    translator,
)
from guarantee_tui.policy.messages import Credits, Items, Message, Moment, Percent, msg, nmsg


def test_credits_dates_and_numbers_follow_the_locale() -> None:
    fr, pt, en = translator("fr"), translator("pt"), translator("en")
    assert fr.credits(1234) == "1\u202f234\xa0crédits"
    assert fr.credits(1) == "1\xa0crédit"
    assert pt.credits(1234) == "1\xa0234\xa0créditos"
    assert en.credits(1234) == "1,234 credits"
    assert fr.date(date(2026, 3, 12)) == "12 mars 2026"
    assert pt.date(date(2026, 3, 12)) == "12 de março de 2026"
    assert en.date(date(2026, 3, 12)) == "12 Mar 2026"


def test_moments_are_shown_in_the_market_zone() -> None:
    at = datetime(2026, 3, 12, 13, 5, tzinfo=UTC)
    assert translator("fr").moment(at, "Europe/Paris") == "12 mars 2026 14:05"
    assert translator("pt").moment(at, "Europe/Lisbon") == "12 de março de 2026, 13:05"


def test_french_plural_treats_zero_as_singular() -> None:
    fr = translator("fr")
    assert fr.credits(0) == "0\xa0crédit"
    assert translator("pt").credits(0) == "0\xa0créditos"


def test_messages_render_nested_parameters() -> None:
    en = translator("en")
    inner = msg("{review} on {contact}", review="R-1", contact="L-03")
    message = nmsg("{n} review: {items}", "{n} reviews: {items}", 2, items=Items((inner, inner)))
    assert en.render(message) == "2 reviews: R-1 on L-03 and R-1 on L-03"
    assert en.render(msg("{a} or {b}", a=Items(("x", "y"), "or"), b=Percent(80))) == "x or y or 80%"
    assert en.render(msg("{c}", c=Credits(5))) == "5 credits"
    assert (
        en.render(
            msg("{d}", d=Moment(datetime(2026, 1, 1, tzinfo=UTC), "Europe/Lisbon", with_time=False))
        )
        == "1 Jan 2026"
    )
    assert en.render(msg("{x}", x=Items(("a; b", "c"), "clauses"))) == "a; b; c"


def test_data_text_in_parameters_is_not_formatted_again() -> None:
    en = translator("en")
    assert en.render(msg("Explanation: {text}", text="{n} [b]x[/b] {0}")) == (
        "Explanation: {n} [b]x[/b] {0}"
    )


def test_messages_survive_a_round_trip_through_json() -> None:
    message = nmsg(
        "{n} thing: {items}",
        "{n} things: {items}",
        3,
        items=Items(
            (
                msg("{at}", at=Moment(datetime(2026, 5, 1, 8, tzinfo=UTC), "Europe/Paris")),
                Percent(79.5),
                Credits(12),
                date(2026, 1, 2),
            ),
            "clauses",
        ),
    )
    assert Message.from_json(message.to_json()) == message


def test_durations() -> None:
    en = translator("en")
    assert en.duration(timedelta(hours=24)) == "24 h"
    assert en.duration(timedelta(hours=24, minutes=1)) == "24 h 01 min"
    assert en.duration(timedelta(minutes=45)) == "45 min"


@pytest.mark.parametrize(
    ("code", "expected"), [("fr_FR", "fr"), ("pt-PT", "pt"), ("EN", "en"), ("pt_BR", "pt")]
)
def test_language_codes(code: str, expected: str) -> None:
    assert normalise_language(code) == expected


def test_unknown_language() -> None:
    with pytest.raises(UnknownLanguage):
        Translator("de")


def test_the_same_instant_in_two_zones_keeps_each_zone() -> None:
    from zoneinfo import ZoneInfo

    en = translator("en")
    lisbon = datetime(2026, 6, 1, 13, 0, tzinfo=ZoneInfo("Europe/Lisbon"))
    paris = lisbon.astimezone(ZoneInfo("Europe/Paris"))
    assert lisbon == paris
    assert en.moment(paris) == "1 Jun 2026 14:00"
    assert en.moment(lisbon) == "1 Jun 2026 13:00"
    assert en.moment(lisbon, "Europe/Paris") == "1 Jun 2026 14:00"


def test_our_list_formatting_matches_babel() -> None:
    from babel.lists import format_list

    for code, locale in (("en", "en_GB"), ("fr", "fr_FR"), ("pt", "pt_PT")):
        tr = translator(code)
        for n in range(1, 6):
            values = [f"v{i}" for i in range(n)]
            assert tr.items(values) == format_list(values, locale=locale)
            assert tr.items(values, "or") == format_list(values, style="or", locale=locale)


def test_a_source_catalog_is_compiled_once_and_again_when_edited(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = tmp_path / "fr" / "LC_MESSAGES"
    base.mkdir(parents=True)
    po = base / "messages.po"

    def write_po(translation: str) -> None:
        po.write_text(
            'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
            f'msgid "Claim"\nmsgstr "{translation}"\n',
            encoding="utf-8",
        )

    monkeypatch.setattr(i18n, "catalog_dirs", lambda: (tmp_path,))
    write_po("Demande")
    assert i18n._load_catalog("fr").gettext("Claim") == "Demande"
    mo = base / "messages.mo"
    assert mo.is_file()
    # Read from the compiled file while the .po is unchanged...
    po_time = po.stat().st_mtime_ns
    mo.write_bytes(i18n._compile_po(po).replace(b"Demande", b"Demandx"))
    os.utime(mo, ns=(po_time + 10**9, po_time + 10**9))
    assert i18n._load_catalog("fr").gettext("Claim") == "Demandx"
    # ...and compiled again once the .po is newer.
    write_po("Réclamation")
    os.utime(po, ns=(po_time + 2 * 10**9, po_time + 2 * 10**9))
    assert i18n._load_catalog("fr").gettext("Claim") == "Réclamation"
    assert i18n._load_catalog("fr").gettext("Claim") == "Réclamation"
    # A damaged compiled catalog is compiled again, not trusted.
    mo.write_bytes(b"garbage")
    os.utime(mo, ns=(po_time + 3 * 10**9, po_time + 3 * 10**9))
    assert i18n._load_catalog("fr").gettext("Claim") == "Réclamation"
    assert not list(base.glob("*.partial"))


def test_a_catalog_that_cannot_be_kept_is_still_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = tmp_path / "fr" / "LC_MESSAGES"
    base.mkdir(parents=True)
    (base / "messages.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Claim"\nmsgstr "Demande"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(i18n, "catalog_dirs", lambda: (tmp_path,))
    # Where the compiled catalog would go, something that cannot be replaced.
    (base / "messages.mo").mkdir()
    (base / "messages.mo" / "keep").touch()
    assert i18n._load_catalog("fr").gettext("Claim") == "Demande"


def test_letters_write_long_dates_and_the_public_pages_hours() -> None:
    fr, pt = i18n.letter_translator("fr"), i18n.letter_translator("pt")
    assert fr.date(date(2025, 12, 19)) == "19 décembre 2025"
    assert fr.date(date(2026, 6, 1)) == "1er juin 2026"
    assert fr.date(date(2026, 6, 11)) == "11 juin 2026"
    assert pt.date(date(2026, 6, 1)) == "1 de junho de 2026"
    assert fr.time_of_day(time(9, 0)) == "9\u00a0h"
    assert fr.time_of_day(time(17, 30)) == "17\u00a0h\u00a030"
    # Screens keep their compact forms.
    assert translator("fr").date(date(2026, 6, 1)) == "1 juin 2026"
    assert translator("fr").time_of_day(time(9, 0)) == "09:00"


def test_a_moment_in_a_sentence_says_at_and_a_table_does_not() -> None:
    at = datetime(2026, 7, 13, 15, 43, tzinfo=UTC)
    in_text = msg("{at}", at=Moment(at, "Europe/Paris"))
    assert translator("fr").render(in_text) == "13 juil. 2026 à 17:43"
    assert translator("pt").render(in_text) == "13 de julho de 2026, às 17:43"
    assert translator("en").render(msg("{at}", at=Moment(at, "Europe/London"))) == (
        "13 Jul 2026 at 16:43"
    )
    assert translator("fr").moment(at, "Europe/Paris") == "13 juil. 2026 17:43"


def test_clauses_are_separated_as_the_language_writes_it() -> None:
    clauses = msg("{x}", x=Items(("a", "b", "c"), "clauses"))
    assert translator("fr").render(clauses) == "a\u202f; b\u202f; c"
    assert translator("pt").render(clauses) == "a; b; c"


def test_table_dates_fit_a_column_of_twelve() -> None:
    longest = date(2026, 9, 29)  # "29 sept. 2026" in French medium form: 13 characters
    for language in LANGUAGES:
        assert len(translator(language).date(longest, short=True)) <= 12, language


def test_a_moment_in_a_sentence_reads_as_french_and_portuguese_write_it() -> None:
    at = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)  # 12:00 in Paris, 11:00 in Lisbon
    fr, pt, en = translator("fr"), translator("pt"), translator("en")
    assert fr.moment(at, "Europe/Paris", in_text=True) == "1er juin 2026 à 12:00"
    assert pt.moment(at, "Europe/Lisbon", in_text=True) == "1 de junho de 2026, às 11:00"
    assert en.moment(at, "Europe/London", in_text=True) == "1 Jun 2026 at 11:00"
    # Already in the desk's zone (a lease, the log): the same forms.
    paris = at.astimezone(ZoneInfo("Europe/Paris"))
    assert fr.moment(paris, in_text=True) == "1er juin 2026 à 12:00"
    # In the sentences of the screens and of the command line.
    assert fr(
        "by {agent} on {at}", agent="Ana", at=fr.moment(at, "Europe/Paris", in_text=True)
    ) == ("par Ana le 1er juin 2026 à 12:00")
    assert pt(
        "by {agent} on {at}", agent="Ana", at=pt.moment(at, "Europe/Lisbon", in_text=True)
    ) == ("por Ana em 1 de junho de 2026, às 11:00")
    # Tables and compact labels keep their form.
    assert fr.moment(at, "Europe/Paris") == "1 juin 2026 12:00"
    assert fr.moment(paris) == "1 juin 2026 12:00"
    assert pt.moment(at, "Europe/Lisbon") == "1 de junho de 2026, 11:00"


def test_the_first_of_the_month_is_an_ordinal_in_french_running_text_only() -> None:
    fr, pt = translator("fr"), translator("pt")
    assert fr.date(date(2026, 6, 1), in_text=True) == "1er juin 2026"
    assert fr.date(date(2026, 6, 11), in_text=True) == "11 juin 2026"
    assert fr.date(date(2026, 6, 21), in_text=True) == "21 juin 2026"
    assert fr.date(date(2026, 6, 1)) == "1 juin 2026"
    assert fr.date(date(2026, 6, 1), short=True) == "01/06/2026"
    assert fr.date(date(2026, 6, 1), short=True, in_text=True) == "01/06/2026"
    assert pt.date(date(2026, 6, 1), in_text=True) == "1 de junho de 2026"
    assert i18n.letter_translator("fr").date(date(2026, 6, 1), short=True) == "01/06/2026"
    # A message is running text: its dates and moments too.
    first = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
    assert fr.render(msg("{d}", d=date(2026, 6, 1))) == "1er juin 2026"
    assert fr.render(msg("{d}", d=Moment(first, "Europe/Paris", with_time=False))) == (
        "1er juin 2026"
    )
    assert fr.render(msg("{d}", d=Moment(first, "Europe/Paris"))) == "1er juin 2026 à 12:00"
    assert pt.render(msg("{d}", d=Moment(first, "Europe/Lisbon"))) == (
        "1 de junho de 2026, às 11:00"
    )
