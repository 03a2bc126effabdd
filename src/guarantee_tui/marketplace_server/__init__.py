"""A local marketplace: the contract (tests/data/marketplace-api.yaml)
implemented over real HTTP on 127.0.0.1, for the tests, the benchmark and a
newcomer's demo::

    python -m guarantee_tui.marketplace_server --port 8765 --token demo

It keeps balances, suspensions and messages in memory, honours idempotency
keys exactly as the contract says, serves /v1/changes pages from the case
file it is given, and injects faults on demand (see server.py). Request
bodies are validated against the contract's own schemas (`contract.json`,
the YAML contract as JSON, kept identical by a test) with jsonschema.
"""

from guarantee_tui.marketplace_server.server import Faults, MarketplaceServer, state_of
from guarantee_tui.marketplace_server.state import Applied, Marketplace, contract

__all__ = ["Applied", "Faults", "Marketplace", "MarketplaceServer", "contract", "state_of"]
