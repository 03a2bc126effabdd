"""The link to the marketplace's API (tests/data/marketplace-api.yaml).

    settings.py    where the marketplace is and the token (never shown)
    backoff.py     exponential backoff with full jitter
    client.py      one httpx client, a method per call, errors classified
    dispatcher.py  the outbox's effects delivered in order per professional

The store below keeps the effects (store/outbox.py); the use cases above
(services/effects.py, services/pull.py) call this package.
"""
