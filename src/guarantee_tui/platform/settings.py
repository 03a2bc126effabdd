"""Where the marketplace is, and the token to call it with.

    GUARANTEE_TUI_MARKETPLACE_URL     the API's base URL (else [marketplace] url)
    GUARANTEE_TUI_MARKETPLACE_TOKEN   the bearer token (else [marketplace] token_file)

In config.toml::

    [marketplace]
    url = "https://backoffice.example.com"
    token_file = "~/.config/guarantee-tui/marketplace.token"   # relative: to this file
    pull_every = "60s"                                         # the app's pull; "5m", "1h"

There is deliberately no command-line option for the token (`ps` shows a
command line to everyone on the machine), and the token is never printed,
logged or stored: the settings' repr hides it, and errors name where it
came from, never what it is. Without a URL nothing is sent.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

from guarantee_tui.config import MARKETPLACE_KEY, ConfigError, config_path
from guarantee_tui.errors import UserError
from guarantee_tui.i18n import N_, Translator

URL_ENV: Final = "GUARANTEE_TUI_MARKETPLACE_URL"
TOKEN_ENV: Final = "GUARANTEE_TUI_MARKETPLACE_TOKEN"
KEYS: Final = ("url", "token_file", "pull_every")
# Printable ASCII without spaces: what an HTTP header carries safely.
_TOKEN: Final = re.compile(r"[\x21-\x7e]+")
_DURATION: Final = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*")
_UNITS: Final = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


class MarketplaceNotConfigured(UserError):
    def describe(self, tr: Translator) -> str:
        return tr(
            "No marketplace is configured: set {variable} or [marketplace] url in the "
            "config file. Nothing was sent.",
            variable=URL_ENV,
        )


class TokenMissing(UserError):
    def describe(self, tr: Translator) -> str:
        return tr(
            "No token for the marketplace: set {variable} or [marketplace] token_file in "
            "the config file.",
            variable=TOKEN_ENV,
        )


@dataclass(frozen=True, slots=True)
class MarketplaceSettings:
    url: str | None = None
    token: str | None = field(default=None, repr=False)
    pull_every: timedelta | None = None
    # Where the token came from (a variable's name or a file's path), for messages.
    token_source: str | None = None

    @property
    def configured(self) -> bool:
        return self.url is not None

    def __repr__(self) -> str:
        token = "None" if self.token is None else "'***'"
        return (
            f"MarketplaceSettings(url={self.url!r}, token={token}, "
            f"pull_every={self.pull_every!r}, token_source={self.token_source!r})"
        )

    def require(self) -> tuple[str, str]:
        """The URL and token, or a UserError saying which is missing."""
        if self.url is None:
            raise MarketplaceNotConfigured()
        if self.token is None:
            raise TokenMissing()
        return self.url, self.token


def parse_url(value: str, source: str, key: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(source, key, N_("must be an http:// or https:// URL"))
    return value.strip().rstrip("/")


def parse_duration(value: Any, source: str, key: str) -> timedelta:
    """A duration: seconds as a number, or "500ms", "60s", "5m", "1h"."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return timedelta(seconds=float(value))
    if isinstance(value, str):
        match = _DURATION.fullmatch(value)
        if match and float(match.group(1)) > 0:
            return timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2) or "s"])
    raise ConfigError(source, key, N_('must be a duration such as "60s", "5m" or "1h"'))


def _token(value: str, source: str, key: str) -> str:
    token = value.strip()
    if not _TOKEN.fullmatch(token):
        raise ConfigError(source, key, N_("the token must be printable ASCII without spaces"))
    return token


def _token_file(value: Any, config: Path) -> tuple[str, str]:
    key = f"{MARKETPLACE_KEY}.token_file"
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(str(config), key, N_("must be a string"))
    path = Path(value.strip()).expanduser()
    if not path.is_absolute():
        path = config.parent / path
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise ConfigError(str(path), key, N_("cannot read the token file")) from None
    return _token(text, str(path), key), str(path)


def marketplace_settings(
    data: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    config: Path | None = None,
) -> MarketplaceSettings:
    """The marketplace's settings from the config file's data and the environment."""
    env = os.environ if environ is None else environ
    config = config_path() if config is None else config
    if data is None:
        from guarantee_tui.config import _read

        data = _read(config)
    table = data.get(MARKETPLACE_KEY, {})
    source = str(config)
    if not isinstance(table, Mapping):
        raise ConfigError(source, MARKETPLACE_KEY, N_("must be a table"))
    for key in table:
        if key not in KEYS:
            raise ConfigError(
                source,
                f"{MARKETPLACE_KEY}.{key}",
                N_("unknown setting (known: url, token_file, pull_every)"),
            )
    url: str | None = None
    if env.get(URL_ENV):
        url = parse_url(env[URL_ENV], URL_ENV, env[URL_ENV])
    elif "url" in table:
        if not isinstance(table["url"], str):
            raise ConfigError(source, f"{MARKETPLACE_KEY}.url", N_("must be a string"))
        url = parse_url(table["url"], source, f"{MARKETPLACE_KEY}.url")
    token: str | None = None
    token_source: str | None = None
    if env.get(TOKEN_ENV):
        token, token_source = _token(env[TOKEN_ENV], TOKEN_ENV, "token"), TOKEN_ENV
    elif "token_file" in table:
        token, token_source = _token_file(table["token_file"], config)
    pull_every = None
    if "pull_every" in table:
        pull_every = parse_duration(table["pull_every"], source, f"{MARKETPLACE_KEY}.pull_every")
    return MarketplaceSettings(
        url=url, token=token, pull_every=pull_every, token_source=token_source
    )
