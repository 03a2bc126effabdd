"""The supervisors' reviews of a claim's decisions, where the agent who decided sees them.

One line per review under the claim's verdict: who reviewed, whether they
agree, their note. Hidden when there is none. The data comes from
services/reviews_seen.py; the claim screen only places the widget.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual.widgets import Static

from guarantee_tui.i18n import Translator, local_moment, market_zone
from guarantee_tui.presentation import log_action_label
from guarantee_tui.services.reviews_seen import ReviewSeen, reviews_of_claim
from guarantee_tui.text import visible

if TYPE_CHECKING:
    from guarantee_tui.ui.app import GuaranteeApp


def render_reviews(reviews: list[ReviewSeen], tr: Translator) -> Text:
    text = Text()
    for i, r in enumerate(reviews):
        if i:
            text.append("\n")
        verdict = tr("agrees") if r.agrees else tr("disagrees")
        text.append(
            tr(
                "Review of decision {seq} ({decision}, {agent}): {reviewer} {verdict}",
                seq=tr.number(r.decision_seq),
                decision=log_action_label(r.decision, tr),
                agent=visible(r.decided_by),
                reviewer=visible(r.reviewer),
                verdict=verdict,
            ),
            style="bold green" if r.agrees else "bold red",
        )
        text.append(
            " · "
            + tr(
                "“{note}”, {at}",
                note=visible(" ".join(r.note.split())),
                at=local_moment(tr, r.at, market_zone(r.market), in_text=True),
            )
        )
        if not r.standing:
            text.append(" · " + tr("the decision was reopened since"), style="dim")
    return text


class ClaimReviews(Static):
    """The reviews of `claim_ref`'s decisions that the agent may read."""

    DEFAULT_CSS = """
    ClaimReviews { height: auto; padding: 0 1; display: none; }
    ClaimReviews.shown { display: block; }
    """

    def __init__(self, claim_ref: str) -> None:
        super().__init__()
        self.claim_ref = claim_ref
        self.reviews: list[ReviewSeen] = []

    @property
    def _gapp(self) -> GuaranteeApp:
        return cast("GuaranteeApp", self.app)

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        ref, agent = self.claim_ref, self._gapp.agent

        def load(db: Any) -> list[ReviewSeen]:
            return reviews_of_claim(db, ref, agent)

        self._gapp.run_db(load, self._loaded, group=f"claim-reviews-{ref}", node=self)

    def _loaded(self, reviews: list[ReviewSeen]) -> None:
        self.reviews = reviews
        self.set_class(bool(reviews), "shown")
        self.update(render_reviews(reviews, self._gapp.tr) if reviews else "")
