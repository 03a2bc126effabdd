"""What differs between markets, in one place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from guarantee_tui.policy.vocabulary import N_, LabelKind, Market


@dataclass(frozen=True, slots=True)
class MarketRules:
    market: Market
    zone: str
    # The language letters to the professional are written in (a UI language code).
    language: str
    country: str
    # Every group must have at least one of its kinds active.
    required_labels: tuple[frozenset[LabelKind], ...]
    phone: str
    email: str
    # Office hours of the support line, Monday=0.
    weekdays: frozenset[int]
    opens: time
    closes: time
    tips_url: str | None


MARKETS: dict[Market, MarketRules] = {
    Market.FR: MarketRules(
        market=Market.FR,
        zone="Europe/Paris",
        language="fr",
        country="FR",
        required_labels=(
            frozenset({LabelKind.VERIFIED_INDEPENDENT, LabelKind.VERIFIED_COMPANY}),
            frozenset({LabelKind.LIABILITY_INSURANCE}),
            frozenset({LabelKind.TRADE_LICENSE}),
        ),
        phone="01 84 88 82 46",
        email="support@habitissimo.fr",
        weekdays=frozenset(range(5)),
        opens=time(9, 0),
        closes=time(17, 0),
        tips_url=None,
    ),
    Market.PT: MarketRules(
        market=Market.PT,
        zone="Europe/Lisbon",
        language="pt",
        country="PT",
        required_labels=(frozenset({LabelKind.VERIFIED_INDEPENDENT, LabelKind.VERIFIED_COMPANY}),),
        phone="308 801 879",
        email="suporte@habitissimo.pt",
        weekdays=frozenset(range(5)),
        opens=time(8, 0),
        closes=time(17, 0),
        tips_url="https://www.habitissimo.pt/usuario/ajuda/dicas_conseguir_clientes",
    ),
}


def rules_for(market: str) -> MarketRules:
    return MARKETS[Market(market)]


LABEL_NAMES: dict[str, str] = {
    LabelKind.VERIFIED_INDEPENDENT: N_("verified independent"),
    LabelKind.VERIFIED_COMPANY: N_("verified company"),
    LabelKind.LIABILITY_INSURANCE: N_("liability insurance"),
    LabelKind.TRADE_LICENSE: N_("trade licence"),
}
