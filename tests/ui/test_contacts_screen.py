"""The contacts screen: the 20 explanations readable at a glance, the keys of
an agent's round (next to verify, the rest truthful, search), and why a key
does nothing."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
from rich.console import Console
from sqlalchemy import delete, func, select, update
from textual.screen import Screen
from textual.widgets import Static

from guarantee_tui.services import verification
from guarantee_tui.store.engine import make_engine
from guarantee_tui.store.models import Claim, Explanation, LogEntry
from guarantee_tui.ui.app import GuaranteeApp
from guarantee_tui.ui.screens import contacts
from guarantee_tui.ui.screens.confirm import ConfirmScreen
from guarantee_tui.ui.screens.contacts import ContactsScreen
from guarantee_tui.ui.screens.prompt import PromptScreen
from tests.builders import AT
from tests.ui.conftest import HOSTILE_TEXT, settle
from tests.ui.test_workspace import showing, visible_text

MakeApp = Callable[..., GuaranteeApp]


def flat(text: str) -> str:
    return " ".join(text.split())


def detail_text(app: GuaranteeApp) -> str:
    """The detail pane's text (inside its frame), lines joined as one paragraph."""
    return flat(" ".join(split(app)[1]))


SCROLL_BAR = str.maketrans("", "", "▁▂▃▄▅▆▇█")


def split(app: GuaranteeApp) -> tuple[list[int], list[str]]:
    """The contacts the table shows (their numbers), and the detail's lines
    inside its frame (scroll bar aside), as painted."""
    lines = visible_text(app).splitlines()
    top = next(i for i, line in enumerate(lines) if line.lstrip().startswith("╭"))
    bottom = next(i for i in range(top + 1, len(lines)) if lines[i].lstrip().startswith("╰"))
    rows = [int(m.group(1)) for line in lines[:top] if (m := re.match(r" (\d+) ", line))]
    inside = [line.strip()[1:-1].translate(SCROLL_BAR) for line in lines[top + 1 : bottom]]
    return rows, inside


def pane_text(app: GuaranteeApp, pane: str) -> str:
    """One half of the detail (the explanation or the facts) at its width, lines joined."""
    widget = app.screen.query_one(pane, Static)
    console = Console(width=max(widget.content_size.width, 20), record=True, file=io.StringIO())
    console.print(widget.content)
    return flat(console.export_text())


def prose(app: GuaranteeApp) -> str:
    """The screen's words without frames, lines joined as one paragraph."""
    return flat(visible_text(app).translate({ord(c): " " for c in "█▀▄│╭╮╰╯─▔▁▊▎"}))


def dialog_text(app: GuaranteeApp) -> str:
    """The words inside the dialog's frame (the screen under it shows around it)."""
    inside = []
    for line in visible_text(app).splitlines():
        if line.count("█") >= 2:
            inside.append(line[line.index("█") + 1 : line.rindex("█")])
    return flat(" ".join(inside).translate({ord(c): " " for c in "▀▄│╭╮╰╯─▔▁▊▎"}))


def notices(app: GuaranteeApp) -> list[str]:
    return [n.message for n in app._notifications]


def cursor(app: GuaranteeApp) -> int:
    assert isinstance(app.screen, ContactsScreen)
    return app.screen.table.cursor_row


async def open_contacts(pilot: object, *keys: str) -> None:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await settle(pilot)
    await pilot.press(*keys, "enter", "c")
    await settle(pilot)


async def test_all_twenty_explanations_at_a_glance_and_the_highlighted_in_full(
    make_app: MakeApp,
) -> None:
    app = make_app(lang="fr")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_contacts(pilot, "j", "j")  # CL-MARKUP
        assert showing(app, ContactsScreen)
        shown = visible_text(app)
        rows = [line for line in shown.splitlines() if "Called the client of H-L-" in line]
        # The other 19, each whole (39 characters), beside the delay and the flags.
        assert len(rows) == 19
        assert all("no answer." in row and "2\xa0h" in row for row in rows)
        # The first row shows at least the first 60 characters of its long explanation.
        first = next(line for line in shown.splitlines() if line.startswith(" 1 "))
        assert flat(HOSTILE_TEXT)[:60] in first
        # The highlighted one in full, beside the facts of the contact.
        detail = detail_text(app)
        # Each of its 12 sentences ends with this word (the facts beside have none).
        assert detail.count("répondu") == 12
        assert "Avis positif H-R-9" in detail


async def test_at_80x24_the_explanation_shows_in_full_and_arrows_move_through_the_20(
    make_app: MakeApp,
) -> None:
    app = make_app(lang="pt")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_contacts(pilot, "j", "j")
        detail = detail_text(app)
        assert detail.count("Le client n'a jamais répondu.") == 12
        for n in range(2, 21):
            await pilot.press("down")
            await pilot.pause()
            assert f"Called the client of H-L-{n:02d}; no answer." in detail_text(app)
        assert cursor(app) == 19


@pytest.mark.parametrize("size", [(100, 30), (112, 32), (90, 28)])
async def test_between_sizes_the_table_takes_the_lines_the_detail_does_not_need(
    make_app: MakeApp, size: tuple[int, int]
) -> None:
    """Not only at 80x24 and 120x40: while the table hides contacts, the detail
    has no blank line left under what it says, and the highlighted explanation
    shows in full, the long one and the short ones."""
    app = make_app(lang="fr")
    async with app.run_test(size=size) as pilot:
        await open_contacts(pilot, "j", "j")  # CL-MARKUP, on H-L-01: long, with flags
        for n in range(1, 5):
            rows, detail = split(app)
            assert n in rows  # the highlighted contact
            if len(rows) < 20:
                assert detail[-1].strip(), f"contact {n}: blank lines under the detail"
            said = flat(" ".join(detail))
            if n == 1:
                assert said.count("répondu") == 12
            else:
                assert f"Called the client of H-L-{n:02d}; no answer." in said
            assert "· à vérifier" in said  # the explanation's mark, after its text
            await pilot.press("down")
            await pilot.pause()
        # Back up to the long one: the table gives the lines back, the row stays in view.
        await pilot.press("G", "g")
        await pilot.pause()
        rows, detail = split(app)
        assert 1 in rows
        assert flat(" ".join(detail)).count("répondu") == 12
        # A resize moves the split too.
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        rows, detail = split(app)
        assert 1 in rows
        assert flat(" ".join(detail)).count("répondu") == 12
        assert detail[-1].strip()


async def test_opens_on_the_first_to_verify_and_n_goes_to_the_next(
    make_app: MakeApp, ui_db: str
) -> None:
    engine = make_engine(ui_db)
    for n in (*range(1, 6), 7, 8):
        verification.mark(engine, "CL-PEND-PT", f"P-L-{n:02d}", "truthful", agent="Bob", at=AT)
    engine.dispose()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_contacts(pilot, "j")  # CL-PEND-PT
        assert cursor(app) == 5  # P-L-06
        await pilot.press("n")
        assert cursor(app) == 8  # P-L-09: 7 and 8 are verified
        await pilot.press("G", "n")
        assert cursor(app) == 5  # round the end
        # Once every one is verified, `n` says so.
        await pilot.press("T", "ctrl+s")
        await settle(pilot)
        await pilot.press("n")
        assert "No explanation is left to verify." in notices(app)


async def test_mark_the_rest_truthful_in_one_act_each_mark_logged(
    make_app: MakeApp, ui_db: str
) -> None:
    engine = make_engine(ui_db)
    for n in range(1, 5):
        verification.mark(engine, "CL-PEND-PT", f"P-L-{n:02d}", "truthful", agent="Bob", at=AT)
    verification.mark(
        engine, "CL-PEND-PT", "P-L-05", "untruthful", agent="Bob", at=AT, note="No call"
    )
    engine.dispose()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_contacts(pilot, "j")
        await pilot.press("T")
        await settle(pilot)
        assert showing(app, ConfirmScreen)
        assert "Mark the 15 explanations not yet verified as truthful?" in flat(visible_text(app))
        # Escape cancels: nothing marked.
        await pilot.press("escape")
        await settle(pilot)
        assert "4 truthful, 1 untruthful, 15 to verify" in visible_text(app)
        await pilot.press("T", "ctrl+s")
        await settle(pilot)
        assert showing(app, ContactsScreen)
        assert "19 truthful, 1 untruthful, 0 to verify" in visible_text(app)
        assert "15 explanations marked truthful." in notices(app)
        # Nothing left: the key says why it does nothing.
        await pilot.press("T")
        assert showing(app, ContactsScreen)
        assert "Every explanation given is already marked." in notices(app)
    engine = make_engine(ui_db)
    with engine.connect() as conn:
        by_ana = conn.execute(
            select(func.count())
            .select_from(LogEntry)
            .where(LogEntry.action == "mark_truthful", LogEntry.agent == "Ana")
        ).scalar_one()
        five = conn.execute(
            select(Explanation.verification).where(Explanation.contact_ref == "P-L-05")
        ).scalar_one()
    engine.dispose()
    assert by_ana == 15  # one act per explanation
    assert five == "untruthful"  # a mark already made is kept


async def test_slash_searches_the_explanations(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_contacts(pilot, "j", "j")  # CL-MARKUP
        await pilot.press("slash", *"h-l-07")
        await pilot.pause()
        assert cursor(app) == 6
        await pilot.press("enter")  # the next match: none but this one, round the end
        assert cursor(app) == 6
        screen = app.screen
        assert isinstance(screen, ContactsScreen)
        box = screen.query_one("#contacts-search")
        box.value = "no answer"  # type: ignore[attr-defined]
        await pilot.pause()
        assert cursor(app) == 6
        await pilot.press("enter", "enter")
        assert cursor(app) == 8
        box.value = "CAFE CREME"  # type: ignore[attr-defined]  # accents and case aside
        await pilot.pause()
        assert cursor(app) == 0
        box.value = "nobody home"  # type: ignore[attr-defined]
        await pilot.pause()
        assert "No explanation contains “nobody home”." in notices(app)
        assert cursor(app) == 0
        # Escape closes the search, not the screen; the arrows move the table again.
        await pilot.press("escape", "down")
        assert showing(app, ContactsScreen)
        assert cursor(app) == 1


async def test_marking_a_contact_without_explanation_says_why(
    make_app: MakeApp, ui_db: str
) -> None:
    engine = make_engine(ui_db)
    with engine.begin() as conn:
        conn.execute(delete(Explanation).where(Explanation.contact_ref == "P-L-01"))
    engine.dispose()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_contacts(pilot, "j")
        assert cursor(app) == 1  # the first explanation to verify, after the missing one
        await pilot.press("up", "t")
        await pilot.pause()
        assert any("P-L-01 has no explanation" in n for n in notices(app))
        app.clear_notifications()
        await pilot.press("u")
        await pilot.pause()
        assert showing(app, ContactsScreen)
        assert any("P-L-01 has no explanation" in n for n in notices(app))
        assert "0 truthful, 0 untruthful, 20 to verify" in visible_text(app)


async def test_the_untruthful_note_shows_the_explanation_being_judged(
    make_app: MakeApp, ui_db: str
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_contacts(pilot, "j", "j")
        await pilot.press("u")
        await settle(pilot)
        assert showing(app, PromptScreen)
        assert dialog_text(app).count("Le client n'a jamais répondu.") == 12
        await pilot.press("ctrl+s")  # an empty note is refused, and the dialog says why
        assert showing(app, PromptScreen)
        assert "Please write a few words." in notices(app)
        await pilot.press(*"nobody called", "ctrl+s")
        await settle(pilot)
        assert showing(app, ContactsScreen)
        assert "1 untruthful" in visible_text(app)
    engine = make_engine(ui_db)
    with engine.connect() as conn:
        note = conn.execute(
            select(Explanation.verification_note)
            .join(Claim, Claim.id == Explanation.claim_id)
            .where(Claim.ref == "CL-MARKUP", Explanation.contact_ref == "H-L-01")
        ).scalar_one()
    engine.dispose()
    assert note == "nobody called"


async def test_c_paints_once_complete(make_app: MakeApp, monkeypatch: pytest.MonkeyPatch) -> None:
    """The contacts come with the screen (the claim as its screen holds it):
    its first frame has the table and the detail, no load before it, and the
    check after it paints nothing again when nothing changed."""
    fills: list[str] = []
    fill = ContactsScreen._fill

    def counted(self: ContactsScreen) -> None:
        fills.append(self.claim_ref)
        fill(self)

    monkeypatch.setattr(ContactsScreen, "_fill", counted)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "enter")
        await settle(pilot)
        await pilot.press("c")
        screen = app.screen
        # Pushed with the key, nothing loaded first.
        assert isinstance(screen, ContactsScreen)
        assert not [w for w in app.workers if w.group in ("open-contacts", "contacts-CL-MARKUP")]
        await pilot.pause()
        # As the screen is first shown: complete.
        assert screen.table.row_count == 20
        assert "Explanation 1 of 20" in str(screen.query_one("#contacts-explanation").render())
        await settle(pilot)
        assert fills == ["CL-MARKUP"]


async def test_contacts_shown_as_the_claim_held_them_catch_up_once(
    make_app: MakeApp, ui_db: str
) -> None:
    """What changed since the claim screen last read the claim shows once the
    contacts have checked, even a change no agent made (an import brings the
    explanations' text of an open claim; the team's feed tells agents' acts)."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")  # CL-PEND-PT
        await settle(pilot)
        claim = app.screen
        assert claim.view is not None  # type: ignore[attr-defined]
        held = (claim.view, claim.holding)  # type: ignore[attr-defined]
        engine = make_engine(ui_db)
        with engine.begin() as conn:
            conn.execute(
                update(Explanation)
                .where(Explanation.contact_ref == "P-L-01")
                .values(text="Le client a choisi un voisin, rappelé deux fois.")
            )
        engine.dispose()
        # Shown as held (the text before), then checked: without the check
        # the new text would wait for a key.
        contacts.open_contacts(claim, "CL-PEND-PT", held)  # type: ignore[arg-type]
        await settle(pilot)
        assert "Le client a choisi un voisin" in detail_text(app)


@pytest.mark.parametrize(
    ("lang", "bought", "first", "verified"),
    [
        (
            "fr",
            "acheté le 5 janv. 2026 à 10:00 (heure de Paris)",
            "premier contact le 5 janv. 2026 à 12:00 (heure de Paris)",
            "par Bob le 1er juin 2026 à 14:00 (heure de Paris)",
        ),
        (
            "pt",
            "comprado em 5 de janeiro de 2026, às 10:00 (hora de Paris)",
            "primeiro contacto em 5 de janeiro de 2026, às 12:00 (hora de Paris)",
            "por Bob em 1 de junho de 2026, às 14:00 (hora de Paris)",
        ),
    ],
)
async def test_every_moment_is_on_the_market_clock_and_says_so(
    make_app: MakeApp, ui_db: str, lang: str, bought: str, first: str, verified: str
) -> None:
    """Bought, first contacted, verified: each on the market's clock with the
    zone named, as everywhere else in the app (i18n.local_moment)."""
    engine = make_engine(ui_db)
    verification.mark(engine, "CL-MARKUP", "H-L-02", "truthful", agent="Bob", at=AT)
    engine.dispose()
    app = make_app(lang=lang)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_contacts(pilot, "j", "j")  # CL-MARKUP, on H-L-01: to verify
        facts = pane_text(app, "#contacts-facts")
        assert bought in facts
        assert first in facts
        await pilot.press("down")
        await pilot.pause()
        assert verified in pane_text(app, "#contacts-explanation")


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40)])
async def test_the_first_frame_painted_is_the_settled_one(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    """`c`: the first frame of the contacts screen, as handed to the terminal,
    already has its top bar, title, table header aligned with its columns, rows
    and split, as once settled. Apart: the footer, which Textual builds once the
    screen's keys are known (ui/widgets/footer.py), and the scroll bars' thumbs."""
    first: list[str] = []
    display = GuaranteeApp._display

    def watched(app: GuaranteeApp, screen: Screen[object], renderable: object) -> None:
        display(app, screen, renderable)  # type: ignore[arg-type]
        if renderable is not None and not first and showing(app, ContactsScreen):
            first.extend(painted(app))

    def painted(app: GuaranteeApp) -> list[str]:
        thumbs = str.maketrans("▁▂▃▄▅▆▇█", " " * 8)
        return [line.translate(thumbs) for line in visible_text(app).splitlines()]

    monkeypatch.setattr(GuaranteeApp, "_display", watched)
    # However busy the machine running the tests, the load is not "slow" here.
    monkeypatch.setattr(contacts, "SLOW_OPEN", 30.0)
    app = make_app(lang="fr")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "enter")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert showing(app, ContactsScreen)
        settled = painted(app)
    assert first, "no frame of the contacts screen was painted"
    assert first[:-1] == settled[:-1]
