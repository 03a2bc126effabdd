"""Which piece of a claim's text explains which contact: one to one, with a confidence.

The pieces (mail/segments.py) and their cues (mail/cues.py) make a table:
for each piece and each contact, how much more likely the piece's cues are
if the piece is about that contact than if nothing were known (the product
of each cue's likelihood ratio). The attribution is the one-to-one
assignment of pieces to contacts with the highest total (the Hungarian
method), which weighs every cue of every piece at once: a piece that names
"M. Martin" when two contacts are called Martin goes to the one the other
pieces leave free.

The order of the pieces counts too, but only as the last resort, and only
in a letter that follows the contacts' order: its pieces with a decisive cue
(the anchors) come in increasing order. There each other piece is expected
between its neighbouring anchors, and a contact nearer that place is
likelier.

A match's confidence is the share of the likelihood that its assignment
holds against every alternative placement of that piece, each alternative
rearranging the other pieces at best (the min-marginals of the assignment,
read from the method's dual solution). Then:

- a piece whose decisive cues (reliability 0.9 and more) point elsewhere
  is a conflict: at most `CONFLICT_CAP`;
- a piece placed by the order alone where the anchors around it leave more
  or fewer contacts than pieces (a missing or extra explanation somewhere
  between them), or by elimination in a letter in no order: at most
  `GUESS_CAP`.

A piece whose strong cues name several contacts ("Contacts 4, 5 et 6 :",
"Pour Mme Moreau, M. Bertrand et Julie Petit, ...") explains each of them;
a paragraph whose sentences name different contacts one after the other is
cut into those sentences first.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from guarantee_tui.mail.cues import (
    KINDS,
    NAME,
    NUMBER,
    ORDER,
    REF,
    Contact,
    ContactIndex,
    Cue,
)
from guarantee_tui.mail.segments import EXPLANATION, Segment

# A match at or above this confidence may be applied without an agent.
APPLY_FROM: Final = 0.85
CONFLICT_CAP: Final = 0.5
GUESS_CAP: Final = 0.6
# How much likelier the expected place in an ordered letter is than its neighbour (log).
ORDER_WEIGHT: Final = 1.5
# The log-likelihood of leaving a piece unmatched (when there are more pieces than contacts).
UNMATCHED_SCORE: Final = -2.5
# A piece is an anchor when its cues alone give one contact this probability.
ANCHOR: Final = 0.9
# Share of consecutive anchors in increasing order for a letter to follow the contacts' order.
ORDERED: Final = 0.8
ELIMINATION: Final = "elimination"

_SENTENCE: Final = re.compile(r"(?<=[.!?…])\s+(?=[\"«“(]?[^\W\d_])")
_ABBREVIATIONS: Final = frozenset(
    {"m", "mme", "mlle", "mr", "sr", "sra", "d", "dr", "dra", "n", "no", "st", "ste", "etc"}
)


@dataclass(frozen=True, slots=True)
class Match:
    position: int
    contact_ref: str
    text: str
    # The kinds of cue that led there, joined by "+" ("number+name"), or "order".
    cue: str
    confidence: float

    @property
    def sure(self) -> bool:
        return self.confidence >= APPLY_FROM


@dataclass(frozen=True, slots=True)
class Attribution:
    matches: tuple[Match, ...]  # in contact order
    # Pieces that look like explanations but went to no contact.
    unmatched: tuple[str, ...]
    # How many pieces looked like explanations.
    pieces: int

    @property
    def sure(self) -> bool:
        """Every match may be applied and nothing is left over."""
        return bool(self.matches) and not self.unmatched and all(m.sure for m in self.matches)


@dataclass(slots=True)
class _Row:
    """One contact's worth of a piece: a piece about one contact, or one member of
    a piece about several (they share its text, `group`)."""

    text: str
    cues: list[Cue]
    group: int
    uncertain: bool = False


# --- cutting pieces into rows -----------------------------------------------------


def _sentences(text: str) -> list[str]:
    """Sentences, not cut after "M." or "n.º"."""
    parts: list[str] = []
    start = 0
    for m in _SENTENCE.finditer(text):
        before = text[start : m.start()].rstrip()
        last_word = re.findall(r"[^\W_]+", before[-8:])
        if last_word and last_word[-1].casefold() in _ABBREVIATIONS and before.endswith("."):
            continue
        parts.append(text[start : m.start()].strip())
        start = m.end()
    parts.append(text[start:].strip())
    return [p for p in parts if p]


def _strong(cues: Sequence[Cue]) -> set[int]:
    return {p for cue in cues if cue.strong for p in cue.weights}


def _chunks(piece: Segment, index: ContactIndex) -> list[tuple[str, list[Cue]]]:
    """A piece, or its sentences when they name different contacts one after another."""
    cues = index.cues(piece.text, piece.numbers)
    if piece.numbers or len(_strong(cues)) < 2:
        return [(piece.text, cues)]
    sentences = [(s, index.cues(s)) for s in _sentences(piece.text)]
    if sum(1 for _, c in sentences if _strong(c)) < 2:
        return [(piece.text, cues)]
    chunks: list[tuple[str, list[Cue]]] = []
    current: list[tuple[str, list[Cue]]] = []
    named_here: set[int] = set()
    for sentence, sentence_cues in sentences:
        strong = _strong(sentence_cues)
        # A sentence naming someone new starts another explanation.
        if current and strong and not strong <= named_here:
            chunks.append((" ".join(s for s, _ in current), [c for _, cs in current for c in cs]))
            current, named_here = [], set()
        current.append((sentence, sentence_cues))
        named_here |= strong
    chunks.append((" ".join(s for s, _ in current), [c for _, cs in current for c in cs]))
    return chunks


def _best(cue: Cue) -> int:
    return max(cue.weights, key=lambda p: (cue.weights[p], -p))


def _members(
    text: str, cues: list[Cue], numbers: Sequence[int], index: ContactIndex
) -> list[list[Cue]]:
    """The cues of each contact a piece explains: one list for a piece about one
    contact, several for "Contacts 4, 5 et 6" or "Pour Mme Moreau, M. Bertrand
    et Julie Petit", and one for each namesake a group tells apart ("Pour Mme Le
    Goff (Brest), M. Roche et Mme Le Goff (Paris)")."""
    listed = [c for c in cues if c.kind == NUMBER]
    if len(numbers) >= 2 and len(listed) >= 2:
        return [[c] for c in sorted(listed, key=_best)]
    named = [c for c in cues if c.kind in (REF, NAME) and c.reliability >= 0.9]
    by_best: dict[int, list[Cue]] = {}
    for cue in named:
        by_best.setdefault(_best(cue), []).append(cue)
    if len(by_best) < 2:
        return [cues]
    others = [c for c in cues if c.kind not in (REF, NAME, NUMBER)]
    mentions = [c.weights for c in index.name_mentions(text)]
    members: list[list[Cue]] = []
    for best in sorted(by_best):
        own = by_best[best]
        candidates = {p for cue in own for p in cue.weights}
        # A namesake is told apart by the piece's other cues ("M. Giraud (Dijon)"),
        # when they separate the name's candidates.
        telling = [o for o in others if len({o.weights.get(p, 0.0) > 0 for p in candidates}) == 2]
        written = sum(1 for weights in mentions if any(weights == c.weights for c in own))
        told = {frozenset(p for p in candidates if o.weights.get(p, 0.0) > 0) for o in telling}
        if written >= 2 and len(told) >= 2:
            # The name written once for each of them, each with what tells it apart.
            members.extend(own + [o] for o in telling[:written])
        else:
            members.append(own + telling)
    return members


def _rows(pieces: Sequence[Segment], index: ContactIndex) -> list[_Row]:
    rows: list[_Row] = []
    group = 0
    for piece in pieces:
        for text, cues in _chunks(piece, index):
            for member in _members(text, cues, piece.numbers, index):
                rows.append(_Row(text, member, group, piece.uncertain))
            group += 1
    return rows


# --- the assignment ---------------------------------------------------------------


def hungarian(cost: Sequence[Sequence[float]]) -> tuple[list[int], list[float], list[float]]:
    """The assignment of a square cost matrix with the least total: the column of
    each row, and the dual potentials u (rows), v (columns), with
    u[i] + v[j] <= cost[i][j] everywhere and equality on the assignment."""
    n = len(cost)
    inf = math.inf
    u = [0.0] * (n + 1)
    v = [0.0] * (n + 1)
    owner = [0] * (n + 1)  # column -> row, 1-based; 0: free
    way = [0] * (n + 1)
    for i in range(1, n + 1):
        owner[0] = i
        j0 = 0
        minv = [inf] * (n + 1)
        used = [False] * (n + 1)
        while True:
            used[j0] = True
            i0 = owner[j0]
            row = cost[i0 - 1]
            ui = u[i0]
            delta = inf
            j1 = 0
            for j in range(1, n + 1):
                if used[j]:
                    continue
                reduced = row[j - 1] - ui - v[j]
                if reduced < minv[j]:
                    minv[j] = reduced
                    way[j] = j0
                if minv[j] < delta:
                    delta = minv[j]
                    j1 = j
            for j in range(n + 1):
                if used[j]:
                    u[owner[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if owner[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            owner[j0] = owner[j1]
            j0 = j1
    column_of = [0] * n
    for j in range(1, n + 1):
        column_of[owner[j] - 1] = j - 1
    return column_of, u[1:], v[1:]


def alternative_costs(
    cost: Sequence[Sequence[float]],
    column_of: Sequence[int],
    u: Sequence[float],
    v: Sequence[float],
) -> list[list[float]]:
    """For each row i and column j: how much more the best assignment costs when
    row i must take column j (0 for its own column)."""
    n = len(cost)
    reduced = [[cost[i][j] - u[i] - v[j] for j in range(n)] for i in range(n)]
    row_of = [0] * n
    for i, j in enumerate(column_of):
        row_of[j] = i
    # dist[a][b]: the cheapest way to free column b by moving rows on from column a.
    dist = [[reduced[row_of[a]][b] if a != b else 0.0 for b in range(n)] for a in range(n)]
    for k in range(n):
        through = dist[k]
        for a in range(n):
            ak = dist[a][k]
            if ak == math.inf:
                continue
            row = dist[a]
            dist[a] = [x if x <= ak + y else ak + y for x, y in zip(row, through, strict=True)]
    return [[max(0.0, reduced[i][j] + dist[j][column_of[i]]) for j in range(n)] for i in range(n)]


# --- putting it together --------------------------------------------------------


def attribute(pieces: Sequence[Segment], contacts: Sequence[Contact]) -> Attribution:
    """The contact each explanation piece explains (see the module's docstring)."""
    explained = [p for p in pieces if p.kind == EXPLANATION]
    if not contacts:
        return Attribution((), tuple(p.text for p in explained), len(explained))
    index = ContactIndex(contacts)
    rows = _rows(explained, index)
    placed = _assign(rows, [c.position for c in contacts], index.count)
    by_position = {c.position: c for c in contacts}
    matches = tuple(
        Match(position, by_position[position].ref, rows[r].text, cue, round(confidence, 3))
        for position, (r, cue, confidence) in sorted(placed.items())
    )
    placed_groups = {rows[r].group for r, _, _ in placed.values()}
    unmatched: dict[int, str] = {}
    for row in rows:
        if row.group not in placed_groups:
            unmatched.setdefault(row.group, row.text)
    return Attribution(matches, tuple(unmatched.values()), len(explained))


def _cue_names(cues: Sequence[Cue], position: int) -> str:
    kinds = set()
    for cue in cues:
        weight = cue.weights.get(position, 0.0)
        if weight > 0 and weight >= 0.5 * max(cue.weights.values()):
            kinds.add(cue.kind)
    return "+".join(k for k in KINDS if k in kinds)


def _log_likelihood(cues: Sequence[Cue], position: int, count: int) -> float:
    total = 0.0
    for cue in cues:
        total += math.log(max(cue.likelihood(position, count), 1e-12))
    return total


@dataclass(frozen=True, slots=True)
class _Solution:
    column_of: list[int]
    confidence: list[float]


def _solve(score: list[list[float]], columns: int) -> _Solution:
    """The best assignment of rows to columns (then "unmatched" columns, if there are
    more rows), and each row's confidence in its column."""
    rows = len(score)
    size = max(rows, columns)
    cost = [[0.0] * size for _ in range(size)]
    for r in range(rows):
        for j in range(size):
            cost[r][j] = -(score[r][j] if j < columns else UNMATCHED_SCORE)
    column_of, u, v = hungarian(cost)
    extra = alternative_costs(cost, column_of, u, v)
    confidence: list[float] = []
    for r in range(rows):
        j = column_of[r]
        alternatives = sum(math.exp(-extra[r][k]) for k in range(columns) if k != j)
        if size > columns and j < columns:
            # Being left unmatched is one alternative, however many such columns.
            alternatives += math.exp(-min(extra[r][k] for k in range(columns, size)))
        confidence.append(1.0 / (1.0 + alternatives))
    return _Solution(column_of[:rows], confidence)


def _assign(
    rows: list[_Row], positions: list[int], count: int
) -> dict[int, tuple[int, str, float]]:
    """Contact position -> (row, cue, confidence) for every row placed."""
    if not rows:
        return {}
    columns = len(positions)
    cue_score = [[_log_likelihood(row.cues, p, count) for p in positions] for row in rows]
    by_cues = _solve(cue_score, columns)
    # Anchors: pieces whose own cues place them surely (not by elimination).
    anchors = {
        r: j
        for r, j in enumerate(by_cues.column_of)
        if j < columns
        and by_cues.confidence[r] >= ANCHOR
        and _cue_names(rows[r].cues, positions[j])
    }
    ordered = _is_ordered([anchors[r] for r in sorted(anchors)])
    fits: list[bool] | None = None
    final = by_cues
    if ordered:
        expected = _expected_places(len(rows), columns, anchors)
        fits = _gaps_fit(len(rows), columns, anchors)
        with_order = [
            [value - ORDER_WEIGHT * abs(expected[r] - j) for j, value in enumerate(row)]
            for r, row in enumerate(cue_score)
        ]
        final = _solve(with_order, columns)

    placed: dict[int, tuple[int, str, float]] = {}
    for r, row in enumerate(rows):
        j = final.column_of[r]
        if j >= columns:
            continue
        position = positions[j]
        confidence = final.confidence[r]
        cue = _cue_names(row.cues, position)
        if any(c.reliability >= 0.9 and c.weights.get(position, 0.0) == 0.0 for c in row.cues):
            confidence = min(confidence, CONFLICT_CAP)
        if row.uncertain:
            confidence = min(confidence, GUESS_CAP)
        decided_by_cues = bool(cue) and by_cues.column_of[r] == j and by_cues.confidence[r] >= 0.8
        if not decided_by_cues:
            if fits is None or not fits[r]:
                confidence = min(confidence, GUESS_CAP)
            cue = f"{cue}+{ORDER}" if cue else (ORDER if ordered else ELIMINATION)
        placed[position] = (r, cue, confidence)
    return placed


def _is_ordered(anchor_columns: Sequence[int]) -> bool:
    if len(anchor_columns) < 2:
        return True
    rising = sum(1 for a, b in itertools.pairwise(anchor_columns) if b > a)
    return rising >= ORDERED * (len(anchor_columns) - 1)


def _expected_places(rows: int, columns: int, anchors: dict[int, int]) -> list[float]:
    """Where each piece should fall among the free contacts (0-based), read off
    the anchors around it; evenly spread without any."""
    if not anchors:
        if rows == 1:
            return [0.0]
        step = (columns - 1) / (rows - 1)
        return [r * step for r in range(rows)]
    known = sorted(anchors.items())
    places: list[float] = []
    for r in range(rows):
        if r in anchors:
            places.append(float(anchors[r]))
            continue
        before = [(a, c) for a, c in known if a < r]
        after = [(a, c) for a, c in known if a > r]
        if before and after:
            (r0, c0), (r1, c1) = before[-1], after[0]
            places.append(c0 + (r - r0) * (c1 - c0) / (r1 - r0))
        elif before:
            r0, c0 = before[-1]
            places.append(float(c0 + (r - r0)))
        else:
            r1, c1 = after[0]
            places.append(float(c1 - (r1 - r)))
    return [min(max(p, 0.0), columns - 1.0) for p in places]


def _gaps_fit(rows: int, columns: int, anchors: dict[int, int]) -> list[bool]:
    """For each piece: whether the pieces between its neighbouring anchors are as
    many as the contacts between them (so the order alone can place them)."""
    known = sorted(anchors.items())
    bounds = [(-1, -1), *known, (rows, columns)]
    fits = [True] * rows
    for (r0, c0), (r1, c1) in itertools.pairwise(bounds):
        between_rows = r1 - r0 - 1
        between_columns = c1 - c0 - 1
        if between_rows != between_columns or c1 <= c0:
            for r in range(r0 + 1, r1):
                fits[r] = False
    return fits
