"""What an import did, counted per kind of record, and told in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Final, Literal

from guarantee_tui.i18n import Translator

KINDS: Final = ("professionals", "contact_purchases", "reviews", "claims", "explanations")


@dataclass(frozen=True, slots=True)
class Counts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.new + self.updated + self.unchanged


KeptKind = Literal["status", "verification", "text", "explanation"]


@dataclass(frozen=True, slots=True)
class KeptField:
    """A value of the file left out: an agent acted on the claim, and what they
    decided or marked stands. `act`, `agent`, `at` are the act that keeps it."""

    claim_ref: str
    kind: KeptKind
    contact_ref: str | None
    given: str | None  # the file's status or verification; None for texts
    act: str  # a log action
    agent: str
    at: datetime


@dataclass(slots=True)
class Tally:
    """Counts while importing: kind -> [new, updated, unchanged]; and the fields kept."""

    counts: dict[str, list[int]] = field(default_factory=lambda: {k: [0, 0, 0] for k in KINDS})
    kept: list[KeptField] = field(default_factory=list)

    def new(self, kind: str, n: int = 1) -> None:
        self.counts[kind][0] += n

    def updated(self, kind: str, n: int = 1) -> None:
        self.counts[kind][1] += n

    def unchanged(self, kind: str, n: int = 1) -> None:
        self.counts[kind][2] += n

    def report(self, source: Path, *, created_database: bool) -> ImportReport:
        c = {k: Counts(*v) for k, v in self.counts.items()}
        return ImportReport(
            source=source,
            professionals=c["professionals"],
            contact_purchases=c["contact_purchases"],
            reviews=c["reviews"],
            claims=c["claims"],
            explanations=c["explanations"],
            created_database=created_database,
            kept=tuple(self.kept),
        )


@dataclass(frozen=True, slots=True)
class ImportReport:
    """A professional is `updated` when its own fields or any of its profile
    history, labels, packs or payment incidents changed; a claim, when its
    fields or any of its explanations changed."""

    source: Path
    professionals: Counts
    contact_purchases: Counts
    reviews: Counts
    claims: Counts
    explanations: Counts
    created_database: bool = False
    # What the file says of claims agents acted on, and the database keeps.
    kept: tuple[KeptField, ...] = ()

    @property
    def changed(self) -> bool:
        return any(c.new or c.updated for c in self._all())

    def _all(self) -> tuple[Counts, ...]:
        return (
            self.professionals,
            self.contact_purchases,
            self.reviews,
            self.claims,
            self.explanations,
        )


def describe_report(report: ImportReport, tr: Translator) -> str:
    """One sentence: "Imported f.json: 60 professionals (12 new, 3 updated, 45 unchanged); ..."."""

    def params(c: Counts) -> dict[str, str]:
        return {
            "new": tr.number(c.new),
            "updated": tr.number(c.updated),
            "unchanged": tr.number(c.unchanged),
        }

    p, cp, r, c, e = (
        report.professionals,
        report.contact_purchases,
        report.reviews,
        report.claims,
        report.explanations,
    )
    parts = [
        tr.plural(
            "{n} professional ({new} new, {updated} updated, {unchanged} unchanged)",
            "{n} professionals ({new} new, {updated} updated, {unchanged} unchanged)",
            p.total,
            **params(p),
        ),
        tr.plural(
            "{n} contact purchase ({new} new, {updated} updated, {unchanged} unchanged)",
            "{n} contact purchases ({new} new, {updated} updated, {unchanged} unchanged)",
            cp.total,
            **params(cp),
        ),
        tr.plural(
            "{n} review ({new} new, {updated} updated, {unchanged} unchanged)",
            "{n} reviews ({new} new, {updated} updated, {unchanged} unchanged)",
            r.total,
            **params(r),
        ),
        tr.plural(
            "{n} claim ({new} new, {updated} updated, {unchanged} unchanged)",
            "{n} claims ({new} new, {updated} updated, {unchanged} unchanged)",
            c.total,
            **params(c),
        ),
        tr.plural(
            "{n} explanation ({new} new, {updated} updated, {unchanged} unchanged)",
            "{n} explanations ({new} new, {updated} updated, {unchanged} unchanged)",
            e.total,
            **params(e),
        ),
    ]
    return tr(
        "Imported {file}: {counts}.", file=str(report.source), counts=tr.items(parts, "clauses")
    )


def describe_kept(kept: KeptField, tr: Translator) -> str:
    """One line per value the import left out ("CL-000045: status in file 'open' ignored: …")."""
    from guarantee_tui.presentation import log_action_label

    why = {
        "act": log_action_label(kept.act, tr),
        "agent": kept.agent,
        "date": tr.moment(kept.at, in_text=True),
    }
    given = "null" if kept.given is None else kept.given
    if kept.kind == "status":
        return tr(
            "{claim}: status in file '{given}' ignored: {act} by {agent} on {date}.",
            claim=kept.claim_ref,
            given=given,
            **why,
        )
    if kept.kind == "verification":
        return tr(
            "{claim}: verification of contact {contact} in file '{given}' ignored: "
            "{act} by {agent} on {date}.",
            claim=kept.claim_ref,
            contact=kept.contact_ref,
            given=given,
            **why,
        )
    if kept.kind == "text":
        return tr(
            "{claim}: new text of the explanation of contact {contact} ignored: "
            "{act} by {agent} on {date}.",
            claim=kept.claim_ref,
            contact=kept.contact_ref,
            **why,
        )
    return tr(
        "{claim}: new explanation of contact {contact} ignored: {act} by {agent} on {date}.",
        claim=kept.claim_ref,
        contact=kept.contact_ref,
        **why,
    )
