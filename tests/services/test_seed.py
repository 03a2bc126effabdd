"""The seed generator: what the policy says of every seeded situation, and realism.

These tests run the generator in memory and evaluate its rows with the real
policy (no database); tests/services/test_seed_database.py covers writing.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from guarantee_tui import policy
from guarantee_tui.policy import conditions
from guarantee_tui.policy.messages import Items, Message
from guarantee_tui.services.seed import DEFAULT_ANCHOR, Generator
from guarantee_tui.services.seed.decisions import TEAM
from guarantee_tui.services.seed.generator import TABLES, Batch, Outcome
from guarantee_tui.services.seed.scenarios import CORE, FILL, Checked, Quirk, expect
from guarantee_tui.services.seed.vocabulary import VOCABULARIES, Vocabulary
from guarantee_tui.text import email_key, fold, phone_key

Row = dict[str, Any]


@dataclass(frozen=True)
class Seeded:
    rows: dict[str, list[Row]]
    outcomes: list[Outcome]
    professionals: dict[str, policy.Professional]
    claims: dict[str, policy.Claim]


def _facts(rows: dict[str, list[Row]]) -> tuple[dict[str, policy.Professional], dict[str, Any]]:
    def by(table: str, key: str = "professional_id") -> dict[int, list[Row]]:
        grouped: dict[int, list[Row]] = defaultdict(list)
        for row in rows[table]:
            grouped[row[key]].append(row)
        return grouped

    comp, labels, packs = by("completeness_records"), by("trust_labels"), by("packs")
    incidents, purchases = by("payment_incidents"), by("contact_purchases")
    reviews, claims, explanations = by("reviews"), by("claims"), by("explanations", "claim_id")
    professionals: dict[str, policy.Professional] = {}
    claim_facts: dict[str, policy.Claim] = {}
    for p in rows["professionals"]:
        pid = p["id"]
        professionals[p["ref"]] = policy.Professional(
            ref=p["ref"],
            market=policy.Market(p["market"]),
            purchases=tuple(
                policy.Purchase(
                    r["ref"],
                    r["purchased_at"],
                    r["price_credits"],
                    r["channel"],
                    r["first_contacted_at"],
                    r["job_won"],
                )
                for r in purchases[pid]
            ),
            completeness=tuple(policy.CompletenessRecord(r["at"], r["percent"]) for r in comp[pid]),
            labels=tuple(
                policy.TrustLabel(r["kind"], r["activated_at"], r["revoked_at"])
                for r in labels[pid]
            ),
            packs=tuple(policy.Pack(r["name"], r["starts_at"], r["ends_at"]) for r in packs[pid]),
            incidents=tuple(
                policy.PaymentIncident(r["at"], r["kind"], r["resolved_at"]) for r in incidents[pid]
            ),
            reviews=tuple(
                policy.Review(r["ref"], r["at"], r["rating"], r["source"], r["contact_ref"])
                for r in reviews[pid]
            ),
            claims=tuple(policy.OtherClaim(r["ref"], r["status"]) for r in claims[pid]),
        )
        for c in claims[pid]:
            claim_facts[c["ref"]] = policy.Claim(
                c["ref"],
                c["submitted_at"],
                c["status"],
                tuple(
                    policy.Explanation(e["contact_ref"], e["text"], e["verification"])
                    for e in explanations[c["id"]]
                ),
            )
    return professionals, claim_facts


def generate(professionals: int = 60, seed: int = 1, batch_size: int = 500) -> Seeded:
    rows: dict[str, list[Row]] = {t: [] for t in TABLES}
    outcomes: list[Outcome] = []
    for batch in Generator(professionals, seed).batches(batch_size):
        for table in TABLES:
            rows[table].extend(batch.rows[table])
        outcomes.extend(batch.outcomes)
    pros, claims = _facts(rows)
    return Seeded(rows, outcomes, pros, claims)


@pytest.fixture(scope="module")
def sample() -> Seeded:
    return generate()


def checklists(seeded: Seeded) -> Iterator[tuple[Outcome, policy.Checklist]]:
    for outcome in seeded.outcomes:
        claim = seeded.claims[outcome.claim] if outcome.claim else None
        yield outcome, policy.evaluate(seeded.professionals[outcome.professional], claim,
                                       DEFAULT_ANCHOR)  # fmt: skip


def _mismatches(seeded: Seeded) -> list[str]:
    found = []
    for outcome, checklist in checklists(seeded):
        not_met = frozenset(r.id for r in checklist.results if r.status is policy.Status.NOT_MET)
        got = (checklist.verdict, checklist.action, not_met)
        want = (outcome.expected.verdict, outcome.expected.action, outcome.expected.not_met)
        if got != want:
            found.append(f"{outcome.scenario} {outcome.professional} {outcome.claim}: {got}")
    return found


# --- every situation is what its scenario says --------------------------------


def test_every_seeded_situation_gets_the_expected_checklist(sample: Seeded) -> None:
    assert _mismatches(sample) == []


@pytest.mark.parametrize("seed", [2, 3])
def test_the_expectations_hold_for_a_larger_mix_and_other_seeds(seed: int) -> None:
    seeded = generate(1_200, seed)
    assert _mismatches(seeded) == []
    assert {o.scenario.split("/")[0] for o in seeded.outcomes} >= {s.name for s, _ in FILL}


def test_the_core_is_all_in_the_default_sample(sample: Seeded) -> None:
    assert len(CORE) <= 60
    seen = Counter((o.market, o.scenario) for o in sample.outcomes)
    for entry in CORE:
        assert seen[(entry.market, entry.scenario.name)] >= 1, entry


def test_the_sample_covers_every_verdict_action_and_failure(sample: Seeded) -> None:
    verdicts: set[tuple[str, str]] = set()
    actions: set[str] = set()
    not_met: set[str] = set()
    for outcome, checklist in checklists(sample):
        if outcome.claim is None:
            continue
        verdicts.add((outcome.market, checklist.verdict))
        actions.add(checklist.action)
        not_met.update(r.id for r in checklist.results if r.status is policy.Status.NOT_MET)
    assert verdicts == {(m, v) for m in policy.Market for v in policy.Verdict}
    assert actions == set(policy.Action)
    # waiting_period is never not_met: it is met or pending.
    assert not_met == set(policy.ConditionId) - {policy.ConditionId.WAITING_PERIOD}


def _texts(value: object) -> Iterator[str]:
    if isinstance(value, Message):
        yield value.text
        for param in value.params.values():
            yield from _texts(param)
    elif isinstance(value, Items):
        for item in value.items:
            yield from _texts(item)


def _condition_messages() -> set[str]:
    """Every message text the conditions can produce (the first argument of msg/nmsg)."""
    tree = ast.parse(inspect.getsource(conditions))
    found: set[str] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("msg", "nmsg")
        ):
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.add(arg.value)
            elif isinstance(arg, ast.Name):
                found.add(getattr(conditions, arg.id))
    # The labels and requirements name the conditions; they are not evidence.
    return found - {t for c in conditions.CONDITIONS for t in (c.label.text, c.requirement.text)}


def test_the_sample_reaches_every_branch_of_every_condition(sample: Seeded) -> None:
    reached: set[str] = set()
    statuses: set[tuple[str, str]] = set()
    for _, checklist in checklists(sample):
        for result in checklist.results:
            reached.update(_texts(result.evidence))
            statuses.add((result.id, result.status))
    assert _condition_messages() - reached == set()
    assert (policy.ConditionId.PROFILE_COMPLETE, policy.Status.UNKNOWN) in statuses


def test_decided_claims_agree_with_their_data(sample: Seeded) -> None:
    agree = {
        "approved": policy.Verdict.ELIGIBLE,
        "rejected": policy.Verdict.NOT_ELIGIBLE,
        "suspended": policy.Verdict.NOT_ELIGIBLE,
    }
    statuses: Counter[str] = Counter()
    for outcome, checklist in checklists(sample):
        if outcome.claim is None:
            continue
        status = sample.claims[outcome.claim].status
        statuses[status] += 1
        if status in agree:
            assert checklist.verdict is agree[status], outcome
        if status == "suspended":
            assert checklist.action is policy.Action.SUSPEND
    assert set(statuses) == set(policy.ClaimStatus)


def test_claims_record_their_checklist_at_the_anchor(sample: Seeded) -> None:
    rows = {c["ref"]: c for c in sample.rows["claims"]}
    for outcome, checklist in checklists(sample):
        if outcome.claim is None:
            continue
        row = rows[outcome.claim]
        assert row["verdict"] == checklist.verdict
        assert row["recommended_action"] == checklist.action
        assert row["refund_credits"] == checklist.refund_credits
        assert row["checked_at"] == DEFAULT_ANCHOR
        assert row["stable_until"] == checklist.stable_until


def test_suspended_claims_suspend_the_professional(sample: Seeded) -> None:
    suspended_claims = {
        c["professional_id"] for c in sample.rows["claims"] if c["status"] == "suspended"
    }
    assert suspended_claims
    for p in sample.rows["professionals"]:
        if p["id"] in suspended_claims:
            assert p["status"] == "suspended"
            assert p["suspended_at"] is not None and p["suspension_reason"]
            assert re.fullmatch(r"platform_abuse: .*L-\d{7}.*", p["suspension_reason"])
        else:
            assert (p["status"], p["suspended_at"], p["suspension_reason"]) == (
                "active",
                None,
                None,
            )


def test_expectations_follow_the_scenario() -> None:
    for entry in CORE:
        expected = expect(entry.scenario)
        if entry.scenario.checked is Checked.UNTRUTHFUL:
            assert expected.action is policy.Action.SUSPEND


# --- determinism ---------------------------------------------------------------


def test_the_same_seed_gives_the_same_rows() -> None:
    assert generate(150, 9).rows == generate(150, 9).rows


def test_batches_do_not_change_the_rows() -> None:
    assert generate(120, 4, batch_size=7).rows == generate(120, 4, batch_size=500).rows


def test_another_seed_gives_other_rows() -> None:
    a, b = generate(60, 1).rows, generate(60, 2).rows
    assert a["professionals"] != b["professionals"]
    assert {r["company_name"] for r in a["professionals"]} != {
        r["company_name"] for r in b["professionals"]
    }


def test_another_anchor_moves_every_date() -> None:
    later = DEFAULT_ANCHOR + timedelta(days=30)
    a = next(Generator(10, 1).batches()).rows
    b = next(Generator(10, 1, later).batches()).rows
    assert [r["purchased_at"] + timedelta(days=30) for r in a["contact_purchases"]] == [
        r["purchased_at"] for r in b["contact_purchases"]
    ]


# --- data that holds together ---------------------------------------------------


def test_rows_are_consistent(sample: Seeded) -> None:
    rows = sample.rows
    anchor = DEFAULT_ANCHOR
    for table, table_rows in rows.items():
        assert [r["id"] for r in table_rows] == list(range(1, len(table_rows) + 1)), table
        for row in table_rows:
            for key, value in row.items():
                if hasattr(value, "tzinfo"):
                    assert value.tzinfo is not None, (table, key)
                    # A pack may be paid until after the anchor, and a verdict may hold
                    # until after it; nothing else is in the future.
                    assert value <= anchor or key in ("ends_at", "stable_until"), (table, key)
    created = {r["id"]: r["created_at"] for r in rows["professionals"]}
    purchases = {r["ref"]: r for r in rows["contact_purchases"]}
    for p in rows["contact_purchases"]:
        assert created[p["professional_id"]] < p["purchased_at"]
        if p["first_contacted_at"] is not None:
            assert p["first_contacted_at"] > p["purchased_at"]
    for label in rows["trust_labels"]:
        assert label["revoked_at"] is None or label["revoked_at"] > label["activated_at"]
    for pack in rows["packs"]:
        assert pack["ends_at"] is None or pack["ends_at"] > pack["starts_at"]
    for incident in rows["payment_incidents"]:
        assert incident["resolved_at"] is None or incident["resolved_at"] > incident["at"]
    for review in rows["reviews"]:
        if review["contact_ref"] is not None:
            bought = purchases[review["contact_ref"]]
            assert bought["professional_id"] == review["professional_id"]
            assert review["at"] > bought["purchased_at"]
    submitted = {c["id"]: c["submitted_at"] for c in rows["claims"]}
    for e in rows["explanations"]:
        if e["verification"] is not None:
            assert e["verified_by"] and e["verified_at"] >= submitted[e["claim_id"]]
        else:
            assert e["verified_by"] is None and e["verified_at"] is None
    for c in rows["claims"]:
        assert created[c["professional_id"]] < c["submitted_at"]


def test_refs_and_search_keys(sample: Seeded) -> None:
    rows = sample.rows
    for p in rows["professionals"]:
        assert re.fullmatch(r"(FR|PT)-\d{5}", p["ref"]) and p["ref"][:2] == p["market"]
        assert p["company_key"] == fold(p["company_name"])
        assert p["email_key"] == email_key(p["email"])
        assert p["phone_key"] == phone_key(p["phone"]) and p["phone_key"]
        assert len(p["phone_key"]) == 9
    assert all(re.fullmatch(r"L-\d{7}", r["ref"]) for r in rows["contact_purchases"])
    assert all(re.fullmatch(r"R-\d{7}", r["ref"]) for r in rows["reviews"])
    assert all(re.fullmatch(r"CL-\d{6}", r["ref"]) for r in rows["claims"])
    for table in ("professionals", "contact_purchases", "reviews", "claims"):
        refs = [r["ref"] for r in rows[table]]
        assert len(refs) == len(set(refs)), table


def test_phones_are_written_the_usual_ways() -> None:
    phones = [r["phone"] for r in generate(400, 5).rows["professionals"]]
    assert any(re.fullmatch(r"0[1-7]( \d\d){4}", p) for p in phones)  # 06 12 34 56 78
    assert any(p.startswith("+33 ") for p in phones)
    assert any(re.fullmatch(r"\+351 \d{3} \d{3} \d{3}", p) for p in phones)
    assert any(re.fullmatch(r"9\d{8}", p) for p in phones)  # 912345678


def test_professionals_buy_more_than_twenty_contacts(sample: Seeded) -> None:
    bought = Counter(r["professional_id"] for r in sample.rows["contact_purchases"])
    assert max(bought.values()) >= 35
    assert sum(1 for n in bought.values() if n > 20) >= 25


def test_explanations_are_in_the_professionals_language(sample: Seeded) -> None:
    market_of = {r["id"]: r["market"] for r in sample.rows["professionals"]}
    claim_market = {c["id"]: market_of[c["professional_id"]] for c in sample.rows["claims"]}
    french_only = re.compile(r"\b(le|la|les|client a|devis|projet)\b", re.IGNORECASE)
    portuguese_only = re.compile(r"\b(o cliente|orçamento|obra|não)\b", re.IGNORECASE)
    texts: Counter[str] = Counter()
    for e in sample.rows["explanations"]:
        market = claim_market[e["claim_id"]]
        texts[market] += 1
        other = portuguese_only if market == "FR" else french_only
        assert not other.search(e["text"]), (market, e["text"])
    assert texts["FR"] > 100 and texts["PT"] > 100


def test_explanations_have_the_quirks_the_ui_must_survive(sample: Seeded) -> None:
    by_claim: dict[int, list[str]] = defaultdict(list)
    for e in sample.rows["explanations"]:
        by_claim[e["claim_id"]].append(e["text"])
    texts = [t for ts in by_claim.values() for t in ts]
    assert any("[b]" in t or "[link=" in t for t in texts)
    assert any(re.search("[\U0001f300-\U0001faff]", t) for t in texts)
    assert any(not t.strip() for t in texts)  # blank
    copies = [ts for ts in by_claim.values() if max(Counter(ts).values()) >= 2]
    assert len(copies) >= 3
    sentences = {len(re.findall(r"[.!?](\s|$)", t)) for t in texts}
    assert {1, 2, 3} <= sentences


def test_some_claims_say_never_reached_although_the_client_was_contacted(
    sample: Seeded,
) -> None:
    contacted = {
        r["ref"] for r in sample.rows["contact_purchases"] if r["first_contacted_at"] is not None
    }
    lies = set()
    for market in policy.Market:
        lies |= set(VOCABULARIES[market].explanations.never_reached)
    found = [e for e in sample.rows["explanations"] if e["text"] in lies]
    untrue = [e for e in found if e["contact_ref"] in contacted]
    assert any(e["verification"] == "untruthful" for e in untrue)
    assert any(e["verification"] is None for e in untrue)  # for the agent to catch


def test_quirks_are_named_in_the_core() -> None:
    quirks = {q for entry in CORE for q in entry.quirks}
    assert quirks == set(Quirk)


def test_batches_hold_at_most_their_size() -> None:
    sizes = [b.professionals for b in Generator(23, 1).batches(5)]
    assert sizes == [5, 5, 5, 5, 3]
    assert all(isinstance(b, Batch) for b in Generator(3, 1).batches(5))


# --- words a native speaker would write (review D of issue 13) --------------------


@pytest.fixture(scope="module")
def mix() -> Seeded:
    """Enough professionals for every city, pattern and sentence to turn up."""
    return generate(1_200, 2)


def _strings(value: object) -> Iterator[str]:
    """Every string a vocabulary holds, templates included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, tuple):
        for item in value:
            yield from _strings(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _strings(getattr(value, f.name))


def _templates(v: Vocabulary) -> list[str]:
    return [s for s in _strings(v) if "{" in s]


# A preposition written before {city} would give "à Le Havre", "em Porto".
_PREPOSITION_BEFORE_CITY = re.compile(
    r"(?<!\w)(à|a|au|aux|de|d'|du|des|em|no|na|do|da|ao|para)\s*\{city\}", re.IGNORECASE
)


def _wrong_forms(v: Vocabulary) -> dict[str, re.Pattern[str]]:
    """For each city, the preposition + name forms the language does not write."""
    prepositions = ("à", "de") if v.market is policy.Market.FR else ("em", "de", "a")
    wrong: dict[str, re.Pattern[str]] = {}
    for city in v.cities:
        for form in {f"{p} {city.name}" for p in prepositions} - {city.at, city.of, city.to}:
            wrong[form] = re.compile(rf"(?<![\w']){re.escape(form)}(?!\w)", re.IGNORECASE)
    return wrong


def test_every_city_has_its_forms_after_a_preposition() -> None:
    fr = {c.name: c for c in VOCABULARIES[policy.Market.FR].cities}
    pt = {c.name: c for c in VOCABULARIES[policy.Market.PT].cities}
    assert (fr["Le Havre"].at, fr["Le Havre"].of) == ("au Havre", "du Havre")
    assert (fr["Le Mans"].at, fr["Le Mans"].of) == ("au Mans", "du Mans")
    assert (fr["La Rochelle"].at, fr["La Rochelle"].of) == ("à La Rochelle", "de La Rochelle")
    assert (fr["Paris"].at, fr["Paris"].of, fr["Paris"].to) == ("à Paris", "de Paris", "à Paris")
    for city in fr.values():
        if city.name.startswith(("Le ", "Les ")):
            continue
        assert city.at == city.to == f"à {city.name}"
        elided = city.name[0] in "AEIOUYÉÈÊÂÎÔ"
        assert city.of == (f"d'{city.name}" if elided else f"de {city.name}"), city
    with_article = {
        "Porto": ("no Porto", "do Porto", "ao Porto"),
        "Barreiro": ("no Barreiro", "do Barreiro", "ao Barreiro"),
        "Seixal": ("no Seixal", "do Seixal", "ao Seixal"),
        "Funchal": ("no Funchal", "do Funchal", "ao Funchal"),
        "Maia": ("na Maia", "da Maia", "à Maia"),
        "Amadora": ("na Amadora", "da Amadora", "à Amadora"),
    }
    for city in pt.values():
        expected = with_article.get(city.name, (f"em {city.name}", f"de {city.name}",
                                                f"a {city.name}"))  # fmt: skip
        assert (city.at, city.of, city.to) == expected, city


def test_no_template_puts_a_preposition_before_a_bare_city_name() -> None:
    for v in VOCABULARIES.values():
        templates = _templates(v)
        assert any("{at_city}" in t for t in templates), v.market
        for template in templates:
            assert not _PREPOSITION_BEFORE_CITY.search(template), template


def test_every_template_and_city_gives_the_contracted_forms() -> None:
    for v in VOCABULARIES.values():
        wrong = _wrong_forms(v)
        for template in _templates(v):
            for city in v.cities:
                text = template.format_map(
                    defaultdict(lambda: "X", client="X", **city.placeholders())
                )
                found = [form for form, pattern in wrong.items() if pattern.search(text)]
                assert found == [], text
                assert not re.search(r"(?<!\w)(à|de) (Le|Les) ", text), text


def test_seeded_texts_have_no_uncontracted_city(mix: Seeded) -> None:
    market_of = {r["id"]: r["market"] for r in mix.rows["professionals"]}
    claim_market = {c["id"]: market_of[c["professional_id"]] for c in mix.rows["claims"]}
    texts: dict[str, list[str]] = defaultdict(list)
    for p in mix.rows["professionals"]:
        texts[p["market"]].append(p["company_name"])
    for e in mix.rows["explanations"]:
        texts[claim_market[e["claim_id"]]].append(e["text"])
    for market, v in VOCABULARIES.items():
        wrong = _wrong_forms(v)
        for text in texts[market]:
            assert not [form for form, pattern in wrong.items() if pattern.search(text)], text
            assert not re.search(r"(?<!\w)(à|de) (Le|Les) |(?<!\w)em (Porto|Maia)\b", text)
    joined = " ".join(texts["FR"] + texts["PT"])
    # The contracted forms are really in the texts, not merely avoided.
    assert "Les Artisans d" in joined
    assert re.search(r"Visita ao local (no|na) ", joined)


def test_portuguese_clients_are_addressed_as_people_write(mix: Seeded) -> None:
    v = VOCABULARIES[policy.Market.PT]
    pros = {r["id"]: r for r in mix.rows["professionals"]}
    titled: Counter[str] = Counter()
    for p in mix.rows["contact_purchases"]:
        if pros[p["professional_id"]]["market"] != "PT":
            continue
        first = p["client_name"].split()[0]
        # "D." goes with a first name ("D. Maria"), not a surname.
        assert first != "D.", p["client_name"]
        if first in ("Sr.", "Sra."):
            titled[first] += 1
            assert p["client_name"].split(" ", 1)[1] in v.surnames
    assert titled["Sr."] and titled["Sra."]
    claims = {c["id"]: pros[c["professional_id"]]["market"] for c in mix.rows["claims"]}
    opening = []
    for e in mix.rows["explanations"]:
        if claims[e["claim_id"]] == "PT":
            # A title opening a sentence takes the article: "O Sr. Santos acabou por…".
            assert not re.search(r"(^|[.!?]\s+)(Sr|Sra|D)\. ", e["text"]), e["text"]
            opening += re.findall(r"(?:^|[.!?]\s+)((?:O Sr|A Sra)\. \w+)", e["text"])
    assert opening


def test_portuguese_one_person_companies_are_unipessoal_lda(mix: Seeded) -> None:
    for v in VOCABULARIES.values():
        for pattern in v.patterns:
            if "Unipessoal" in pattern.template:
                assert pattern.template.endswith(" Unipessoal, Lda."), pattern
    names = [r["company_name"].strip("★ ") for r in mix.rows["professionals"]]
    unipessoal = [n for n in names if "Unipessoal" in n]
    assert unipessoal
    assert all(n.endswith(" Unipessoal, Lda.") for n in unipessoal), unipessoal


def test_verifiers_are_the_markets_sample_team(mix: Seeded) -> None:
    assert TEAM == {
        "FR": ("Camille Laurent", "Julien Morel"),
        "PT": ("Inês Costa", "Tiago Rocha"),
    }
    market_of = {r["id"]: r["market"] for r in mix.rows["professionals"]}
    claim_market = {c["id"]: market_of[c["professional_id"]] for c in mix.rows["claims"]}
    verifiers: dict[str, set[str]] = defaultdict(set)
    for e in mix.rows["explanations"]:
        if e["verified_by"] is not None:
            verifiers[claim_market[e["claim_id"]]].add(e["verified_by"])
    assert verifiers == {market: set(team) for market, team in TEAM.items()}


def test_french_mobile_numbers_are_in_mobile_ranges(mix: Seeded) -> None:
    pros = {r["id"]: r for r in mix.rows["professionals"]}
    numbers = [p["phone"] for p in pros.values() if p["market"] == "FR"]
    numbers += [
        c["client_phone"]
        for c in mix.rows["contact_purchases"]
        if pros[c["professional_id"]]["market"] == "FR"
    ]
    national = ["0" + str(phone_key(n)) for n in numbers]
    assert all(len(n) == 10 for n in national)
    mobiles = [n for n in national if n.startswith(("06", "07"))]
    # 070 to 072 are not mobile ranges; the rest are landlines by area.
    assert all(re.match(r"0(6|7[3-9])", n) for n in mobiles), mobiles
    assert all(re.match(r"0[1-5]", n) for n in national if n not in mobiles)
    assert {n[:3] for n in mobiles if n.startswith("07")} == {f"07{d}" for d in "3456789"}
    assert any(n.startswith("06") for n in mobiles)
