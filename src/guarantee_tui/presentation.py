"""Words and marks for the policy's enumerations, shared by the CLI and the screens."""

from __future__ import annotations

import json

from guarantee_tui.i18n import N_, Translator
from guarantee_tui.policy import Action, Status, Verdict
from guarantee_tui.text import visible

_STATUS = {
    Status.MET: N_("met"),
    Status.NOT_MET: N_("not met"),
    Status.PENDING: N_("pending"),
    Status.UNKNOWN: N_("unknown"),
}
# Marks that read without colour too.
_STATUS_MARK = {Status.MET: "✔", Status.NOT_MET: "✘", Status.PENDING: "…", Status.UNKNOWN: "?"}
VERDICT_TEXT = _VERDICT = {
    Verdict.ELIGIBLE: N_("eligible"),
    Verdict.NOT_ELIGIBLE: N_("not eligible"),
    Verdict.PENDING: N_("pending"),
}
_ACTION = {
    Action.APPROVE: N_("approve"),
    Action.REJECT: N_("reject"),
    Action.SUSPEND: N_("suspend"),
    Action.WAIT: N_("wait"),
}


def status_label(status: Status | str, tr: Translator) -> str:
    return tr(_STATUS[Status(status)])


def status_mark(status: Status | str) -> str:
    return _STATUS_MARK[Status(status)]


def verdict_label(verdict: Verdict | str, tr: Translator) -> str:
    return tr(_VERDICT[Verdict(verdict)])


def action_label(action: Action | str, tr: Translator) -> str:
    return tr(_ACTION[Action(action)])


_CLAIM_STATUS = {
    "open": N_("open"),
    "approved": N_("approved"),
    "rejected": N_("rejected"),
    "suspended": N_("suspended"),
}


def claim_status_label(status: str, tr: Translator) -> str:
    return tr(_CLAIM_STATUS[status]) if status in _CLAIM_STATUS else visible(status)


_DECIDED = {"approve": "approved", "reject": "rejected", "suspend": "suspended"}


def decided_label(action: str, tr: Translator) -> str:
    """A decision as what it made of the claim ("rejected"), not as a verb."""
    return claim_status_label(_DECIDED.get(action, action), tr)


_VERDICT_STYLE = {
    Verdict.ELIGIBLE: "bold green",
    Verdict.NOT_ELIGIBLE: "bold red",
    Verdict.PENDING: "bold yellow",
}
_STATUS_STYLE = {
    Status.MET: "green",
    Status.NOT_MET: "red",
    Status.PENDING: "yellow",
    Status.UNKNOWN: "magenta",
}


def verdict_style(verdict: Verdict | str | None) -> str:
    return _VERDICT_STYLE.get(Verdict(verdict), "") if verdict else ""


def status_style(status: Status | str) -> str:
    return _STATUS_STYLE[Status(status)]


_LOG_ACTION = {
    "approve": N_("approved"),
    "reject": N_("rejected"),
    "suspend": N_("suspended"),
    "reopen": N_("reopened"),
    "mark_truthful": N_("marked truthful"),
    "mark_untruthful": N_("marked untruthful"),
    "mark_cleared": N_("mark cleared"),
    "reveal_client_data": N_("client data shown"),
    "call_note": N_("call note"),
    "claim_note": N_("claim note"),
    "review_agree": N_("review: agrees"),
    "review_disagree": N_("review: disagrees"),
    "cancel_effect": N_("effect cancelled"),
    "take_over": N_("claim taken over"),
    "agent_add": N_("agent added"),
    "agent_set": N_("agent changed"),
    "agent_remove": N_("agent removed"),
    "intake": N_("claim taken in from an e-mail"),
}


# An intake message an agent set aside is logged as an `intake` act too; its
# details tell it from a claim taken in.
_INTAKE_DISMISSED = N_("message set aside")


def log_action_label(action: str, tr: Translator, details: str | None = None) -> str:
    """An act of the log in words; `details` (the entry's canonical JSON) tells
    an intake message set aside from a claim taken in."""
    if action == "intake" and _outcome(details) == "dismissed":
        return tr(_INTAKE_DISMISSED)
    return tr(_LOG_ACTION[action]) if action in _LOG_ACTION else visible(action)


def _outcome(details: str | None) -> object:
    if not details:
        return None
    try:
        parsed = json.loads(details)
    except ValueError:
        return None  # not the log's JSON: read as the plain act
    return parsed.get("outcome") if isinstance(parsed, dict) else None


_EFFECT_KIND = {
    "credit": N_("credit adjustment"),
    "suspension": N_("suspension"),
    "lift": N_("lift of a suspension"),
    "letter": N_("letter"),
}


def effect_kind_label(kind: str, tr: Translator) -> str:
    """What an effect on the marketplace does ("credit adjustment", "letter")."""
    return tr(_EFFECT_KIND[kind]) if kind in _EFFECT_KIND else visible(kind)


_ROLE = {"agent": N_("agent"), "supervisor": N_("supervisor")}


def role_label(role: str, tr: Translator) -> str:
    return tr(_ROLE[role]) if role in _ROLE else visible(role)
