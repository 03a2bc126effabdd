"""One registry of keys: shared ids, the user's keymap, help and palette alike."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
from rich.console import Console
from textual.app import App
from textual.command import CommandInput, CommandList, CommandPalette
from textual.screen import Screen
from textual.widgets import Static

from guarantee_tui.config import (
    ConfigError,
    KeymapSettings,
    Settings,
    keymap_settings,
    load_settings,
)
from guarantee_tui.i18n import translator
from guarantee_tui.ui.app import GuaranteeApp
from guarantee_tui.ui.bindings import binding_ids, check_keymap, is_ours, listed
from guarantee_tui.ui.screens.claim import ClaimScreen
from guarantee_tui.ui.screens.contacts import ContactsScreen
from guarantee_tui.ui.screens.help import HelpScreen
from guarantee_tui.ui.screens.phone import PhoneScreen
from guarantee_tui.ui.screens.queue import QueueScreen
from guarantee_tui.ui.widgets.lazy_table import LazyTable
from tests.builders import AT
from tests.ui.conftest import settle

MakeApp = Callable[..., GuaranteeApp]


def keymap(**keys: str) -> KeymapSettings:
    return KeymapSettings(MappingProxyType(keys), "/home/ana/.config/guarantee-tui/config.toml")


# --- the config file's [keymap] -----------------------------------------------


def test_the_config_file_keymap_is_read_with_its_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[keymap]\n"queue.filter" = "f"\ndown = ["down", "n"]\n', encoding="utf-8")
    monkeypatch.setenv("GUARANTEE_TUI_CONFIG", str(path))
    settings = load_settings(environ={})
    assert dict(settings.keymap.keys) == {"queue.filter": "f", "down": "down,n"}
    assert settings.keymap.source == str(path)


@pytest.mark.parametrize(
    ("data", "where", "problem"),
    [
        ({"keymap": "f"}, "keymap", "must be a table of binding ids"),
        ({"keymap": {"back": 3}}, "keymap.back", "must be a key or a list of keys"),
        ({"keymap": {"back": []}}, "keymap.back", "must be a key or a list of keys"),
        ({"keymap": {"back": ["x", ""]}}, "keymap.back", "must be a key or a list of keys"),
    ],
)
def test_a_keymap_of_the_wrong_shape_is_a_config_error(
    data: dict[str, Any], where: str, problem: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        keymap_settings(data, "config.toml")
    assert (raised.value.source, raised.value.key, raised.value.problem) == (
        "config.toml",
        where,
        problem,
    )


@pytest.mark.parametrize(
    ("given", "where", "problem"),
    [
        ({"queue.filtre": "f"}, "keymap.queue.filtre", "unknown binding id"),
        ({"back": "backspac"}, "keymap.back", "unknown key"),
        ({"back": "ctl+b"}, "keymap.back", "unknown modifier"),
        ({"back": "ctrl+"}, "keymap.back", "unknown modifier"),
        ({"down": "down,,n"}, "keymap.down", "an empty key"),
    ],
)
def test_an_unknown_id_or_key_is_a_config_error_naming_file_entry_and_problem(
    given: dict[str, str], where: str, problem: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        check_keymap(keymap(**given))
    error = raised.value
    assert error.source == "/home/ana/.config/guarantee-tui/config.toml"
    assert error.key == where
    assert error.problem.startswith(problem)
    french = error.describe(translator("fr"))
    assert french.startswith(error.source) and where in french
    assert problem not in french  # translated


def test_a_bad_keymap_stops_the_app_before_it_starts(ui_db: str) -> None:
    with pytest.raises(ConfigError):
        GuaranteeApp(Settings(db=ui_db, keymap=keymap(back="escap")))


def test_keys_are_checked_as_textual_names_them() -> None:
    good = {
        "back": "backspace",
        "queue.filter": "f",
        "help": "question_mark",
        "log.filter": "slash",
        "decision.confirm": "ctrl+s,f5",
        "down": "down,ctrl+shift+n,é",
    }
    assert check_keymap(keymap(**good)) == good


def test_every_binding_of_ours_has_an_id_and_the_shared_ones_are_declared_once() -> None:
    ids = binding_ids()
    for shared in ("back", "cancel", "up", "down", "first", "last"):
        assert shared in ids
    # Nothing left of the per-screen copies of "back" and "cancel".
    assert not [i for i in ids if i.endswith((".back", ".cancel"))]


# --- the keymap at work ---------------------------------------------------------


def showing(app: App[Any], kind: type[Screen[Any]]) -> bool:
    return isinstance(app.screen, kind)


async def test_one_keymap_entry_rebinds_back_on_every_screen(ui_db: str) -> None:
    app = GuaranteeApp(
        Settings(db=ui_db, lang="en", agent="Ana", keymap=keymap(back="backspace")),
        clock=lambda: AT,
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert showing(app, ClaimScreen)
        await pilot.press("c")
        await settle(pilot)
        assert showing(app, ContactsScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert showing(app, ContactsScreen)  # escape no longer goes back
        await pilot.press("backspace")
        await settle(pilot)
        assert showing(app, ClaimScreen)
        await pilot.press("backspace")
        await settle(pilot)
        assert showing(app, QueueScreen)
        await pilot.press("p")
        await settle(pilot)
        assert showing(app, PhoneScreen)
        await pilot.press("tab")  # out of the search box, which keeps backspace
        await pilot.press("backspace")
        await settle(pilot)
        assert showing(app, QueueScreen)


async def test_the_keymap_rebinds_the_tables_and_the_screens_moves_alike(ui_db: str) -> None:
    app = GuaranteeApp(
        Settings(
            db=ui_db,
            lang="en",
            agent="Ana",
            keymap=keymap(down="down,n", **{"queue.filter": "f"}),
        ),
        clock=lambda: AT,
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(LazyTable)
        await pilot.press("n", "n")
        assert table.cursor_row == 2
        await pilot.press("j")  # replaced by n
        assert table.cursor_row == 2
        await pilot.press("f")
        assert app.screen.query_one("#queue-filter").has_focus
        await pilot.press("escape")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        contacts = app.screen
        assert isinstance(contacts, ContactsScreen)
        contacts.query_one("#contacts-detail").focus()
        await pilot.pause()
        row = contacts.table.cursor_row
        await pilot.press("n")
        assert contacts.table.cursor_row == row + 1
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        keys = {entry.description: entry.keys for entry in listed(app, contacts)}
        assert keys["Down"] == ("n",)


# --- help and palette -----------------------------------------------------------


def palette_names(app: App[Any]) -> list[str]:
    commands = app.screen.query_one(CommandList)
    names = []
    for index in range(commands.option_count):
        option: Any = commands.get_option_at_index(index)
        names.append(option.hit.text)
    return names


def textual_english(app: App[Any], screen: Screen[Any]) -> set[str]:
    """What Textual itself would list on `screen`, in English."""
    own = {
        active.binding.description
        for active in screen.active_bindings.values()
        if active.binding.description and not is_ours(active.node, active.binding)
    }
    system = {command.title for command in App.get_system_commands(app, screen)}
    return own | system | {"Search for commands…", "No matches found"}


async def test_the_french_palette_lists_the_help_in_french_once_each(make_app: MakeApp) -> None:
    app = make_app(lang="fr")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press(*"Dupont")
        await settle(pilot)
        phone = app.screen
        assert isinstance(phone, PhoneScreen)
        english = textual_english(app, phone)
        # The search box (a Textual Input) has some thirty editing keys of its own.
        assert {"Delete character left", "Copy selected text", "Focus Next"} <= english
        help_rows = [entry.description for entry in listed(app, phone) if not entry.is_palette]

        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        assert app.screen.query_one(CommandInput).placeholder == "Rechercher une commande…"
        names = palette_names(app)
        assert len(names) == len(set(names)), names
        assert not english & set(names)
        languages = {app.tr("Language: {name}", name=name) for name in ("English", "Português")}
        assert set(names) == set(help_rows) | languages

        await pilot.press(*"zzzz")
        await settle(pilot)
        assert palette_names(app) == []
        await pilot.press("escape")
        await settle(pilot)

        app.action_help()  # `?` would go to the search box, which has the focus
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=100, record=True, file=io.StringIO())
        console.print(app.screen.query_one("#help-keys", Static).content)
        shown = console.export_text()
        for row in help_rows:
            assert row in shown


async def test_the_palette_says_no_match_in_the_ui_language(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    from guarantee_tui.ui.palette import Palette

    # Textual waits half a second before saying so; no waiting in tests.
    def at_once(self: Palette, _delay: float, callback: Callable[[], None], **_: Any) -> None:
        self.call_later(callback)

    monkeypatch.setattr(Palette, "set_timer", at_once)
    app = make_app(lang="fr")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"zzzz")
        await settle(pilot)
        await pilot.pause()
        commands = app.screen.query_one(CommandList)
        assert commands.option_count == 1
        prompt: Any = commands.get_option_at_index(0).prompt
        shown = str(prompt.renderable)
        assert "Aucun résultat" in shown


async def test_help_and_palette_agree_on_every_screen_of_a_claim(make_app: MakeApp) -> None:
    app = make_app(lang="pt")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for keys in ((), ("enter",), ("c",)):
            await pilot.press(*keys)
            await settle(pilot)
            screen = app.screen
            rows = [e for e in listed(app, screen) if not e.is_palette]
            descriptions = [e.description for e in rows]
            assert len(descriptions) == len(set(descriptions)), descriptions
            commands = {
                command.title
                for command in app.get_system_commands(screen)
                if not command.title.startswith("Idioma")
            }
            shown = {
                e.description if e.enabled else app.tr("{action} (not now)", action=e.description)
                for e in rows
            }
            assert commands == shown


async def test_ctrl_c_says_how_to_quit_in_the_ui_language(make_app: MakeApp) -> None:
    app = make_app(lang="fr")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.action_help_quit()
        await pilot.pause()
        notes = list(app._notifications)
        assert notes and notes[-1].title == "Voulez-vous quitter\u202f?"
        # Textual's ctrl+q, which quits even from a text box.
        assert notes[-1].message == "Appuyez sur ^q pour quitter."
