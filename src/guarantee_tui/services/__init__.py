"""Use cases: what the CLI and the screens ask of the program."""
