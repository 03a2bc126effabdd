"""The README's key table and list of binding ids say what the code binds, no more, no less."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.app import App
from textual.binding import BindingsMap
from textual.dom import DOMNode

from guarantee_tui.ui.app import GuaranteeApp
from guarantee_tui.ui.base import AppModal, AppScreen
from guarantee_tui.ui.bindings import binding_ids, our_classes
from guarantee_tui.ui.screens.call_note import CallNoteScreen
from guarantee_tui.ui.screens.claim import ClaimScreen
from guarantee_tui.ui.screens.confirm import ConfirmScreen
from guarantee_tui.ui.screens.contacts import ContactsScreen
from guarantee_tui.ui.screens.decision import DecisionScreen
from guarantee_tui.ui.screens.effects import EffectsScreen
from guarantee_tui.ui.screens.error import ErrorScreen
from guarantee_tui.ui.screens.help import HelpScreen
from guarantee_tui.ui.screens.intake import IntakeScreen
from guarantee_tui.ui.screens.intake_message import IntakeMessageScreen
from guarantee_tui.ui.screens.intake_pick import PickBox
from guarantee_tui.ui.screens.letter import LetterScreen
from guarantee_tui.ui.screens.log import LogScreen
from guarantee_tui.ui.screens.log_entry import LogEntryScreen
from guarantee_tui.ui.screens.log_filter import LogFilterScreen
from guarantee_tui.ui.screens.phone import PhoneScreen, QueryBox
from guarantee_tui.ui.screens.prompt import PromptScreen
from guarantee_tui.ui.screens.queue import QueueScreen
from guarantee_tui.ui.screens.review import ReviewScreen
from guarantee_tui.ui.widgets.lazy_table import LazyTable

README = Path(__file__).resolve().parents[2] / "README.md"
# The README's row for each place, and the classes whose own BINDINGS it lists.
ROWS: dict[str, tuple[type[DOMNode], ...]] = {
    "everywhere": (GuaranteeApp, AppScreen, AppModal, LazyTable),
    "claim queue": (QueueScreen,),
    "claim": (ClaimScreen,),
    "contacts": (ContactsScreen,),
    "decision dialog": (DecisionScreen,),
    "other dialogs (notes, confirmations)": (PromptScreen, ConfirmScreen),
    "decision (`d`)": (LetterScreen,),
    "log (`l`)": (LogScreen,),
    "effects (`e`)": (EffectsScreen,),
    "review sample": (ReviewScreen,),
    "log filter (`/`)": (LogFilterScreen,),
    "log entry": (LogEntryScreen,),
    "phone desk (`p`)": (PhoneScreen, QueryBox),
    "call note (`n`)": (CallNoteScreen,),
    "intake (`i`)": (IntakeScreen,),
    "intake message": (IntakeMessageScreen, PickBox),
    "keys (`?`)": (HelpScreen,),
    "error": (ErrorScreen,),
}
# How the README writes the keys Textual names otherwise.
WRITTEN = {"slash": "/", "question_mark": "?", "down": "↓", "up": "↑"}


def section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end]


def table_rows() -> dict[str, set[str]]:
    rows: dict[str, set[str]] = {}
    for line in section("Using the workspace").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[0] not in ("where", "---"):
            rows[cells[0]] = set(re.findall(r"`([^`]+)`", cells[1]))
    return rows


def bound_keys(*classes: type[DOMNode]) -> set[str]:
    keys: set[str] = set()
    for cls in classes:
        for key, _binding in BindingsMap(cls.__dict__.get("BINDINGS", [])):
            keys.add(WRITTEN.get(key, key))
    if GuaranteeApp in classes:
        keys.add(App.COMMAND_PALETTE_BINDING)  # added by Textual itself
    return keys


def test_the_table_has_a_row_for_every_class_with_keys_of_its_own() -> None:
    assert set(table_rows()) == set(ROWS)
    listed = {cls for classes in ROWS.values() for cls in classes}
    with_keys = {cls for cls in our_classes() if cls.__dict__.get("BINDINGS")}
    assert with_keys <= listed, with_keys - listed


@pytest.mark.parametrize("row", ROWS)
def test_each_row_names_exactly_the_keys_bound_there(row: str) -> None:
    written = table_rows()[row]
    bound = bound_keys(*ROWS[row])
    assert written - bound == set(), f"README row {row!r} names keys nothing binds"
    assert bound - written == set(), f"README row {row!r} leaves out bound keys"


def test_the_configuration_section_lists_every_binding_id() -> None:
    text = section("Configuration")
    listing = text[text.index("The binding ids:") :]
    written = {
        token
        for token in re.findall(r"`([^`]+)`", listing)
        if re.fullmatch(r"[a-z_]+(\.[a-z_]+)?", token)
    }
    assert written == set(binding_ids())
