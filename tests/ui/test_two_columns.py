"""TwoColumns draws what the rich Table it replaced drew, only faster."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.table import Table
from rich.text import Text

from guarantee_tui.ui.widgets.two_columns import TwoColumns

words = st.text(alphabet="abcdéfghijklmnoprstuvwxyz0123456789:()%,.'", min_size=1, max_size=14)
sentences = st.lists(words, min_size=1, max_size=30).map(" ".join)
rows = st.lists(st.tuples(st.sampled_from("✔✘…?"), sentences, sentences), min_size=1, max_size=6)


def lines(renderable: object, width: int) -> list[str]:
    console = Console(width=width, record=True, color_system=None, legacy_windows=False)
    console.print(renderable)
    return [line.rstrip() for line in console.export_text().splitlines()]


def as_table(header: tuple[str, str], cells: list[tuple[str, str, str]]) -> Table:
    table = Table(expand=True, box=None, show_header=True, padding=(0, 1), show_edge=False)
    table.add_column("", no_wrap=True, width=1)
    table.add_column(header[0], ratio=2, overflow="fold")
    table.add_column(header[1], ratio=5, overflow="fold")
    for mark, label, evidence in cells:
        table.add_row(Text(mark), Text(label), Text(evidence))
    return table


# The claim screen draws two columns from 110 cells wide. From 45 down, words
# already fold inside the label column; much narrower, rich folds the headers
# in ways of its own that the screen never needs.
@settings(max_examples=150, deadline=None)
@given(cells=rows, width=st.integers(min_value=45, max_value=220))
def test_it_lays_out_as_the_rich_table_did(cells: list[tuple[str, str, str]], width: int) -> None:
    header = ("Condition", "Éléments")
    ours = TwoColumns(header, [(Text(m), Text(label), Text(ev)) for m, label, ev in cells])
    assert lines(ours, width) == lines(as_table(header, cells), width)


def test_styles_of_the_text_are_kept() -> None:
    console = Console(width=80, color_system="truecolor")
    ours = TwoColumns(("A", "B"), [(Text("✔", style="green"), Text("x", style="red"), Text("y"))])
    segments = list(console.render(ours))
    styled = {segment.text.strip(): segment.style for segment in segments if segment.text.strip()}
    assert styled["✔"] is not None and styled["✔"].color is not None
    assert styled["x"] is not None and styled["x"].color is not None
    assert styled["A"] is not None and styled["A"].bold


def test_markup_in_the_data_stays_text() -> None:
    hostile = "[b]x[/b] [link=x]y[/link]"
    ours = TwoColumns(("A", "B"), [(Text("✔"), Text(hostile), Text(hostile))])
    assert any(hostile in line for line in lines(ours, 120))
