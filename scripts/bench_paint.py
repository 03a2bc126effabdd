"""Child process for scripts/bench.py: start an app, report when it first painted data.

    python scripts/bench_paint.py bare
    python scripts/bench_paint.py queue DB
    python scripts/bench_paint.py log DB

Runs headless and prints one JSON line: the wall-clock time (time.time()) at
which the first page of data was painted, and this process's peak resident
memory. The parent notes the time just before starting this process, so the
difference is "process start to first paint", imports included. The
workspace starts through `guarantee_tui.cli.main`, as the `guarantee-tui`
command starts it. For the log, the app starts as usual and `l` is pressed a
second later; `pressed` says when.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from typing import Any

DEADLINE_S = 120


def peak_kib() -> int:
    """This process's own peak resident memory. (ru_maxrss would include the
    parent's, which Linux keeps across fork and exec.)"""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def report(pressed: float = 0.0) -> None:
    print(
        json.dumps({"painted": time.time(), "pressed": pressed, "peak_kib": peak_kib()}),
        flush=True,
    )


def bare() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("guarantee-tui")

        def on_mount(self) -> None:
            self.call_after_refresh(self.painted)

        def painted(self) -> None:
            report()
            self.exit()

    Bare().run(headless=True, size=(120, 40))


def workspace(db: str, screen: str) -> None:
    # Started as `guarantee-tui --db DB` starts it, through the command line.
    from guarantee_tui import cli
    from guarantee_tui.ui import app as app_module
    from guarantee_tui.ui.app import GuaranteeApp
    from guarantee_tui.ui.widgets.lazy_table import LazyTable

    set_rows = LazyTable.set_rows

    def rows_arrived(table: LazyTable, *args: Any) -> None:
        # The first page of data in the measured table: report once painted.
        set_rows(table, *args)
        app = table.app
        wanted = screen == "queue" or type(table.screen).__name__ == "LogScreen"
        if (
            isinstance(app, Measured)
            and wanted
            and not app.reported
            and table.row_at(0) is not None
        ):
            app.reported = True
            app.call_after_refresh(app.painted)

    LazyTable.set_rows = rows_arrived  # type: ignore[method-assign,assignment]

    class Measured(GuaranteeApp):
        reported = False
        pressed = 0.0

        async def on_mount(self) -> None:
            # Textual calls GuaranteeApp.on_mount itself (handlers run along the MRO).
            if screen == "log":
                # As a supervisor would: `l` once the app is up.
                self.set_timer(1.0, self.open_log)
            self.set_timer(DEADLINE_S, lambda: self.exit(return_code=1))

        def open_log(self) -> None:
            self.pressed = time.time()
            self.action_log()

        def painted(self) -> None:
            report(self.pressed)
            self.exit()

        def run(self, *args: Any, **kwargs: Any) -> None:
            super().run(headless=True, size=(120, 40))
            if self.return_code:
                print(json.dumps({"error": "no data painted"}), flush=True)

    app_module.GuaranteeApp = Measured  # type: ignore[misc]
    cli.main(["--db", db, "--lang", "en", "--agent", "Sofia Martins"])


def main(argv: list[str]) -> int:
    if argv[1] == "bare":
        bare()
    else:
        workspace(argv[2], argv[1])
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
