"""Persistence: SQLAlchemy models, engine set-up, migrations, fact loading."""
