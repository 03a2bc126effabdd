"""guarantee-tui: work the marketplace's "20 contacts" guarantee claims from a terminal."""

__version__ = "0.1.0"
