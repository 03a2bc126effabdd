"""The Textual screens: the agent workspace, the log, the phone desk."""
