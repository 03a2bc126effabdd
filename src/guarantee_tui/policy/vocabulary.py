"""The words the policy speaks in: the kinds of facts (markets, labels,
channels, statuses) and of results (conditions, verdicts, actions), the
guarantee's numbers as POLICY.md states them, and `N_`, which marks a text
for the catalogs.

Apart from the facts and the results, which are many dataclasses: the
workspace's first paint needs these words, not the rest of the policy, and
building those classes would add a tenth to its start-up.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum


def N_(text: str) -> str:
    """Marks a text for extraction without translating it here."""
    return text


CONTACTS_REQUIRED = 20
PROFILE_MIN_PERCENT = 80
PURCHASE_WINDOW_MONTHS = 3
WAITING_MONTHS = 1
FIRST_CONTACT_LIMIT = timedelta(hours=24)
POSITIVE_RATING = 4
REVIEWS_REQUIRED = 2


class Market(StrEnum):
    FR = "FR"
    PT = "PT"


class LabelKind(StrEnum):
    VERIFIED_INDEPENDENT = "verified_independent"
    VERIFIED_COMPANY = "verified_company"
    LIABILITY_INSURANCE = "liability_insurance"
    TRADE_LICENSE = "trade_license"


class Channel(StrEnum):
    PRIORITY_DISCOUNT = "priority_discount"
    STANDARD = "standard"


class ReviewSource(StrEnum):
    PLATFORM_CONTACT = "platform_contact"
    FORMER_CLIENT = "former_client"


class ClaimStatus(StrEnum):
    OPEN = "open"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUSPENDED = "suspended"


class Verification(StrEnum):
    TRUTHFUL = "truthful"
    UNTRUTHFUL = "untruthful"


class ConditionId(StrEnum):
    """Every condition of POLICY.md, in checklist order."""

    FIRST_TWENTY_CONTACTS = "first_twenty_contacts"
    NO_JOB_WON = "no_job_won"
    NO_PREVIOUS_REFUND = "no_previous_refund"
    PROFILE_COMPLETE = "profile_complete"
    TRUST_LABELS = "trust_labels"
    PRIORITY_DISCOUNT_CHANNEL = "priority_discount_channel"
    PURCHASE_WINDOW = "purchase_window"
    NO_PAYMENT_INCIDENT = "no_payment_incident"
    FIRST_CONTACT_24H = "first_contact_24h"
    CONTACT_REVIEWS = "contact_reviews"
    FORMER_CLIENT_REVIEWS = "former_client_reviews"
    WAITING_PERIOD = "waiting_period"
    ACTIVE_PACK = "active_pack"
    EXPLANATIONS_COMPLETE = "explanations_complete"
    EXPLANATIONS_VERIFIED = "explanations_verified"


class Status(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    PENDING = "pending"
    UNKNOWN = "unknown"


class Verdict(StrEnum):
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    PENDING = "pending"


class Action(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    SUSPEND = "suspend"
    WAIT = "wait"
