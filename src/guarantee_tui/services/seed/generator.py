"""Generating the rows of a seeded database, batch by batch.

One `random.Random(seed)` drives everything and every instant is placed
relative to the anchor, so the same seed, size and anchor always give the
same rows, row ids included. Rows are plain dicts keyed by column name,
ready for a Core `insert()`; a batch holds a few hundred professionals, so
memory stays bounded whatever the size.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from typing import Any, Final

from dateutil.relativedelta import relativedelta

from guarantee_tui import policy
from guarantee_tui.policy import (
    Channel,
    ClaimStatus,
    LabelKind,
    Market,
    ReviewSource,
    Verification,
)
from guarantee_tui.policy.window import EARLIEST, LATEST
from guarantee_tui.services.decisions import PLATFORM_ABUSE
from guarantee_tui.services.seed.scenarios import (
    CORE,
    EARLIER_APPROVED,
    FILL,
    Checked,
    Expectation,
    Fault,
    Quirk,
    Scenario,
    Stage,
    expect,
)
from guarantee_tui.services.seed.vocabulary import (
    INCIDENT_KINDS,
    VOCABULARIES,
    City,
    Client,
    Trade,
    Vocabulary,
    client_name,
    company_name,
    email,
    explanation,
    near_copy,
    phone,
)
from guarantee_tui.text import email_key, fold, phone_key

DEFAULT_ANCHOR: Final = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)
DEFAULT_SEED: Final = 1
DEFAULT_PROFESSIONALS: Final = 60
# Every date generated lies within this much of the anchor: professionals are
# created up to about 20 months before it, packs run up to a year after it.
# Anchors whose data would leave the tool's window (policy/window.py) are refused.
EARLIEST_ANCHOR: Final = EARLIEST + relativedelta(years=2)
LATEST_ANCHOR: Final = LATEST - relativedelta(years=1)

# In insertion order (parents first).
TABLES: Final = (
    "professionals",
    "completeness_records",
    "trust_labels",
    "packs",
    "payment_incidents",
    "contact_purchases",
    "reviews",
    "claims",
    "explanations",
)

HOUR: Final = timedelta(hours=1)
DAY: Final = timedelta(days=1)
# Share of France among professionals beyond the core.
FRANCE_SHARE: Final = 0.55
# Chances that a claim beyond the core has each quirk.
QUIRK_CHANCES: Final = ((Quirk.COPIES, 0.15), (Quirk.MARKUP, 0.06))

Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the policy must say of one seeded claim, or of a professional without one."""

    professional: str
    market: Market
    scenario: str
    claim: str | None
    expected: Expectation


@dataclass(slots=True)
class Batch:
    rows: dict[str, list[Row]] = field(default_factory=lambda: {t: [] for t in TABLES})
    outcomes: list[Outcome] = field(default_factory=list)
    professionals: int = 0


class _Ids:
    """Row ids and refs, handed out in order."""

    def __init__(self) -> None:
        self.ids = dict.fromkeys(TABLES, 0)
        self.markets = dict.fromkeys(Market, 0)
        self.contacts = 0
        self.reviews = 0
        self.claims = 0

    def id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def professional(self, market: Market) -> str:
        self.markets[market] += 1
        return f"{market.value}-{self.markets[market]:05d}"

    def contact(self) -> str:
        self.contacts += 1
        return f"L-{self.contacts:07d}"

    def review(self) -> str:
        self.reviews += 1
        return f"R-{self.reviews:07d}"

    def claim(self) -> str:
        self.claims += 1
        return f"CL-{self.claims:06d}"


@dataclass(slots=True)
class _Purchase:
    ref: str
    at: datetime
    contacted: datetime | None
    won: bool
    channel: str
    client: Client
    city: City


class Generator:
    """The rows of `professionals` professionals for `seed`, as of `anchor`."""

    def __init__(
        self,
        professionals: int = DEFAULT_PROFESSIONALS,
        seed: int = DEFAULT_SEED,
        anchor: datetime = DEFAULT_ANCHOR,
    ) -> None:
        if anchor.tzinfo is None:
            raise ValueError("the anchor must be timezone-aware")
        self.total = professionals
        self.anchor = anchor.astimezone(UTC).replace(microsecond=0)
        self.rng = random.Random(seed)
        self.ids = _Ids()
        self._plan = self._make_plan()

    # --- the plan: who is in which situation --------------------------------

    def _make_plan(self) -> list[tuple[Market, Scenario, frozenset[Quirk] | None]]:
        rng = self.rng
        plan: list[tuple[Market, Scenario, frozenset[Quirk] | None]] = [
            (e.market, e.scenario, e.quirks) for e in CORE[: self.total]
        ]
        scenarios = [s for s, _ in FILL]
        cumulative = list(accumulate(w for _, w in FILL))
        for _ in range(self.total - len(plan)):
            scenario = rng.choices(scenarios, cum_weights=cumulative)[0]
            if len(scenario.markets) == 1:
                market = scenario.markets[0]
            else:
                market = Market.FR if rng.random() < FRANCE_SHARE else Market.PT
            plan.append((market, scenario, None))
        rng.shuffle(plan)
        return plan

    def batches(self, size: int = 500) -> Iterator[Batch]:
        batch = Batch()
        for market, scenario, quirks in self._plan:
            self._professional(batch, market, scenario, quirks)
            batch.professionals += 1
            if batch.professionals >= size:
                yield batch
                batch = Batch()
        if batch.professionals:
            yield batch

    # --- small helpers ------------------------------------------------------

    def _between(self, lo: datetime, hi: datetime, low: float = 0.0, high: float = 1.0) -> datetime:
        """An instant (whole seconds) between `lo` and `hi`, at a share low..high of the way."""
        seconds = (hi - lo).total_seconds()
        offset = int(seconds * self.rng.uniform(low, high))
        return lo + timedelta(seconds=offset)

    def _days(self, lo: float, hi: float) -> timedelta:
        return timedelta(seconds=int(self.rng.uniform(lo, hi) * 86400))

    def _daytime(self, at: datetime, lo: datetime, hi: datetime) -> datetime:
        """`at` moved to working hours (07:00-19:59 UTC) when that stays within lo..hi."""
        moved = at.replace(hour=self.rng.randint(7, 19))
        return moved if lo <= moved <= hi else at

    def _contact_delay(self) -> timedelta:
        roll = self.rng.random()
        if roll < 0.7:
            return timedelta(minutes=self.rng.randint(4, 180))
        if roll < 0.95:
            return timedelta(minutes=self.rng.randint(180, 720))
        return timedelta(minutes=self.rng.randint(720, 1380))

    # --- one professional ---------------------------------------------------

    def _professional(
        self,
        batch: Batch,
        market: Market,
        scenario: Scenario,
        quirks: frozenset[Quirk] | None,
    ) -> None:
        rng, ids, anchor = self.rng, self.ids, self.anchor
        v = VOCABULARIES[market]
        faults = scenario.faults
        has_claim = scenario.claim is not None

        pid = ids.id("professionals")
        ref = ids.professional(market)
        starts = {table: len(rows) for table, rows in batch.rows.items()}
        first_name, surname = rng.choice(v.first_names), rng.choice(v.surnames)
        trade = rng.choice(v.trades)
        city = rng.choice(v.cities)
        name, is_company = company_name(rng, v, first_name, surname, trade, city)
        if rng.random() < 0.01:
            name = f"★ {name} ★"
        mail = email(rng, v, first_name, surname, name) if rng.random() < 0.98 else None
        tel = phone(rng, v, city, mobile_share=0.7)

        # The timeline of purchases.
        times, twentieth = self._purchase_times(scenario)
        first = times[0] if times else None
        # Signed up days or months before buying; without a purchase, lately.
        created = first - self._days(4, 120) if first is not None else anchor - self._days(1, 25)
        # Set-up happens between sign-up and the first purchase.
        ready = first if first is not None else anchor

        # The claim's submission (and an earlier approved one).
        submitted: datetime | None = None
        earlier: datetime | None = None
        if has_claim:
            submitted, earlier = self._submission_times(scenario, times, twentieth)
        limit = submitted if submitted is not None else anchor - HOUR

        batch.rows["professionals"].append(
            {
                "id": pid,
                "ref": ref,
                "market": market.value,
                "company_name": name,
                "email": mail,
                "phone": tel,
                "created_at": created,
                "company_key": fold(name),
                "email_key": email_key(mail),
                "phone_key": phone_key(tel),
                "status": "active",
                "suspended_at": None,
                "suspension_reason": None,
            }
        )
        self._completeness(batch, pid, scenario, created, ready, times)
        self._labels(batch, pid, market, scenario, is_company, created, ready, times)
        self._packs(batch, pid, v, scenario, created, ready, submitted)
        self._incidents(batch, pid, scenario, created, ready, times, twentieth)
        purchases = self._purchases(batch, pid, v, trade, city, scenario, times)
        self._reviews(batch, pid, v, scenario, created, purchases, limit)

        if not has_claim:
            batch.outcomes.append(Outcome(ref, market, scenario.name, None, expect(scenario)))
            return
        assert submitted is not None and scenario.claim is not None
        contacts = purchases[:20]
        if earlier is not None:
            claim_ref, _ = self._claim(
                batch, pid, v, contacts, earlier, ClaimStatus.APPROVED, Checked.TRUTHFUL,
                frozenset(), frozenset(),
            )  # fmt: skip
            batch.outcomes.append(
                Outcome(ref, market, scenario.name + "/earlier", claim_ref, EARLIER_APPROVED)
            )
        if quirks is None:
            quirks = frozenset(q for q, chance in QUIRK_CHANCES if rng.random() < chance)
        claim_ref, decided = self._claim(
            batch, pid, v, contacts, submitted, scenario.claim, scenario.checked, faults, quirks
        )
        batch.outcomes.append(Outcome(ref, market, scenario.name, claim_ref, expect(scenario)))
        if scenario.claim is ClaimStatus.SUSPENDED:
            # Suspended for platform abuse when the claim was decided.
            untrue = [
                e["contact_ref"]
                for e in batch.rows["explanations"][starts["explanations"] :]
                if e["verification"] == Verification.UNTRUTHFUL
            ]
            professional = batch.rows["professionals"][starts["professionals"]]
            professional["status"] = "suspended"
            professional["suspended_at"] = decided
            # As a suspend decision records it: the ground, then the agent's words.
            reason = v.suspension_reason.format(refs=", ".join(untrue))
            professional["suspension_reason"] = f"{PLATFORM_ABUSE}: {reason}"
        self._record_verdicts(batch, starts)

    def _record_verdicts(self, batch: Batch, starts: dict[str, int]) -> None:
        """Each claim's checklist at the anchor, as the claims table keeps it for the queue."""
        rows = {table: batch.rows[table][start:] for table, start in starts.items()}
        professional = policy_professional(rows)
        explanations: dict[int, list[Row]] = {}
        for e in rows["explanations"]:
            explanations.setdefault(e["claim_id"], []).append(e)
        for claim in rows["claims"]:
            checklist = policy.evaluate(
                professional, policy_claim(claim, explanations.get(claim["id"], [])), self.anchor
            )
            claim["verdict"] = checklist.verdict.value
            claim["recommended_action"] = checklist.action.value
            claim["refund_credits"] = checklist.refund_credits
            claim["checked_at"] = self.anchor
            claim["stable_until"] = checklist.stable_until

    def _purchase_times(self, scenario: Scenario) -> tuple[list[datetime], datetime | None]:
        """Every purchase instant in order, and the 20th (None with fewer than 20)."""
        rng, anchor = self.rng, self.anchor
        faults = scenario.faults
        stage = scenario.stage
        latest = anchor - HOUR
        if stage is Stage.NEW:
            return [], None
        if stage in (Stage.BUYING, Stage.LAPSED):
            n = rng.randint(*scenario.contacts)
            if stage is Stage.BUYING:
                first = anchor - self._days(8, 70)
                # Someone claiming early does so a few days after the last purchase.
                last_bound = latest if scenario.claim is None else anchor - 3 * DAY
            else:
                first = anchor - self._days(100, 300)
                last_bound = first + self._days(40, 85)
            first = self._daytime(first, first - 12 * HOUR, first + 12 * HOUR)
            if Fault.AWAITING_CONTACT in faults:
                last = anchor - timedelta(minutes=rng.randint(60, 20 * 60))
                middle = sorted(self._between(first, last, 0.01, 0.99) for _ in range(n - 2))
                times = [first, *middle, last]
            else:
                rest = sorted(self._between(first, last_bound, 0.01, 1.0) for _ in range(n - 1))
                times = [first, *(self._daytime(t, first, last_bound) for t in rest)]
            return sorted(times), None

        if stage is Stage.WAITING:
            twentieth = anchor - self._days(2, 26)
        elif scenario.claim is None:
            twentieth = anchor - self._days(35, 420)
        elif scenario.claim is ClaimStatus.OPEN and Fault.PREVIOUS_REFUND not in faults:
            twentieth = anchor - self._days(40, 120)
        else:
            twentieth = anchor - self._days(150, 420)
        twentieth = self._daytime(
            twentieth, twentieth - 10 * HOUR, min(latest, twentieth + 10 * HOUR)
        )
        window = (100, 150) if Fault.WINDOW_EXCEEDED in faults else (18, 80)
        span = self._days(*window)
        first = self._daytime(twentieth - span, twentieth - span - 6 * HOUR, twentieth - span)
        middle = sorted(
            self._daytime(t, first, twentieth)
            for t in (self._between(first, twentieth, 0.005, 0.995) for _ in range(18))
        )
        times = [first, *middle, twentieth]
        # Later purchases: most professionals keep buying after the 20th.
        if stage is Stage.WAITING:
            extra = rng.choice((0, 0, 1, 2, 3))
        elif Fault.JOB_WON in faults and scenario.claim is None:
            extra = rng.randint(5, 20)
        else:
            extra = rng.choice((0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20))
        if Fault.TIE_AT_TWENTIETH in faults:
            extra = max(extra, 1)
        later = sorted(self._between(twentieth, latest, 0.01, 1.0) for _ in range(extra))
        later = sorted(self._daytime(t, twentieth, latest) for t in later)
        if Fault.TIE_AT_TWENTIETH in faults:
            later[0] = twentieth
        return times + later, twentieth

    def _submission_times(
        self, scenario: Scenario, times: list[datetime], twentieth: datetime | None
    ) -> tuple[datetime, datetime | None]:
        """When the claim was sent, and when an earlier approved one was (if any)."""
        anchor = self.anchor
        if twentieth is None:
            # Claiming before the 20th contact: soon after the last purchase.
            return self._between(times[-1] + HOUR, anchor - HOUR, 0.05, 0.9), None
        if scenario.stage is Stage.WAITING:
            return self._between(twentieth + 2 * HOUR, anchor - HOUR, 0.05, 0.95), None
        if Fault.PREVIOUS_REFUND in scenario.faults:
            earlier = twentieth + self._days(32, 45)
            return self._between(earlier + 30 * DAY, anchor - DAY, 0.2, 0.9), earlier
        room = (anchor - twentieth).total_seconds() / 86400 - 2
        return twentieth + self._days(32, max(33.0, min(room, 75.0))), None

    # --- profile, labels, packs, incidents ----------------------------------

    def _completeness(
        self,
        batch: Batch,
        pid: int,
        scenario: Scenario,
        created: datetime,
        ready: datetime,
        times: list[datetime],
    ) -> None:
        rng = self.rng
        faults = scenario.faults
        records: list[tuple[datetime, int]] = []
        if Fault.PROFILE_UNRECORDED in faults:
            # History kept only since a platform migration, after the 2nd purchase.
            records.append((self._between(times[1], times[2], 0.2, 0.8), rng.randint(85, 100)))
        else:
            records.append((created, rng.randint(20, 45)))
            records.append((self._between(created, ready, 0.1, 0.3), rng.randint(50, 75)))
            if scenario.stage is Stage.NEW and rng.random() < 0.6:
                pass  # still setting the profile up
            elif Fault.PROFILE_LOW in faults:
                records.append((self._between(created, ready, 0.4, 0.9), rng.randint(70, 79)))
                k = rng.randint(3, 10)
                at = self._between(times[k - 1], times[k], 0.2, 0.8)
                records.append((at, rng.randint(85, 100)))
            else:
                records.append((self._between(created, ready, 0.4, 0.9), rng.randint(80, 100)))
                if Fault.PROFILE_DROP in faults:
                    j = rng.randint(5, 12)
                    records.append((self._between(times[j], times[j + 1]), rng.randint(60, 77)))
                    back = self._between(times[j + 2], times[j + 3], 0.2, 0.8)
                    records.append((back, rng.randint(85, 100)))
        profile_faults = (Fault.PROFILE_LOW, Fault.PROFILE_DROP, Fault.PROFILE_UNRECORDED)
        if times and rng.random() < 0.3 and not any(f in faults for f in profile_faults):
            records.append((self._between(times[0], self.anchor - HOUR), 100))
        for at, percent in records:
            batch.rows["completeness_records"].append(
                {
                    "id": self.ids.id("completeness_records"),
                    "professional_id": pid,
                    "at": at,
                    "percent": percent,
                }
            )

    def _labels(
        self,
        batch: Batch,
        pid: int,
        market: Market,
        scenario: Scenario,
        is_company: bool,
        created: datetime,
        ready: datetime,
        times: list[datetime],
    ) -> None:
        rng = self.rng
        faults = scenario.faults
        rows = batch.rows["trust_labels"]

        def add(kind: str, activated: datetime, revoked: datetime | None = None) -> None:
            rows.append(
                {
                    "id": self.ids.id("trust_labels"),
                    "professional_id": pid,
                    "kind": kind,
                    "activated_at": activated,
                    "revoked_at": revoked,
                }
            )

        if scenario.stage is Stage.NEW and rng.random() < 0.5:
            return  # labels still under review
        verified = LabelKind.VERIFIED_COMPANY if is_company else LabelKind.VERIFIED_INDEPENDENT
        if Fault.VERIFICATION_LATE in faults:
            k = rng.randint(2, 6)
            add(verified, self._between(times[k - 1], times[k], 0.2, 0.8))
        elif is_company and len(times) > 8 and rng.random() < 0.1:
            # A sole trader who incorporated while buying: one label follows the other.
            switch = self._between(times[2], times[-1])
            add(LabelKind.VERIFIED_INDEPENDENT, self._between(created, ready, 0.05, 0.5), switch)
            add(verified, switch)
        else:
            add(verified, self._between(created, ready, 0.05, 0.5))
        if market is Market.FR:
            if Fault.INSURANCE_LATE in faults:
                k = rng.randint(2, 8)
                add(LabelKind.LIABILITY_INSURANCE, self._between(times[k - 1], times[k], 0.2, 0.8))
            else:
                add(LabelKind.LIABILITY_INSURANCE, self._between(created, ready, 0.1, 0.7))
            licence = self._between(created, ready, 0.1, 0.7)
            if Fault.LICENCE_GAP in faults:
                j = rng.randint(4, 12)
                lapsed = self._between(times[j], times[j + 1], 0.2, 0.8)
                renewed = self._between(times[j + 2], times[j + 3], 0.2, 0.8)
                add(LabelKind.TRADE_LICENSE, licence, lapsed)
                add(LabelKind.TRADE_LICENSE, renewed)
            else:
                add(LabelKind.TRADE_LICENSE, licence)
        elif rng.random() < 0.35:
            add(LabelKind.LIABILITY_INSURANCE, self._between(created, ready, 0.1, 0.9))

    def _packs(
        self,
        batch: Batch,
        pid: int,
        v: Vocabulary,
        scenario: Scenario,
        created: datetime,
        ready: datetime,
        submitted: datetime | None,
    ) -> None:
        rng, anchor = self.rng, self.anchor
        faults = scenario.faults
        if scenario.stage is Stage.NEW and rng.random() < 0.5:
            return
        start = self._between(created, ready, 0.2, 0.95)
        offer = rng.choice(v.packs)
        rows = batch.rows["packs"]

        def run(start: datetime, until: datetime, cut: bool) -> None:
            """Packs back to back from `start` until one covers `until`, or stops there."""
            nonlocal offer
            at = start
            while True:
                end = at + relativedelta(months=offer.months)
                last = end > until
                ends_at: datetime | None = end
                if last and cut:
                    ends_at = until  # cancelled, or not paid
                elif last and rng.random() < 0.3:
                    ends_at = None  # renews itself until cancelled
                rows.append(
                    {
                        "id": self.ids.id("packs"),
                        "professional_id": pid,
                        "name": offer.name,
                        "starts_at": at,
                        "ends_at": ends_at,
                        "price_eur": offer.price_eur,
                    }
                )
                if last:
                    return
                at = end
                if rng.random() < 0.2:
                    offer = rng.choice(v.packs)

        gone_now = Fault.NO_PACK_NOW in faults
        if submitted is not None and Fault.NO_PACK_AT_SUBMISSION in faults:
            lapsed = submitted - self._days(3, 30)
            run(start, lapsed, cut=True)
            if not gone_now:
                renewed = self._between(submitted + HOUR, anchor - DAY, 0.1, 0.6)
                run(renewed, anchor, cut=False)
        elif gone_now:
            lo = submitted if submitted is not None else max(start, anchor - 120 * DAY)
            run(start, self._between(lo + HOUR, anchor - DAY, 0.1, 0.9), cut=True)
        else:
            run(start, anchor, cut=False)

    def _incidents(
        self,
        batch: Batch,
        pid: int,
        scenario: Scenario,
        created: datetime,
        ready: datetime,
        times: list[datetime],
        twentieth: datetime | None,
    ) -> None:
        rng = self.rng
        found: list[tuple[datetime, str, datetime | None]] = []
        if Fault.PAYMENT_INCIDENT in scenario.faults:
            at = self._between(times[3], times[15])
            resolved = at + self._days(1, 12) if rng.random() < 0.7 else None
            found.append((at, rng.choice(INCIDENT_KINDS), resolved))
        if rng.random() < 0.12:
            # One outside the 20 purchases: before the first, or after the 20th.
            if twentieth is not None and rng.random() < 0.6:
                at = self._between(twentieth + HOUR, self.anchor - HOUR)
            else:
                at = self._between(created, ready, 0.05, 0.9)
            resolved = at + self._days(1, 8) if rng.random() < 0.8 else None
            if resolved is not None and resolved > self.anchor:
                resolved = None
            found.append((at, rng.choice(INCIDENT_KINDS), resolved))
        for at, kind, resolved in found:
            batch.rows["payment_incidents"].append(
                {
                    "id": self.ids.id("payment_incidents"),
                    "professional_id": pid,
                    "at": at,
                    "kind": kind,
                    "resolved_at": resolved,
                }
            )

    # --- purchases and reviews ----------------------------------------------

    def _purchases(
        self,
        batch: Batch,
        pid: int,
        v: Vocabulary,
        trade: Trade,
        home: City,
        scenario: Scenario,
        times: list[datetime],
    ) -> list[_Purchase]:
        rng, anchor = self.rng, self.anchor
        faults = scenario.faults
        n = len(times)
        first20 = min(n, 20)
        standard: set[int] = set()
        late: set[int] = set()
        never: set[int] = set()
        if Fault.STANDARD_CHANNEL in faults:
            standard.update(rng.sample(range(first20), rng.randint(1, 4)))
        if Fault.LATE_CONTACT in faults:
            late.update(rng.sample(range(first20), rng.randint(1, 2)))
        if Fault.NEVER_CONTACTED in faults:
            never.add(rng.randrange(first20))
        won: set[int] = set()
        if Fault.JOB_WON in faults:
            how_many = 1 if scenario.claim is not None else rng.randint(1, 3)
            won.update(rng.sample(range(first20), how_many))
        if Fault.TIE_AT_TWENTIETH in faults:
            won.add(20)  # the 21st, bought at the same instant as the 20th
        neighbours = [c for c in v.cities if c.region == home.region]
        rows = batch.rows["contact_purchases"]
        out: list[_Purchase] = []
        for i, at in enumerate(times):
            ref = self.ids.contact()
            contacted: datetime | None = at + self._contact_delay()
            if i in never:
                contacted = None
            elif i in late:
                contacted = at + timedelta(minutes=rng.randint(25 * 60, 80 * 60))
            elif i >= 20 and rng.random() < 0.06:
                contacted = None if rng.random() < 0.5 else at + self._days(1.2, 4)
            if Fault.AWAITING_CONTACT in faults and i == n - 1:
                contacted = None
            if contacted is not None and contacted > anchor:
                room = int((anchor - at).total_seconds()) - 60
                contacted = at + timedelta(seconds=rng.randint(60, max(60, room)))
            channel = Channel.PRIORITY_DISCOUNT.value
            if i in standard or (i >= 20 and rng.random() < 0.3):
                channel = Channel.STANDARD.value
            is_won = i in won or (i >= 20 and rng.random() < 0.12)
            city = home if rng.random() < 0.5 else rng.choice(neighbours)
            client = client_name(rng, v)
            rows.append(
                {
                    "id": self.ids.id("contact_purchases"),
                    "professional_id": pid,
                    "ref": ref,
                    "purchased_at": at,
                    "price_credits": rng.randint(*trade.credits),
                    "channel": channel,
                    "first_contacted_at": contacted,
                    "job_won": is_won,
                    "client_name": client.name,
                    "client_phone": phone(rng, v, city, mobile_share=0.85),
                    "job_title": rng.choice(trade.jobs),
                    "city": city.name,
                }
            )
            out.append(_Purchase(ref, at, contacted, is_won, channel, client, city))
        return out

    def _reviews(
        self,
        batch: Batch,
        pid: int,
        v: Vocabulary,
        scenario: Scenario,
        created: datetime,
        purchases: list[_Purchase],
        limit: datetime,
    ) -> None:
        rng = self.rng
        faults = scenario.faults
        rows = batch.rows["reviews"]

        def add(
            at: datetime, rating: int, source: str, contact: str | None, text: str | None
        ) -> None:
            rows.append(
                {
                    "id": self.ids.id("reviews"),
                    "professional_id": pid,
                    "ref": self.ids.review(),
                    "at": at,
                    "rating": rating,
                    "source": source,
                    "contact_ref": contact,
                    "text": text,
                }
            )

        def after(p: _Purchase) -> datetime:
            """A review date a few days after the purchase, no later than `limit`."""
            at = p.at + self._days(1, 25)
            return at if at <= limit else self._between(p.at, limit, 0.3, 0.9)

        def text(choices: tuple[str, ...]) -> str | None:
            return rng.choice(choices) if rng.random() < 0.85 else None

        reviewable = [p for p in purchases[:15] if p.at < limit]
        if Fault.FEW_CONTACT_REVIEWS in faults:
            wanted = 1
        elif scenario.stage is Stage.NEW:
            wanted = 0
        else:
            wanted = rng.choice((2, 2, 3, 3, 4))
        for p in sorted(rng.sample(reviewable, min(wanted, len(reviewable))), key=lambda p: p.at):
            add(after(p), rng.choice((4, 5, 5)), ReviewSource.PLATFORM_CONTACT, p.ref,
                text(v.contact_reviews))  # fmt: skip
        if reviewable and rng.random() < 0.3:
            p = rng.choice(reviewable)
            add(after(p), rng.choice((2, 3)), ReviewSource.PLATFORM_CONTACT, p.ref,
                text(v.lukewarm_reviews))  # fmt: skip
        beyond = [p for p in purchases[20:] if p.at < limit]
        if beyond and rng.random() < 0.3:
            # Positive, but about a contact after the 20th: it does not count.
            p = rng.choice(beyond)
            add(after(p), 5, ReviewSource.PLATFORM_CONTACT, p.ref, text(v.contact_reviews))
        if Fault.FEW_FORMER_REVIEWS in faults:
            former = rng.randint(0, 1)
        elif scenario.stage is Stage.NEW:
            former = rng.randint(0, 2)
        else:
            former = rng.randint(2, 5)
        for at in sorted(self._between(created, limit, 0.02, 0.98) for _ in range(former)):
            rating = rng.choice((5, 5, 5, 4, 4, 3))
            texts = v.average_former_reviews if rating == 3 else v.former_client_reviews
            add(at, rating, ReviewSource.FORMER_CLIENT, None, text(texts))

    # --- claims ---------------------------------------------------------------

    def _claim(
        self,
        batch: Batch,
        pid: int,
        v: Vocabulary,
        contacts: list[_Purchase],
        submitted: datetime,
        status: ClaimStatus,
        checked: Checked,
        faults: frozenset[Fault],
        quirks: frozenset[Quirk],
    ) -> tuple[str, datetime]:
        """Writes a claim and its explanations; returns its ref and when the agents last acted."""
        rng, anchor = self.rng, self.anchor
        claim_id = self.ids.id("claims")
        ref = self.ids.claim()
        batch.rows["claims"].append(
            {
                "id": claim_id,
                "professional_id": pid,
                "ref": ref,
                "submitted_at": submitted,
                "status": status.value,
                "version": 1 if status is ClaimStatus.OPEN else 2,
            }
        )
        e = v.explanations
        n = len(contacts)
        texts = [explanation(rng, v, p.client, p.city) for p in contacts]
        reached = [i for i, p in enumerate(contacts) if p.contacted is not None]
        lies: list[int] = []
        for i, p in enumerate(contacts):
            if p.contacted is None:
                texts[i] = rng.choice(e.never_reached)  # true: nobody called
            elif p.won:
                texts[i] = rng.choice(e.hidden_win)
        if checked is Checked.UNTRUTHFUL or Fault.SUSPICIOUS in faults:
            lies = sorted(rng.sample(reached, rng.randint(1, 3)))
            for i in lies:
                texts[i] = rng.choice(e.never_reached)
        if Quirk.COPIES in quirks:
            size = rng.randint(3, 6)
            start = rng.randrange(0, n - size)
            for i in range(start + 1, start + size):
                if i not in lies:
                    texts[i] = near_copy(rng, v, texts[start])
        if Quirk.MARKUP in quirks:
            for i in rng.sample(range(n), rng.randint(1, 3)):
                snippet = rng.choice(e.markup)
                texts[i] = snippet if rng.random() < 0.4 else f"{texts[i]} {snippet}"
        # The agents' verification, in contact order.
        verdicts: list[str | None] = [None] * n
        if checked is Checked.TRUTHFUL:
            verdicts = [Verification.TRUTHFUL.value] * n
        elif checked is Checked.PARTLY:
            done = rng.randint(3, n - 2)
            verdicts = [Verification.TRUTHFUL.value] * done + [None] * (n - done)
        elif checked is Checked.UNTRUTHFUL:
            done = rng.randint(max(lies) + 1, n)
            verdicts = [
                (Verification.UNTRUTHFUL.value if i in lies else Verification.TRUTHFUL.value)
                if i < done
                else None
                for i in range(n)
            ]
        # What is missing or blank stays unverified.
        unverified = [i for i in range(n) if verdicts[i] is None] or list(range(n))
        skipped: set[int] = set()
        if Fault.EXPLANATION_MISSING in faults:
            skipped.update(rng.sample(unverified, min(len(unverified), rng.randint(1, 2))))
        if Fault.EXPLANATION_BLANK in faults:
            blank = rng.choice(unverified)
            texts[blank] = rng.choice(("", " ", "  \n"))
            verdicts[blank] = None
        agent = rng.choice(v.agents)
        checked_at = self._between(submitted, anchor - HOUR, 0.05, 0.5)
        rows = batch.rows["explanations"]
        for i, p in enumerate(contacts):
            if i in skipped:
                continue
            verification = verdicts[i]
            note: str | None = None
            if verification == Verification.UNTRUTHFUL:
                note = rng.choice(v.untruthful_notes)
            elif verification is not None and rng.random() < 0.1:
                note = rng.choice(v.truthful_notes)
            if verification is not None:
                checked_at = self._between(checked_at, anchor - HOUR, 0.0, 0.05)
            rows.append(
                {
                    "id": self.ids.id("explanations"),
                    "claim_id": claim_id,
                    "contact_ref": p.ref,
                    "text": texts[i],
                    "verification": verification,
                    "verified_by": agent if verification is not None else None,
                    "verified_at": checked_at if verification is not None else None,
                    "verification_note": note,
                }
            )
        decided = self._between(checked_at, anchor - HOUR, 0.0, 0.1)
        return ref, decided


def policy_professional(rows: dict[str, list[Row]]) -> policy.Professional:
    """The policy's view of one professional, from their generated rows."""
    (pro,) = rows["professionals"]
    return policy.Professional(
        ref=pro["ref"],
        market=Market(pro["market"]),
        purchases=tuple(
            policy.Purchase(
                r["ref"],
                r["purchased_at"],
                r["price_credits"],
                r["channel"],
                r["first_contacted_at"],
                r["job_won"],
            )
            for r in rows["contact_purchases"]
        ),
        completeness=tuple(
            policy.CompletenessRecord(r["at"], r["percent"]) for r in rows["completeness_records"]
        ),
        labels=tuple(
            policy.TrustLabel(r["kind"], r["activated_at"], r["revoked_at"])
            for r in rows["trust_labels"]
        ),
        packs=tuple(policy.Pack(r["name"], r["starts_at"], r["ends_at"]) for r in rows["packs"]),
        incidents=tuple(
            policy.PaymentIncident(r["at"], r["kind"], r["resolved_at"])
            for r in rows["payment_incidents"]
        ),
        reviews=tuple(
            policy.Review(r["ref"], r["at"], r["rating"], r["source"], r["contact_ref"])
            for r in rows["reviews"]
        ),
        claims=tuple(policy.OtherClaim(r["ref"], r["status"]) for r in rows["claims"]),
    )


def policy_claim(claim: Row, explanations: list[Row]) -> policy.Claim:
    return policy.Claim(
        claim["ref"],
        claim["submitted_at"],
        claim["status"],
        tuple(
            policy.Explanation(e["contact_ref"], e["text"], e["verification"]) for e in explanations
        ),
    )
