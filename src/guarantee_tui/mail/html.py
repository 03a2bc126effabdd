"""HTML mail bodies as plain text, with the standard library's parser only.

What matters for reading a claim is where lines and paragraphs break, which
list item carries which number, and which part is a quotation or a
signature. Blocks become lines, `<ol>` items keep their numbers ("3. "),
`<ul>` items get a dash, `<blockquote>` and the usual quotation containers
are written with "> " before each line (so the quotation is recognised
and left out like a plain-text one), and a signature container starts with
the "-- " line a plain-text signature has. Scripts, styles and the head are
dropped; entities are decoded.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Final

_BLOCKS: Final = frozenset(
    {
        "address", "article", "aside", "blockquote", "center", "dd", "div", "dl", "dt",
        "fieldset", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "td",
        "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
_PARAGRAPHS: Final = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ol", "ul"})
_SKIPPED: Final = frozenset({"script", "style", "head", "title", "template", "noscript"})
_VOID: Final = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
# Classes and ids mail programs give a quoted earlier message or a signature.
_QUOTE_MARKS: Final = ("gmail_quote", "yahoo_quoted", "moz-cite-prefix", "divrplyfwdmsg")
_SIGNATURE_MARKS: Final = ("gmail_signature", "moz-signature", "signature")
_SPACES: Final = re.compile(r"[ \t\r\n\f\v]+")
_MAX_DEPTH: Final = 200


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        # Open elements: (tag, is_quote, is_signature).
        self.stack: list[tuple[str, bool, bool]] = []
        self.skipping = 0
        self.lists: list[list[int]] = []  # per open list: [next number] (ol) or [] (ul)
        self.pre = 0

    # --- the state of the element being read ---------------------------------

    def _quote_depth(self) -> int:
        return sum(1 for _, quote, _ in self.stack if quote)

    def _break(self, blank: bool = False) -> None:
        if self.current:
            text = "".join(self.current)
            self.current = []
            if not self.pre:
                text = _SPACES.sub(" ", text).strip()
            if text:
                self.lines.append("> " * self._quote_depth() + text)
        if blank and self.lines and self.lines[-1] != "":
            self.lines.append("> " * self._quote_depth() if self._quote_depth() else "")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
            return
        if tag in _VOID:
            if tag in ("br", "hr"):
                self._break()
            return
        marks = " ".join(
            (value or "").lower() for name, value in attrs if name in ("class", "id", "type")
        )
        is_quote = tag == "blockquote" or any(m in marks for m in _QUOTE_MARKS)
        is_signature = any(m in marks for m in _SIGNATURE_MARKS)
        if tag in _BLOCKS:
            self._break(blank=tag in _PARAGRAPHS or is_quote)
        if len(self.stack) < _MAX_DEPTH:
            self.stack.append((tag, is_quote, is_signature))
        if is_signature:
            self.lines.append("-- ")
        if tag == "pre":
            self.pre += 1
        elif tag == "ol":
            start = next((v for n, v in attrs if n == "start" and v and v.isdigit()), "1")
            self.lists.append([int(start)])
        elif tag == "ul":
            self.lists.append([])
        elif tag == "li":
            numbering = self.lists[-1] if self.lists else []
            if numbering:
                self.current.append(f"{numbering[0]}. ")
                numbering[0] += 1
            else:
                self.current.append("- ")
        elif tag in ("td", "th") and self.current:
            self.current.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
            return
        if tag in _VOID:
            return
        # Close up to the matching element (HTML in mail is rarely well formed).
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                blank = tag in _BLOCKS and (tag in _PARAGRAPHS or self.stack[i][1])
                if tag in _BLOCKS or self.stack[i][1]:
                    self._break()
                del self.stack[i:]
                if blank:
                    self._break(blank=True)
                break
        if tag == "pre":
            self.pre = max(0, self.pre - 1)
        elif tag in ("ol", "ul") and self.lists:
            self.lists.pop()

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.current.append(data)

    def text(self) -> str:
        self._break()
        return "\n".join(self.lines).strip("\n")


def html_to_text(html: str) -> str:
    """The text of an HTML mail body, one block per line, paragraphs apart."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return parser.text()
