"""The supervisor's log after a day of work: marks under decisions, filters, figures,
an entry's claim, reviews, reopening, times and languages (issue 14)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from rich.cells import cell_len
from rich.text import Text
from sqlalchemy import select
from textual.screen import Screen
from textual.widgets import Input, SelectionList

from guarantee_tui.i18n import translator
from guarantee_tui.policy.messages import Message
from guarantee_tui.services import decisions, log, verification
from guarantee_tui.services.log import iter_all
from guarantee_tui.store.engine import make_engine
from guarantee_tui.store.log import NewEntry, append
from guarantee_tui.store.models import Claim
from guarantee_tui.ui.app import GuaranteeApp
from guarantee_tui.ui.screens.claim import ClaimScreen
from guarantee_tui.ui.screens.figures import FiguresScreen
from guarantee_tui.ui.screens.log import LogScreen
from guarantee_tui.ui.screens.log_entry import LogEntryScreen
from guarantee_tui.ui.screens.log_filter import LogFilterScreen
from guarantee_tui.ui.screens.prompt import PromptScreen
from guarantee_tui.ui.widgets.lazy_table import LazyTable
from tests.builders import AT
from tests.ui.conftest import settle
from tests.ui.log_data import marks_then_decision
from tests.ui.test_workspace import visible_text

MakeApp = Callable[..., GuaranteeApp]


def showing(app: GuaranteeApp, screen: type) -> bool:
    return isinstance(app.screen, screen)


def table(app: GuaranteeApp) -> LazyTable:
    return app.screen.query_one(LazyTable)


def keys(app: GuaranteeApp) -> list[str]:
    t = table(app)
    return [row.key for i in range(t.row_count) if (row := t.row_at(i)) is not None]


def notices(app: GuaranteeApp) -> list[str]:
    return [n.message for n in app._notifications]


def flat(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")


def cell_text(cell: object) -> str:
    return cell.plain if isinstance(cell, Text) else str(cell)


async def test_marks_fold_under_their_decision_and_open_with_the_arrows(
    make_app: MakeApp, ui_db: str
) -> None:
    marks_then_decision(ui_db)
    app = make_app(agent="Sofia")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        # 22 entries: Rui's decision, 20 marks, Ana's suspension; three rows.
        assert keys(app) == ["22", "g21", "1"]
        shown = visible_text(app)
        assert "▸ 20 marks" in shown and "(18 truthful, 2 untruthful)" in shown
        await pilot.press("down", "right")
        await settle(pilot)
        assert keys(app) == ["22", "g21", *(str(n) for n in range(2, 22)), "1"]
        assert "▾ 20 marks" in visible_text(app)
        assert "├ untruthful" in visible_text(app)
        await pilot.press("down", "down", "down")
        await settle(pilot)
        assert table(app).cursor_row == 4
        await pilot.press("left")  # on a mark: its group closes, the cursor on the group
        await settle(pilot)
        assert keys(app) == ["22", "g21", "1"]
        assert table(app).cursor_row == 1
        await pilot.press("enter")  # Enter opens the group too, and closes it
        await settle(pilot)
        assert len(keys(app)) == 23
        await pilot.press("enter")
        await settle(pilot)
        assert keys(app) == ["22", "g21", "1"]
        await pilot.press("up", "right")  # a decision is no group: said
        await settle(pilot)
        assert keys(app) == ["22", "g21", "1"]
        assert any("Only a group of marks opens" in n for n in notices(app))
        # Only decisions.
        await pilot.press("D")
        await settle(pilot)
        assert keys(app) == ["22", "1"]
        assert "all decisions" in visible_text(app)
        await pilot.press("D")
        await settle(pilot)
        assert "all decisions" not in visible_text(app)


async def test_the_mark_counts_read_in_french_and_portuguese(make_app: MakeApp, ui_db: str) -> None:
    marks_then_decision(ui_db)
    for lang, expected in (
        ("fr", ("▸ 20 marques", "(18 véridiques, 2 non véridiques)")),
        ("pt", ("▸ 20 marcações", "(18 verídicas, 2 não verídicas)")),
    ):
        app = make_app(agent="Sofia", lang=lang)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("l")
            await settle(pilot)
            shown = flat(visible_text(app))
            assert all(part in shown for part in expected), shown


async def test_filter_ticks_actions_agents_markets_and_reads_days_as_written(
    make_app: MakeApp, ui_db: str
) -> None:
    marks_then_decision(ui_db)
    app = make_app(agent="Sofia", lang="fr")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("l", "slash")
        await settle(pilot)
        assert showing(app, LogFilterScreen)
        agents = app.screen.query_one("#filter-agent", SelectionList)
        assert [agents.get_option_at_index(i).value for i in range(agents.option_count)] == [
            "Ana",
            "Rui",
        ]
        # Actions: "all decisions" is the first choice, ticked with space.
        await pilot.press("space")

        # Agents: Ana, chosen from the list, not typed.
        await pilot.press("tab", "space")
        await settle(pilot)
        since = app.screen.query_one("#filter-from", Input)
        since.value = "31/02/2026"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert showing(app, LogFilterScreen)
        assert "« 31/02/2026 » n’est pas un jour" in flat(visible_text(app)) or (
            "31/02/2026" in visible_text(app) and "29/11/2026" in visible_text(app)
        )
        since.value = "31/05/2026"
        app.screen.query_one("#filter-to", Input).value = "01/06/2026"
        app.screen.query_one("#filter-to", Input).focus()
        await pilot.press("enter")  # Enter in a day's field applies
        await settle(pilot)
        assert showing(app, LogScreen)
        screen = app.screen
        assert isinstance(screen, LogScreen)
        f = screen.filter
        assert f.agents == frozenset({"Ana"})
        assert f.actions == frozenset({"approve", "reject", "suspend"})
        assert f.start is not None and f.start.day == 31 and f.start.month == 5
        assert keys(app) == ["22"]
        assert "toutes les décisions" in visible_text(app)
        # Figures keep the period and agents, not the actions.
        await pilot.press("slash")
        await settle(pilot)
        actions = app.screen.query_one("#filter-action", SelectionList)
        actions.deselect_all()
        actions.select("mark_untruthful")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert keys(app) == ["16", "8"]  # the two untruthful marks, as rows of their own
        await pilot.press("f")
        await settle(pilot)
        assert showing(app, FiguresScreen)
        shown = flat(visible_text(app))
        assert "Ana" in shown and "0 %" in shown and "1 " in shown
        assert "Rui" not in shown  # the period and agents hold


async def test_figures_read_in_one_unit(make_app: MakeApp, ui_db: str) -> None:
    marks_then_decision(ui_db)
    app = make_app(agent="Sofia")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("l", "slash")
        await settle(pilot)
        actions = app.screen.query_one("#filter-action", SelectionList)
        actions.select("suspend")
        await pilot.press("ctrl+s", "f")
        await settle(pilot)
        shown = visible_text(app)
        # Under "action: suspended" Rui's rejection still counts, and both medians
        # are in minutes (Ana: 2 h, Rui: 12 min).
        rows = {line.split()[0]: line.split() for line in shown.splitlines() if line.split()}
        assert rows["Ana"][1:3] == ["1", "0"] and rows["Ana"][-2:] == ["120", "min"]
        assert rows["Rui"][1:4] == ["1", "0", "1"] and rows["Rui"][-2:] == ["12", "min"]


async def test_an_entry_opens_its_claim_and_keeps_its_hash_out_of_the_way(
    make_app: MakeApp,
) -> None:
    app = make_app(agent="Sofia")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("l", "enter")
        await settle(pilot)
        assert showing(app, LogEntryScreen)
        head = visible_text(app).split("Letter, in")[0]
        assert "Hash" not in head  # at the end of the recorded pane, dim
        await pilot.press("enter")
        await settle(pilot)
        assert showing(app, ClaimScreen)
        assert "CL-DONE-PT" in visible_text(app)


async def test_a_review_shows_on_the_entry_and_to_the_agent_who_decided(
    make_app: MakeApp, ui_db: str
) -> None:
    app = make_app(agent="Sofia")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("l", "enter")
        await settle(pilot)
        assert "None yet." in visible_text(app)
        await pilot.press("d")
        await settle(pilot)
        assert showing(app, PromptScreen)
        await pilot.press(*"The client was called", "enter")
        await settle(pilot)
        assert showing(app, LogEntryScreen)
        shown = visible_text(app)
        assert "Sofia disagrees" in shown and "The client was called" in shown
        await pilot.press("a")  # not asked again as if nothing happened
        await settle(pilot)
        assert showing(app, LogEntryScreen)
        assert any("You have already reviewed decision 1: you disagree" in n for n in notices(app))
    assert [e.action for e in iter_all(make_engine(ui_db))] == ["reject", "review_disagree"]
    # Rui, who decided, sees it on the claim.
    app = make_app(agent="Rui")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("t")  # every claim, the decided one too
        await settle(pilot)
        app.screen.query_one("#queue-filter", Input).value = "CL-DONE-PT"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert showing(app, ClaimScreen)
        shown = visible_text(app)
        assert "Sofia disagrees" in shown and "The client was called" in shown


async def test_an_agent_and_a_mark_say_why_reopen_and_reviews_do_nothing(
    make_app: MakeApp, ui_db: str
) -> None:
    marks_then_decision(ui_db)
    app = make_app(agent="Ana")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("l", "enter")
        await settle(pilot)
        assert showing(app, LogEntryScreen)
        footer = visible_text(app).splitlines()[-1]
        assert "Reopen" not in footer and "Agree" not in footer
        await pilot.press("o")
        await settle(pilot)
        assert "Only a supervisor reopens a decision." in notices(app)
        await pilot.press("a")
        await settle(pilot)
        assert "Only a supervisor reviews decisions." in notices(app)
    app = make_app(agent="Sofia")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("l", "down", "right", "down", "enter")  # the first mark
        await settle(pilot)
        assert showing(app, LogEntryScreen)
        for key in ("o", "d"):
            await pilot.press(key)
            await settle(pilot)
            assert showing(app, LogEntryScreen)
        assert any(
            "Entry 2 (marked truthful) is not a decision: there is nothing to review." in n
            for n in notices(app)
        )


async def test_the_reopen_dialog_says_what_it_reverses(make_app: MakeApp, ui_db: str) -> None:
    engine = make_engine(ui_db)
    outcome = decisions.decide(
        engine, "CL-ELIG-FR", "approve", reason="All met", agent="Ana", at=AT, language="fr"
    )
    refund = outcome.refund_credits
    assert refund
    app = make_app(agent="Sofia")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("l", "enter")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert showing(app, PromptScreen)
        shown = " ".join(flat(visible_text(app)).replace("│", " ").split())
        shown = " ".join(shown.replace("█", " ").split())
        assert f"-{refund} credits will be taken back" in shown
        assert "withdraws the decision “approved” taken by Ana" in shown
        assert "(Paris time)" in shown
        await pilot.press("escape")
        await settle(pilot)
    with engine.connect() as conn:
        status = conn.execute(select(Claim.status).where(Claim.ref == "CL-ELIG-FR")).scalar_one()
    assert status == "approved"


async def test_one_clock_for_times_the_market_s_marked(make_app: MakeApp) -> None:
    app = make_app(agent="Sofia", lang="fr")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        # Rui decided at 12:00 UTC on 31 May: 13:00 in Lisbon (summer time).
        row = table(app).row_at(0)
        assert row is not None
        assert cell_text(row.cells[1]) == "31/05/2026 13:00 Lisbonne"
        await pilot.press("enter")
        await settle(pilot)
        assert "31 mai 2026 à 13:00 (heure de Lisbonne)" in flat(visible_text(app))
        await pilot.press("enter")
        await settle(pilot)
        assert showing(app, ClaimScreen)
        assert "31 mai 2026 à 13:00 (heure de Lisbonne)" in flat(visible_text(app))


async def test_the_recorded_checklist_reads_in_one_language(make_app: MakeApp, ui_db: str) -> None:
    # Rui's decision was recorded from a Portuguese screen.
    entry = next(iter_all(make_engine(ui_db)))
    assert entry.checklist is not None
    recorded = json.loads(entry.checklist)
    assert recorded["language"] == "pt"
    english = translator("en")
    app = make_app(agent="Sofia")
    async with app.run_test(size=(80, 200)) as pilot:
        await settle(pilot)
        await pilot.press("l", "enter")
        await settle(pilot)
        shown = " ".join(visible_text(app).replace("│", " ").split())
        for condition in recorded["conditions"]:
            evidence = english.render(Message.from_json(condition["message"]))
            words = " ".join(evidence.split())[:30]
            assert words in shown
        assert "Carta" not in shown


async def test_log_columns_hold_their_content_in_each_language(
    make_app: MakeApp, ui_db: str
) -> None:
    marks_then_decision(ui_db)
    for lang in ("en", "fr", "pt"):
        app = make_app(agent="Sofia", lang=lang)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("l", "right")
            await settle(pilot)
            t = table(app)
            widths = {column.key: width for column, width in t._widths}
            assert set(widths) >= {"seq", "at", "agent", "action", "claim", "reason"}
            for i in range(t.row_count):
                row = t.row_at(i)
                assert row is not None
                for column, cell in zip(t.columns, row.cells, strict=True):
                    if column.key != "reason" and column.key in widths:
                        assert cell_len(cell_text(cell)) <= widths[column.key], (lang, cell)


def test_marks_stay_rows_when_their_decision_is_not_shown(ui_db: str) -> None:
    from datetime import timedelta

    from guarantee_tui.services import log
    from guarantee_tui.store.log import LogFilter

    marks_then_decision(ui_db)
    engine = make_engine(ui_db)
    everything = log.page_grouped(engine, LogFilter(), "Sofia", 0, 100)
    assert [(g.entry.seq, len(g.marks)) for g in everything] == [(22, 0), (21, 20), (1, 0)]
    assert everything[1].decision_seq == 22
    assert log.count_grouped(engine, LogFilter(), "Sofia") == 3
    # A period that ends before the suspension: the marks are rows of their own.
    before = LogFilter(end=AT - timedelta(hours=1, minutes=30))
    rows = log.page_grouped(engine, before, "Sofia", 0, 100)
    assert [g.entry.seq for g in rows] == [*range(21, 1, -1), 1]
    assert not any(g.is_group for g in rows)
    assert log.count_grouped(engine, before, "Sofia") == 21
    # A period that starts after the first five marks: the group holds the other 15.
    later = LogFilter(start=AT - timedelta(hours=3) + timedelta(minutes=5, seconds=30))
    group = log.page_grouped(engine, later, "Sofia", 0, 100)[1]
    assert len(group.marks) == 15 and group.marks[0].seq == 7
    # Ana, an agent, sees her own entries, folded the same way.
    assert [g.entry.seq for g in log.page_grouped(engine, LogFilter(), "Ana", 0, 100)] == [22, 21]
    assert log.positions(engine, LogFilter(), "Sofia", [21, 5]) == {21: 1}


def test_reviews_reach_the_agent_who_decided_only(ui_db: str) -> None:
    from guarantee_tui.services import log
    from guarantee_tui.services.reviews_seen import reviews_of_claim

    engine = make_engine(ui_db)
    log.record_review(engine, 1, False, "Call the client first", "Sofia", AT)
    for reader, seen in (("Rui", 1), ("Sofia", 1), ("Ana", 0)):
        reviews = reviews_of_claim(engine, "CL-DONE-PT", reader)
        assert len(reviews) == seen, reader
    review = reviews_of_claim(engine, "CL-DONE-PT", "Rui")[0]
    assert (review.reviewer, review.agrees, review.note, review.standing) == (
        "Sofia",
        False,
        "Call the client first",
        True,
    )


async def test_the_log_s_first_frame_is_its_settled_one(
    make_app: MakeApp, ui_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its rows and column widths are read before the push: the header never
    widens under the agent's eyes as the first page comes (bench_feel.py frames)."""
    marks_then_decision(ui_db)
    first: list[tuple[list[tuple[str, int]], list[str]]] = []
    display = GuaranteeApp._display

    def spy(self: GuaranteeApp, screen: Screen[Any], renderable: Any) -> None:
        display(self, screen, renderable)
        if renderable is not None and not first and isinstance(screen, LogScreen):
            t = screen.query_one(LazyTable)
            widths = [(column.key, width) for column, width in t._widths]
            loaded = [row.key for i in range(t.row_count) if (row := t.row_at(i))]
            first.append((widths, loaded))

    monkeypatch.setattr(GuaranteeApp, "_display", spy)
    for lang in ("en", "fr"):
        first.clear()
        app = make_app(agent="Sofia", lang=lang)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("l")
            await settle(pilot)
            assert showing(app, LogScreen)
            t = table(app)
            settled = [(column.key, width) for column, width in t._widths]
            assert first == [(settled, keys(app))], lang
            assert keys(app) == ["22", "g21", "1"]  # a decision, its folded marks, another


async def test_columns_widen_for_rows_on_screen_not_for_rows_read_ahead(
    make_app: MakeApp, ui_db: str
) -> None:
    """The table reads a page below the view and the last page before they
    show: their wider cells widen the header once scrolled to, not under the
    agent's eyes while the top is read."""
    engine = make_engine(ui_db)
    start = AT - timedelta(days=2)
    # The oldest 50 marks untruthful (a longer word), the newest 110 truthful.
    for n in range(160):
        verification.mark(
            engine,
            "CL-PEND-PT",
            f"P-L-{n % 20 + 1:02d}",
            "untruthful" if n < 50 else "truthful",
            agent="Ana",
            at=start + timedelta(minutes=n),
            note="Le client dit ne pas avoir été appelé" if n < 50 else "",
        )
    engine.dispose()
    app = make_app(agent="Sofia")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        t = table(app)
        assert t.row_count == 161  # and Rui's decision
        # Read ahead already: the last rows, untruthful marks.
        assert cell_text(t.row_at(159).cells[3]) == "marked untruthful"  # type: ignore[union-attr]

        def action_width() -> int:
            return {column.key: width for column, width in t._widths}["action"]

        assert action_width() == len("marked truthful")
        await pilot.press("G")
        await settle(pilot)
        assert action_width() == len("marked untruthful")


async def test_scrolling_down_reads_each_page_from_the_row_above_it(
    make_app: MakeApp, ui_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page below rows already read is read from the last one's key, not by
    an offset that scans every row above it (2 s deep in a 1,000,000-entry log)."""
    engine = make_engine(ui_db)
    with engine.begin() as conn:
        for n in range(360):
            append(
                conn,
                NewEntry(
                    at=AT - timedelta(days=2) + timedelta(minutes=n),
                    agent="Ana",
                    role="agent",
                    action="mark_truthful",
                    claim_ref="CL-PEND-PT",
                    market="PT",
                ),
            )
    engine.dispose()
    asked: list[tuple[int, log.Around | None]] = []
    page_grouped = log.page_grouped

    def spy(db: Any, f: Any, agent: Any, offset: int, limit: int, *rest: Any) -> Any:
        asked.append((offset, rest[1] if len(rest) > 1 else None))
        return page_grouped(db, f, agent, offset, limit, *rest)

    monkeypatch.setattr(log, "page_grouped", spy)
    app = make_app(agent="Sofia")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        t = table(app)
        assert t.row_count == 361
        for _ in range(6):
            await pilot.press("pagedown")
            await settle(pilot)
        above = t.row_at(199)
        assert above is not None
        assert (200, log.Around(older_than=int(above.key))) in asked
        assert [row.key for i in range(200, 300) if (row := t.row_at(i))] == [
            str(seq) for seq in range(int(above.key) - 1, int(above.key) - 101, -1)
        ]
