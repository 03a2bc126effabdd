"""Calls after a delay: late rather than never, once, and stoppable (ui/later.py)."""

from __future__ import annotations

import asyncio
from functools import partial

from textual.app import App
from textual.screen import Screen

from guarantee_tui.ui.later import Later, TypingPause

# Far longer than any Pilot pause on a loaded machine (each lasts until the
# process is idle, up to a second): nothing runs before the clock is moved on.
DELAY = 30.0


def jump_clock(seconds: float) -> None:
    """Moves the event loop's clock on, as a process stalled that long would see it."""
    loop = asyncio.get_running_loop()
    now = loop.time
    loop.time = lambda: now() + seconds  # type: ignore[method-assign]


async def test_a_call_overdue_by_far_more_than_its_delay_still_runs() -> None:
    ran: list[str] = []
    app = App[None]()
    async with app.run_test() as pilot:
        Later(app, DELAY, lambda: ran.append("late"))
        await pilot.pause()
        assert ran == []
        jump_clock(300.0)
        await pilot.pause()
        await pilot.pause()
        assert ran == ["late"]
        jump_clock(600.0)
        await pilot.pause()
        assert ran == ["late"]  # once


async def test_zero_delay_runs_after_the_waiting_messages_before_the_pause_ends() -> None:
    ran: list[str] = []
    app = App[None]()
    async with app.run_test() as pilot:
        Later(app, 0, lambda: ran.append("now"))
        assert ran == []  # not inside the caller
        await pilot.pause()
        assert ran == ["now"]


async def test_a_stopped_call_never_runs() -> None:
    ran: list[str] = []
    app = App[None]()
    async with app.run_test() as pilot:
        Later(app, 0, lambda: ran.append("zero")).stop()
        Later(app, DELAY, lambda: ran.append("timed")).stop()
        jump_clock(300.0)
        await pilot.pause()
        await pilot.pause()
        assert ran == []


async def test_each_key_puts_the_work_off_and_only_the_last_runs() -> None:
    ran: list[str] = []
    app = App[None]()
    async with app.run_test() as pilot:
        pause = TypingPause(app)
        for delay in (0, DELAY):
            ran.clear()
            for text in ("r", "re", "ren"):
                pause.after(delay, partial(ran.append, text))
            jump_clock(300.0)
            await pilot.pause()
            await pilot.pause()
            assert ran == ["ren"]
        pause.after(0, lambda: ran.append("cancelled"))
        pause.cancel()
        await pilot.pause()
        assert ran == ["ren"]


async def test_nothing_runs_for_a_screen_that_is_gone() -> None:
    ran: list[str] = []
    app = App[None]()
    async with app.run_test() as pilot:
        screen = Screen[None]()
        await app.push_screen(screen)
        Later(screen, DELAY, lambda: ran.append("gone"))
        await app.pop_screen()
        await pilot.pause()
        jump_clock(300.0)
        await pilot.pause()
        await pilot.pause()
        assert ran == []
        assert app.return_code is None
