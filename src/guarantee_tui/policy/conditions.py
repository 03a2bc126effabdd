"""The guarantee's conditions (POLICY.md), evaluated over plain facts.

Each condition has one `Condition` entry in `CONDITIONS` (checklist order):
its id, its label, its evaluation and the instants at which time alone may
change its status. Evaluations are functions of one `_Context`, built once per
evaluation (the 20 contacts in order, the market's rules, the milestones) so
that no condition sorts or scans more than it must.

Two modes share the code. With a claim, the checklist judges that claim as
POLICY.md says. Without one (the phone desk asking "where does this
professional stand?"), what the professional can still put right, such as a
missing review or pack, is `pending` rather than `not_met`.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from types import MappingProxyType

from guarantee_tui.policy.calendar import add_months
from guarantee_tui.policy.facts import Claim, Pack, Professional, Purchase, Review
from guarantee_tui.policy.markets import LABEL_NAMES, MarketRules, rules_for
from guarantee_tui.policy.messages import Duration, Items, Message, Moment, Percent, msg, nmsg
from guarantee_tui.policy.results import (
    Checklist,
    ConditionResult,
    Milestones,
    recommended_action,
    verdict_of,
)
from guarantee_tui.policy.vocabulary import (
    CONTACTS_REQUIRED,
    FIRST_CONTACT_LIMIT,
    N_,
    POSITIVE_RATING,
    PROFILE_MIN_PERCENT,
    PURCHASE_WINDOW_MONTHS,
    REVIEWS_REQUIRED,
    WAITING_MONTHS,
    Channel,
    ClaimStatus,
    ConditionId,
    LabelKind,
    ReviewSource,
    Status,
    Verification,
)

NO_CONTACT_YET = N_("No contact bought yet.")


@dataclass(frozen=True, slots=True)
class _Context:
    professional: Professional
    claim: Claim | None
    at: datetime
    rules: MarketRules
    contacts: tuple[Purchase, ...]
    milestones: Milestones

    @property
    def zone(self) -> str:
        return self.rules.zone

    @property
    def complete(self) -> bool:
        return len(self.contacts) == CONTACTS_REQUIRED

    def moment(self, at: datetime, with_time: bool = True) -> Moment:
        return Moment(at, self.zone, with_time)

    def refs(self, refs: Iterable[str]) -> Items:
        return Items(tuple(refs))


def _pending_or_not_met(ctx: _Context) -> Status:
    """Status of a condition the professional can still put right."""
    return Status.NOT_MET if ctx.claim is not None else Status.PENDING


def _clean(
    ctx: _Context,
    cid: ConditionId,
    ok: Callable[[], Message],
    so_far: Callable[[int], Message],
) -> ConditionResult:
    """Result of a contact-by-contact condition when no contact fails it."""
    if not ctx.contacts:
        return ConditionResult(cid, Status.PENDING, msg(NO_CONTACT_YET))
    if not ctx.complete:
        return ConditionResult(cid, Status.PENDING, so_far(len(ctx.contacts)))
    return ConditionResult(cid, Status.MET, ok())


def _clauses(offenders: list[tuple[str, Message]]) -> Items:
    return Items(tuple(m for _, m in offenders), style="clauses")


# --- the conditions, in checklist order -------------------------------------


def first_twenty_contacts(ctx: _Context) -> ConditionResult:
    n = len(ctx.contacts)
    cid = ConditionId.FIRST_TWENTY_CONTACTS
    if n == CONTACTS_REQUIRED:
        first, last = ctx.contacts[0], ctx.contacts[-1]
        return ConditionResult(
            cid,
            Status.MET,
            msg(
                "20 of 20 contacts bought: the 1st on {first}, the 20th on {last}.",
                first=ctx.moment(first.purchased_at),
                last=ctx.moment(last.purchased_at),
            ),
        )
    status = _pending_or_not_met(ctx)
    if n == 0:
        return ConditionResult(cid, status, msg("0 of 20 contacts bought."))
    return ConditionResult(
        cid,
        status,
        nmsg(
            "{n} of 20 contacts bought; {missing} more needed.",
            "{n} of 20 contacts bought; {missing} more needed.",
            n,
            missing=CONTACTS_REQUIRED - n,
        ),
    )


def no_job_won(ctx: _Context) -> ConditionResult:
    cid = ConditionId.NO_JOB_WON
    won = [p.ref for p in ctx.contacts if p.job_won]
    if won:
        return ConditionResult(
            cid,
            Status.NOT_MET,
            nmsg(
                "A job was won from contact {refs}.",
                "Jobs were won from {n} contacts: {refs}.",
                len(won),
                refs=ctx.refs(won),
            ),
            tuple(won),
        )
    return _clean(
        ctx,
        cid,
        ok=lambda: msg("No job won from any of the 20 contacts."),
        so_far=lambda n: nmsg(
            "No job won from the only contact bought so far.",
            "No job won from the {n} contacts bought so far.",
            n,
        ),
    )


def no_previous_refund(ctx: _Context) -> ConditionResult:
    own = ctx.claim.ref if ctx.claim is not None else None
    approved = [
        c.ref for c in ctx.professional.claims if c.status == ClaimStatus.APPROVED and c.ref != own
    ]
    if approved:
        return ConditionResult(
            ConditionId.NO_PREVIOUS_REFUND,
            Status.NOT_MET,
            nmsg(
                "Claim {refs} was already approved: the guarantee applies once.",
                "Claims {refs} were already approved: the guarantee applies once.",
                len(approved),
                refs=ctx.refs(approved),
            ),
        )
    return ConditionResult(
        ConditionId.NO_PREVIOUS_REFUND,
        Status.MET,
        msg("No earlier claim of this professional was approved."),
    )


def profile_complete(ctx: _Context) -> ConditionResult:
    records = sorted(ctx.professional.completeness, key=lambda r: r.at)
    times = [r.at for r in records]
    offenders: list[tuple[str, Message]] = []
    unknown: list[str] = []
    lowest: int | None = None
    for p in ctx.contacts:
        i = bisect_right(times, p.purchased_at)
        if i == 0:
            unknown.append(p.ref)
            continue
        percent = records[i - 1].percent
        lowest = percent if lowest is None else min(lowest, percent)
        if percent < PROFILE_MIN_PERCENT:
            offenders.append(
                (
                    p.ref,
                    msg(
                        "{ref} bought on {at} with the profile {percent} complete",
                        ref=p.ref,
                        at=ctx.moment(p.purchased_at),
                        percent=Percent(percent),
                    ),
                )
            )
    cid = ConditionId.PROFILE_COMPLETE
    if offenders:
        return ConditionResult(
            cid,
            Status.NOT_MET,
            nmsg(
                "{n} contact bought with the profile less than 80% complete: {items}.",
                "{n} contacts bought with the profile less than 80% complete: {items}.",
                len(offenders),
                items=_clauses(offenders),
            ),
            tuple(r for r, _ in offenders),
        )
    if unknown:
        return ConditionResult(
            cid,
            Status.UNKNOWN,
            nmsg(
                "No profile completeness recorded before the purchase of {n} contact: {refs}.",
                "No profile completeness recorded before the purchase of {n} contacts: {refs}.",
                len(unknown),
                refs=ctx.refs(unknown),
            ),
            tuple(unknown),
        )
    least = Percent(lowest if lowest is not None else 0)
    return _clean(
        ctx,
        cid,
        ok=lambda: msg(
            "Profile at least 80% complete at all 20 purchases (lowest {lowest}).",
            lowest=least,
        ),
        so_far=lambda n: nmsg(
            "Profile at least 80% complete at the only purchase so far (lowest {lowest}).",
            "Profile at least 80% complete at the {n} purchases so far (lowest {lowest}).",
            n,
            lowest=least,
        ),
    )


def _label_group(kinds: frozenset[str]) -> Message | Items:
    names = tuple(msg(LABEL_NAMES[k]) for k in LabelKind if k in kinds)
    return names[0] if len(names) == 1 else Items(names, style="or")


def trust_labels(ctx: _Context) -> ConditionResult:
    required = ctx.rules.required_labels
    labels = [(lb.kind, lb.activated_at, lb.revoked_at) for lb in ctx.professional.labels]
    offenders: list[tuple[str, Message]] = []
    for p in ctx.contacts:
        t = p.purchased_at
        # Inline TrustLabel.active_at: this runs 20 times per claim.
        active = {k for k, start, end in labels if start <= t and (end is None or t < end)}
        missing = [group for group in required if not group & active]
        if missing:
            offenders.append(
                (
                    p.ref,
                    msg(
                        "{ref} bought on {at} without {labels}",
                        ref=p.ref,
                        at=ctx.moment(t),
                        labels=Items(tuple(_label_group(g) for g in missing)),
                    ),
                )
            )
    cid = ConditionId.TRUST_LABELS
    if offenders:
        return ConditionResult(
            cid,
            Status.NOT_MET,
            nmsg(
                "{n} contact bought without the required labels: {items}.",
                "{n} contacts bought without the required labels: {items}.",
                len(offenders),
                items=_clauses(offenders),
            ),
            tuple(r for r, _ in offenders),
        )
    all_labels = Items(tuple(_label_group(g) for g in required))
    return _clean(
        ctx,
        cid,
        ok=lambda: msg("Labels active at all 20 purchases: {labels}.", labels=all_labels),
        so_far=lambda n: nmsg(
            "Labels active at the only purchase so far: {labels}.",
            "Labels active at the {n} purchases so far: {labels}.",
            n,
            labels=all_labels,
        ),
    )


def priority_discount_channel(ctx: _Context) -> ConditionResult:
    others = [p.ref for p in ctx.contacts if p.channel != Channel.PRIORITY_DISCOUNT]
    if others:
        return ConditionResult(
            ConditionId.PRIORITY_DISCOUNT_CHANNEL,
            Status.NOT_MET,
            nmsg(
                "{n} contact not bought through the priority service with discount: {refs}.",
                "{n} contacts not bought through the priority service with discount: {refs}.",
                len(others),
                refs=ctx.refs(others),
            ),
            tuple(others),
        )
    return _clean(
        ctx,
        ConditionId.PRIORITY_DISCOUNT_CHANNEL,
        ok=lambda: msg("All 20 contacts bought through the priority service with discount."),
        so_far=lambda n: nmsg(
            "The only contact bought so far came through the priority service with discount.",
            "The {n} contacts bought so far came through the priority service with discount.",
            n,
        ),
    )


def purchase_window(ctx: _Context) -> ConditionResult:
    m = ctx.milestones
    cid = ConditionId.PURCHASE_WINDOW
    if m.first_purchase_at is None or m.purchase_deadline is None:
        return ConditionResult(cid, Status.PENDING, msg(NO_CONTACT_YET))
    first = ctx.moment(m.first_purchase_at)
    deadline = ctx.moment(m.purchase_deadline)
    if m.twentieth_purchase_at is not None:
        last = ctx.moment(m.twentieth_purchase_at)
        if m.twentieth_purchase_at <= m.purchase_deadline:
            return ConditionResult(
                cid,
                Status.MET,
                msg(
                    "20th contact bought on {last}, within 3 months of the 1st ({first}).",
                    last=last,
                    first=first,
                ),
            )
        return ConditionResult(
            cid,
            Status.NOT_MET,
            msg(
                "20th contact bought on {last}, after the deadline of {deadline} "
                "(3 months after the 1st, {first}).",
                last=last,
                deadline=deadline,
                first=first,
            ),
            (ctx.contacts[-1].ref,),
        )
    n = len(ctx.contacts)
    if ctx.at > m.purchase_deadline:
        return ConditionResult(
            cid,
            Status.NOT_MET,
            nmsg(
                "Only {n} contact bought by the deadline of {deadline} "
                "(3 months after the 1st, {first}).",
                "Only {n} contacts bought by the deadline of {deadline} "
                "(3 months after the 1st, {first}).",
                n,
                deadline=deadline,
                first=first,
            ),
        )
    return ConditionResult(
        cid,
        Status.PENDING,
        nmsg(
            "{n} contact bought since {first}; the 20th must be bought by {deadline}.",
            "{n} contacts bought since {first}; the 20th must be bought by {deadline}.",
            n,
            first=first,
            deadline=deadline,
        ),
    )


def _purchase_deadline(ctx: _Context) -> Iterator[datetime]:
    # Below twenty purchases the window fails once at > deadline.
    m = ctx.milestones
    if m.twentieth_purchase_at is None and m.purchase_deadline is not None:
        yield m.purchase_deadline + timedelta(microseconds=1)


# What each kind of payment incident the marketplace records is called; a
# kind it may add later reads as a payment incident, never as its code.
INCIDENT_KINDS: Mapping[str, str] = MappingProxyType(
    {
        "card_declined": N_("card declined"),
        "direct_debit_returned": N_("direct debit returned"),
        "insufficient_funds": N_("insufficient funds"),
        "chargeback": N_("payment disputed (chargeback)"),
    }
)
UNKNOWN_INCIDENT = N_("payment incident")


def no_payment_incident(ctx: _Context) -> ConditionResult:
    m = ctx.milestones
    cid = ConditionId.NO_PAYMENT_INCIDENT
    if m.first_purchase_at is None:
        return ConditionResult(cid, Status.PENDING, msg(NO_CONTACT_YET))
    start = m.first_purchase_at
    end = m.twentieth_purchase_at
    found = sorted(
        (i for i in ctx.professional.incidents if start <= i.at and (end is None or i.at <= end)),
        key=lambda i: i.at,
    )
    if found:
        clauses = Items(
            tuple(
                msg(
                    "{kind} on {at}",
                    kind=msg(INCIDENT_KINDS.get(i.kind, UNKNOWN_INCIDENT)),
                    at=ctx.moment(i.at),
                )
                for i in found
            ),
            style="clauses",
        )
        return ConditionResult(
            cid,
            Status.NOT_MET,
            nmsg(
                "{n} payment incident during the purchases: {items}.",
                "{n} payment incidents during the purchases: {items}.",
                len(found),
                items=clauses,
            ),
        )
    if end is None:
        return ConditionResult(
            cid,
            Status.PENDING,
            msg(
                "No payment incident since the 1st purchase ({first}) so far.",
                first=ctx.moment(start),
            ),
        )
    return ConditionResult(
        cid,
        Status.MET,
        msg(
            "No payment incident from the 1st purchase ({first}) to the 20th ({last}).",
            first=ctx.moment(start),
            last=ctx.moment(end),
        ),
    )


class FirstContact(StrEnum):
    """Where one purchase stands against the first-contact limit."""

    IN_TIME = "in_time"
    LATE = "late"  # contacted, after the limit
    MISSED = "missed"  # not contacted, and the limit has passed
    AWAITED = "awaited"  # not contacted yet, still within the limit


def first_contact(purchase: Purchase, at: datetime) -> FirstContact:
    """The first-contact rule for one purchase at `at`, for the checklist and the screens."""
    if purchase.first_contacted_at is None:
        if at < purchase.purchased_at + FIRST_CONTACT_LIMIT:
            return FirstContact.AWAITED
        return FirstContact.MISSED
    if purchase.first_contacted_at - purchase.purchased_at > FIRST_CONTACT_LIMIT:
        return FirstContact.LATE
    return FirstContact.IN_TIME


def first_contact_24h(ctx: _Context) -> ConditionResult:
    offenders: list[tuple[str, Message]] = []
    waiting: list[str] = []
    longest: timedelta | None = None
    for p in ctx.contacts:
        state = first_contact(p, ctx.at)
        if p.first_contacted_at is None:
            if state is FirstContact.AWAITED:
                waiting.append(p.ref)
            else:
                offenders.append((p.ref, msg("{ref} never contacted", ref=p.ref)))
            continue
        delay = p.first_contacted_at - p.purchased_at
        longest = delay if longest is None else max(longest, delay)
        if state is FirstContact.LATE:
            offenders.append(
                (
                    p.ref,
                    msg(
                        "{ref} first contacted after {delay}",
                        ref=p.ref,
                        delay=Duration(delay),
                    ),
                )
            )
    cid = ConditionId.FIRST_CONTACT_24H
    if offenders:
        return ConditionResult(
            cid,
            Status.NOT_MET,
            nmsg(
                "{n} client not contacted within 24 hours of the purchase: {items}.",
                "{n} clients not contacted within 24 hours of the purchase: {items}.",
                len(offenders),
                items=_clauses(offenders),
            ),
            tuple(r for r, _ in offenders),
        )
    if waiting:
        return ConditionResult(
            cid,
            Status.PENDING,
            nmsg(
                "{n} client whose contact was bought less than 24 hours ago is still to be "
                "contacted: {refs}.",
                "{n} clients whose contacts were bought less than 24 hours ago are still to be "
                "contacted: {refs}.",
                len(waiting),
                refs=ctx.refs(waiting),
            ),
            tuple(waiting),
        )
    longest_delay = Duration(longest or timedelta(0))
    return _clean(
        ctx,
        cid,
        ok=lambda: msg(
            "Every client contacted within 24 hours (longest delay {delay}).",
            delay=longest_delay,
        ),
        so_far=lambda n: nmsg(
            "So far, the client was contacted within 24 hours (longest delay {delay}).",
            "So far, the {n} clients were contacted within 24 hours (longest delay {delay}).",
            n,
            delay=longest_delay,
        ),
    )


def _first_contact_deadlines(ctx: _Context) -> Iterator[datetime]:
    # An awaited contact becomes missed at its deadline.
    for p in ctx.contacts:
        if p.first_contacted_at is None:
            yield p.purchased_at + FIRST_CONTACT_LIMIT


def _contact_reviews(ctx: _Context) -> Iterator[Review]:
    """The positive reviews tied to the contacts, whenever they are dated."""
    refs = {p.ref for p in ctx.contacts}
    for r in ctx.professional.reviews:
        if (
            r.source == ReviewSource.PLATFORM_CONTACT
            and r.rating >= POSITIVE_RATING
            and r.contact_ref in refs
        ):
            yield r


def _contact_review_dates(ctx: _Context) -> Iterator[datetime]:
    # A review counts from its date (r.at <= at).
    return (r.at for r in _contact_reviews(ctx))


def contact_reviews(ctx: _Context) -> ConditionResult:
    found = sorted(
        (r for r in _contact_reviews(ctx) if r.at <= ctx.at),
        key=lambda r: (r.at, r.ref),
    )
    cid = ConditionId.CONTACT_REVIEWS
    items = Items(
        tuple(
            msg("{review} on {contact}", review=r.ref, contact=r.contact_ref or "") for r in found
        )
    )
    if len(found) >= REVIEWS_REQUIRED:
        return ConditionResult(
            cid,
            Status.MET,
            nmsg(
                "{n} positive review tied to the contacts: {items}.",
                "{n} positive reviews tied to the contacts: {items}.",
                len(found),
                items=items,
            ),
        )
    missing = REVIEWS_REQUIRED - len(found)
    if not found:
        evidence = nmsg(
            "No positive review tied to the contacts yet; {n} needed.",
            "No positive review tied to the contacts yet; {n} needed.",
            REVIEWS_REQUIRED,
        )
    else:
        evidence = nmsg(
            "{found} positive review tied to the contacts: {items}; {n} more needed.",
            "{found} positive review tied to the contacts: {items}; {n} more needed.",
            missing,
            found=len(found),
            items=items,
        )
    return ConditionResult(cid, _pending_or_not_met(ctx), evidence)


def _former_client_reviews(ctx: _Context) -> Iterator[Review]:
    return (r for r in ctx.professional.reviews if r.source == ReviewSource.FORMER_CLIENT)


def _former_client_review_dates(ctx: _Context) -> Iterator[datetime]:
    # A review counts from its date (r.at <= at).
    return (r.at for r in _former_client_reviews(ctx))


def former_client_reviews(ctx: _Context) -> ConditionResult:
    found = sorted(
        (r for r in _former_client_reviews(ctx) if r.at <= ctx.at),
        key=lambda r: (r.at, r.ref),
    )
    cid = ConditionId.FORMER_CLIENT_REVIEWS
    if len(found) >= REVIEWS_REQUIRED:
        return ConditionResult(
            cid,
            Status.MET,
            nmsg(
                "{n} review from former clients: {refs}.",
                "{n} reviews from former clients: {refs}.",
                len(found),
                refs=ctx.refs(r.ref for r in found),
            ),
        )
    return ConditionResult(
        cid,
        _pending_or_not_met(ctx),
        nmsg(
            "{found} of 2 reviews from former clients; {n} more needed.",
            "{found} of 2 reviews from former clients; {n} more needed.",
            REVIEWS_REQUIRED - len(found),
            found=len(found),
        ),
    )


def waiting_period(ctx: _Context) -> ConditionResult:
    m = ctx.milestones
    cid = ConditionId.WAITING_PERIOD
    if m.claimable_from is None or m.twentieth_purchase_at is None:
        return ConditionResult(
            cid,
            Status.PENDING,
            msg("The month of waiting starts with the 20th purchase."),
        )
    if ctx.at >= m.claimable_from:
        return ConditionResult(
            cid,
            Status.MET,
            msg(
                "A month has passed since the 20th purchase ({last}): "
                "claims can be judged since {since}.",
                last=ctx.moment(m.twentieth_purchase_at),
                since=ctx.moment(m.claimable_from),
            ),
        )
    return ConditionResult(
        cid,
        Status.PENDING,
        msg(
            "A claim can be judged from {since}, one month after the 20th purchase ({last}).",
            since=ctx.moment(m.claimable_from),
            last=ctx.moment(m.twentieth_purchase_at),
        ),
    )


def _claimable_from(ctx: _Context) -> Iterator[datetime]:
    # waiting_period: at >= claimable_from.
    if ctx.milestones.claimable_from is not None:
        yield ctx.milestones.claimable_from


def _pack_edges(ctx: _Context) -> Iterator[datetime]:
    # A pack is active from starts_at until (not at) ends_at.
    for pack in ctx.professional.packs:
        yield pack.starts_at
        if pack.ends_at is not None:
            yield pack.ends_at


def _active_pack(packs: Iterable[Pack], t: datetime) -> Pack | None:
    active = [p for p in packs if p.active_at(t)]
    return max(active, key=lambda p: p.starts_at) if active else None


def active_pack(ctx: _Context) -> ConditionResult:
    packs = ctx.professional.packs
    cid = ConditionId.ACTIVE_PACK
    now = _active_pack(packs, ctx.at)
    if ctx.claim is None:
        if now is not None:
            return ConditionResult(
                cid,
                Status.MET,
                msg("{pack} active on {at}.", pack=now.name, at=ctx.moment(ctx.at)),
            )
        return ConditionResult(
            cid,
            Status.PENDING,
            msg(
                "No professional pack active on {at}; one is needed to claim.",
                at=ctx.moment(ctx.at),
            ),
        )
    submitted = ctx.claim.submitted_at
    then = _active_pack(packs, submitted)
    if then is not None and now is not None:
        return ConditionResult(
            cid,
            Status.MET,
            msg(
                "{pack} active when the claim was sent ({submitted}) and on {at}.",
                pack=now.name,
                submitted=ctx.moment(submitted),
                at=ctx.moment(ctx.at),
            ),
        )
    if then is None and now is None:
        evidence = msg(
            "No professional pack active when the claim was sent ({submitted}), nor on {at}.",
            submitted=ctx.moment(submitted),
            at=ctx.moment(ctx.at),
        )
    elif then is None:
        evidence = msg(
            "No professional pack active when the claim was sent ({submitted}).",
            submitted=ctx.moment(submitted),
        )
    else:
        evidence = msg(
            "No professional pack active on {at}.",
            at=ctx.moment(ctx.at),
        )
    return ConditionResult(cid, Status.NOT_MET, evidence)


def _explanations(ctx: _Context) -> dict[str, tuple[str, str | None]]:
    assert ctx.claim is not None
    return {e.contact_ref: (e.text, e.verification) for e in ctx.claim.explanations}


def explanations_complete(ctx: _Context) -> ConditionResult:
    cid = ConditionId.EXPLANATIONS_COMPLETE
    if ctx.claim is None:
        return ConditionResult(
            cid,
            Status.PENDING,
            msg("The claim must explain what happened with each of the 20 contacts."),
        )
    given = _explanations(ctx)
    missing = [p.ref for p in ctx.contacts if not given.get(p.ref, ("", None))[0].strip()]
    if missing:
        return ConditionResult(
            cid,
            Status.NOT_MET,
            nmsg(
                "No explanation for {n} contact: {refs}.",
                "No explanation for {n} contacts: {refs}.",
                len(missing),
                refs=ctx.refs(missing),
            ),
            tuple(missing),
        )
    return _clean(
        ctx,
        cid,
        ok=lambda: msg("An explanation for each of the 20 contacts."),
        so_far=lambda n: nmsg(
            "An explanation for the only contact bought so far.",
            "An explanation for each of the {n} contacts bought so far.",
            n,
        ),
    )


def explanations_verified(ctx: _Context) -> ConditionResult:
    cid = ConditionId.EXPLANATIONS_VERIFIED
    if ctx.claim is None:
        return ConditionResult(
            cid,
            Status.PENDING,
            msg("Support verifies each explanation once the claim is sent."),
        )
    given = _explanations(ctx)
    untruthful = [
        p.ref for p in ctx.contacts if given.get(p.ref, ("", None))[1] == Verification.UNTRUTHFUL
    ]
    if untruthful:
        return ConditionResult(
            cid,
            Status.NOT_MET,
            nmsg(
                "The explanation for {refs} was found untruthful.",
                "The explanations for {n} contacts were found untruthful: {refs}.",
                len(untruthful),
                refs=ctx.refs(untruthful),
            ),
            tuple(untruthful),
        )
    unverified = [
        p.ref for p in ctx.contacts if given.get(p.ref, ("", None))[1] != Verification.TRUTHFUL
    ]
    if unverified:
        return ConditionResult(
            cid,
            Status.PENDING,
            nmsg(
                "{n} explanation still to verify: {refs}.",
                "{n} explanations still to verify: {refs}.",
                len(unverified),
                refs=ctx.refs(unverified),
            ),
            tuple(unverified),
        )
    return _clean(
        ctx,
        cid,
        ok=lambda: msg("All 20 explanations verified truthful."),
        so_far=lambda n: nmsg(
            "The explanation for the only contact bought so far is verified truthful.",
            "The explanations for the {n} contacts bought so far are verified truthful.",
            n,
        ),
    )


def _timeless(ctx: _Context) -> Iterator[datetime]:
    return iter(())


@dataclass(frozen=True, slots=True)
class Condition:
    """One condition of POLICY.md: everything the program knows about it, in one place."""

    id: ConditionId
    # What a person calls it (checklists, the decision dialog, the phone card).
    label: Message
    # The condition as a requirement, for sentences and letters that say it is
    # not met ("not having been refunded before"): the label alone would read
    # as the opposite of the fact. Lower case, to stand inside a sentence.
    requirement: Message
    evaluate: Callable[[_Context], ConditionResult]
    # The instants at which its status may change with the same facts, time
    # alone passing: one for each comparison with `at` in `evaluate`.
    boundaries: Callable[[_Context], Iterable[datetime]] = _timeless
    # Its place on the phone card, where what the caller can still act on comes
    # first (profile, labels, channel, reviews...) and the settled facts last;
    # None: not listed, being one of the card's milestones (purchases, their
    # deadline, the waiting period) or needing a claim (the explanations).
    phone_card: int | None = None


_HOURS = FIRST_CONTACT_LIMIT // timedelta(hours=1)

CONDITIONS: tuple[Condition, ...] = (
    Condition(
        ConditionId.FIRST_TWENTY_CONTACTS,
        msg("20 contacts bought"),
        msg("having bought 20 contacts"),
        first_twenty_contacts,
    ),
    Condition(
        ConditionId.NO_JOB_WON,
        msg("No job won from the 20 contacts"),
        msg("having won no job from the 20 contacts"),
        no_job_won,
        phone_card=9,
    ),
    Condition(
        ConditionId.NO_PREVIOUS_REFUND,
        msg("No earlier refund"),
        msg("not having been refunded before"),
        no_previous_refund,
        phone_card=10,
    ),
    Condition(
        ConditionId.PROFILE_COMPLETE,
        msg("Profile {percent} complete at each purchase", percent=Percent(PROFILE_MIN_PERCENT)),
        msg(
            "having a profile at least {percent} complete at each purchase",
            percent=Percent(PROFILE_MIN_PERCENT),
        ),
        profile_complete,
        phone_card=1,
    ),
    Condition(
        ConditionId.TRUST_LABELS,
        msg("Trust labels active at each purchase"),
        msg("having the required trust labels active at each purchase"),
        trust_labels,
        phone_card=2,
    ),
    Condition(
        ConditionId.PRIORITY_DISCOUNT_CHANNEL,
        msg("Bought through the priority service with discount"),
        msg("buying each contact through the priority service with discount"),
        priority_discount_channel,
        phone_card=3,
    ),
    Condition(
        ConditionId.PURCHASE_WINDOW,
        nmsg(
            "20 contacts bought within {n} month",
            "20 contacts bought within {n} months",
            PURCHASE_WINDOW_MONTHS,
        ),
        nmsg(
            "buying the 20 contacts within {n} month",
            "buying the 20 contacts within {n} months",
            PURCHASE_WINDOW_MONTHS,
        ),
        purchase_window,
        _purchase_deadline,
    ),
    Condition(
        ConditionId.NO_PAYMENT_INCIDENT,
        msg("No payment incident"),
        msg("having no payment incident during the purchases"),
        no_payment_incident,
        phone_card=7,
    ),
    Condition(
        ConditionId.FIRST_CONTACT_24H,
        nmsg(
            "Each client contacted within {n} hour",
            "Each client contacted within {n} hours",
            _HOURS,
        ),
        nmsg(
            "contacting each client within {n} hour of the purchase",
            "contacting each client within {n} hours of the purchase",
            _HOURS,
        ),
        first_contact_24h,
        _first_contact_deadlines,
        phone_card=4,
    ),
    Condition(
        ConditionId.CONTACT_REVIEWS,
        msg("2 positive reviews tied to the contacts"),
        msg("having 2 positive reviews tied to the contacts"),
        contact_reviews,
        _contact_review_dates,
        phone_card=5,
    ),
    Condition(
        ConditionId.FORMER_CLIENT_REVIEWS,
        msg("2 reviews from former clients"),
        msg("having 2 reviews from former clients"),
        former_client_reviews,
        _former_client_review_dates,
        phone_card=6,
    ),
    Condition(
        ConditionId.WAITING_PERIOD,
        msg("One month since the 20th purchase"),
        msg("waiting one month after the 20th purchase"),
        waiting_period,
        _claimable_from,
    ),
    Condition(
        ConditionId.ACTIVE_PACK,
        msg("Professional pack active"),
        msg("having an active professional pack"),
        active_pack,
        _pack_edges,
        phone_card=8,
    ),
    Condition(
        ConditionId.EXPLANATIONS_COMPLETE,
        msg("An explanation for each contact"),
        msg("explaining what happened with each contact"),
        explanations_complete,
    ),
    Condition(
        ConditionId.EXPLANATIONS_VERIFIED,
        msg("Every explanation verified truthful"),
        msg("giving truthful explanations"),
        explanations_verified,
    ),
)

if tuple(c.id for c in CONDITIONS) != tuple(ConditionId):
    raise AssertionError("CONDITIONS must list every ConditionId once, in checklist order")

CONDITION_BY_ID: Mapping[ConditionId, Condition] = MappingProxyType({c.id: c for c in CONDITIONS})
CONDITION_LABELS: Mapping[ConditionId, Message] = MappingProxyType(
    {c.id: c.label for c in CONDITIONS}
)
CONDITION_REQUIREMENTS: Mapping[ConditionId, Message] = MappingProxyType(
    {c.id: c.requirement for c in CONDITIONS}
)


def first_twenty(purchases: Iterable[Purchase]) -> tuple[Purchase, ...]:
    """The purchases the guarantee concerns: the first 20 by time, then ref."""
    return tuple(sorted(purchases, key=lambda p: (p.purchased_at, p.ref))[:CONTACTS_REQUIRED])


def milestones(contacts: tuple[Purchase, ...], zone: str) -> Milestones:
    if not contacts:
        return Milestones(0, None, None, None, None)
    first = contacts[0].purchased_at
    twentieth = contacts[-1].purchased_at if len(contacts) == CONTACTS_REQUIRED else None
    return Milestones(
        purchases=len(contacts),
        first_purchase_at=first,
        twentieth_purchase_at=twentieth,
        purchase_deadline=add_months(first, PURCHASE_WINDOW_MONTHS, zone),
        claimable_from=None if twentieth is None else add_months(twentieth, WAITING_MONTHS, zone),
    )


def _stable_until(ctx: _Context) -> datetime | None:
    """The first instant after `ctx.at` at which a status may change by time alone.

    Each condition lists its own boundaries; a property test checks that
    nothing changes before the earliest.
    """
    later = [t for c in CONDITIONS for t in c.boundaries(ctx) if t > ctx.at]
    return min(later) if later else None


def _context(professional: Professional, claim: Claim | None, at: datetime) -> _Context:
    if at.tzinfo is None:
        raise ValueError("the evaluation time must be timezone-aware")
    rules = rules_for(professional.market)
    contacts = first_twenty(professional.purchases)
    return _Context(
        professional=professional,
        claim=claim,
        at=at,
        rules=rules,
        contacts=contacts,
        milestones=milestones(contacts, rules.zone),
    )


def evaluate(professional: Professional, claim: Claim | None, at: datetime) -> Checklist:
    """The checklist of `claim` (or, without one, the professional's progress) at `at`."""
    ctx = _context(professional, claim, at)
    contacts = ctx.contacts
    results = tuple(condition.evaluate(ctx) for condition in CONDITIONS)
    verdict = verdict_of(r.status for r in results)
    # POLICY.md suspends on an untruthful explanation, whatever else fails.
    untruthful = any(
        r.id is ConditionId.EXPLANATIONS_VERIFIED and r.status is Status.NOT_MET for r in results
    )
    action = recommended_action(verdict, untruthful=untruthful)
    refund = sum(p.price_credits for p in contacts) if len(contacts) == CONTACTS_REQUIRED else None
    return Checklist(
        professional=professional.ref,
        market=professional.market,
        claim=claim.ref if claim is not None else None,
        at=at,
        results=results,
        verdict=verdict,
        action=action,
        refund_credits=refund,
        milestones=ctx.milestones,
        contacts=contacts,
        stable_until=_stable_until(ctx),
    )
