"""The guarantee policy: pure functions over plain facts (no I/O, no database, no UI)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

# Each name is read from its module when first asked for: the workspace's
# first paint needs the vocabulary, not the conditions, facts and results
# (their dataclasses would add a tenth to its start-up).
if TYPE_CHECKING:
    from guarantee_tui.policy.conditions import (
        CONDITION_BY_ID,
        CONDITION_LABELS,
        CONDITION_REQUIREMENTS,
        CONDITIONS,
        Condition,
        FirstContact,
        evaluate,
        first_contact,
        first_twenty,
    )
    from guarantee_tui.policy.facts import (
        Claim,
        CompletenessRecord,
        Explanation,
        OtherClaim,
        Pack,
        PaymentIncident,
        Professional,
        Purchase,
        Review,
        TrustLabel,
    )
    from guarantee_tui.policy.results import (
        Checklist,
        ConditionResult,
        Milestones,
        recommended_action,
        verdict_of,
    )
    from guarantee_tui.policy.vocabulary import (
        Action,
        Channel,
        ClaimStatus,
        ConditionId,
        LabelKind,
        Market,
        ReviewSource,
        Status,
        Verdict,
        Verification,
    )

__all__ = [
    "CONDITIONS",
    "CONDITION_BY_ID",
    "CONDITION_LABELS",
    "CONDITION_REQUIREMENTS",
    "Action",
    "Channel",
    "Checklist",
    "Claim",
    "ClaimStatus",
    "CompletenessRecord",
    "Condition",
    "ConditionId",
    "ConditionResult",
    "Explanation",
    "FirstContact",
    "LabelKind",
    "Market",
    "Milestones",
    "OtherClaim",
    "Pack",
    "PaymentIncident",
    "Professional",
    "Purchase",
    "Review",
    "ReviewSource",
    "Status",
    "TrustLabel",
    "Verdict",
    "Verification",
    "evaluate",
    "first_contact",
    "first_twenty",
    "recommended_action",
    "verdict_of",
]

_MODULES = ("vocabulary", "conditions", "facts", "results")


def __getattr__(name: str) -> object:
    if name in __all__:
        for module in _MODULES:
            found = importlib.import_module(f"{__name__}.{module}")
            if hasattr(found, name):
                globals()[name] = value = getattr(found, name)
                return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
