"""`python -m guarantee_tui.marketplace_server`: the local marketplace for a demo."""

from __future__ import annotations

import argparse
import json
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from guarantee_tui.cli.common import early_language
from guarantee_tui.i18n import Translator, translator
from guarantee_tui.marketplace_server.server import Faults, MarketplaceServer
from guarantee_tui.marketplace_server.state import Marketplace


def _share(value: str) -> float:
    share = float(value)
    if not 0.0 <= share <= 1.0:
        raise argparse.ArgumentTypeError("0..1")
    return share


def parser(tr: Translator) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m guarantee_tui.marketplace_server",
        description=tr(
            "A local marketplace implementing the API guarantee-tui calls, in memory, "
            "with faults on demand. Point the app at it with "
            "GUARANTEE_TUI_MARKETPLACE_URL and GUARANTEE_TUI_MARKETPLACE_TOKEN."
        ),
    )
    p.add_argument("--host", default="127.0.0.1", help=tr("address to listen on"))
    p.add_argument("--port", type=int, default=8765, help=tr("port to listen on"))
    p.add_argument("--token", required=True, help=tr("the bearer token callers must send"))
    p.add_argument(
        "--case-file",
        type=Path,
        metavar="FILE",
        help=tr(
            "a case file whose professionals /v1/changes serves, and the only ones "
            "the marketplace knows (default: any professional is known)"
        ),
    )
    p.add_argument(
        "--fail", type=_share, default=0.0, help=tr("share of requests answered 503 unapplied")
    )
    p.add_argument(
        "--drop",
        type=_share,
        default=0.0,
        help=tr("share of requests applied, then left without an answer"),
    )
    p.add_argument(
        "--latency", type=float, default=0.0, help=tr("seconds to wait before each answer")
    )
    p.add_argument(
        "--retry-after", type=int, default=1, help=tr("the Retry-After of a 503, in seconds")
    )
    p.add_argument("--refuse-token", action="store_true", help=tr("answer 401 to everything"))
    p.add_argument("--seed", type=int, help=tr("seed of the fault draws"))
    p.add_argument("--verbose", action="store_true", help=tr("print each request"))
    p.add_argument("--lang", help=tr("language of what is shown: en, fr or pt"))
    return p


def _case_file(path: Path) -> list[dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    professionals = data.get("professionals") if isinstance(data, dict) else None
    if not isinstance(professionals, list):
        raise ValueError("professionals")
    return [p for p in professionals if isinstance(p, dict) and "ref" in p]


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    tr = translator(early_language(argv))
    args = parser(tr).parse_args(argv)
    records: list[dict[str, Any]] = []
    if args.case_file is not None:
        try:
            records = _case_file(args.case_file)
        except (OSError, ValueError):
            print(
                tr("{path}: not a readable case file.", path=str(args.case_file)), file=sys.stderr
            )
            return 2
    marketplace = Marketplace(args.token, professionals=set() if args.case_file else None)
    marketplace.add_changes(records)
    faults = Faults(
        fail_before=args.fail,
        drop_after=args.drop,
        latency=args.latency,
        retry_after=args.retry_after,
        refuse_token=args.refuse_token,
    )
    try:
        server = MarketplaceServer(
            marketplace,
            faults,
            host=args.host,
            port=args.port,
            seed=args.seed,
            verbose=args.verbose,
        )
    except OSError as exc:
        print(
            tr(
                "Cannot listen on {host}:{port}: {error}", host=args.host, port=args.port, error=exc
            ),
            file=sys.stderr,
        )
        return 2
    signal.signal(signal.SIGTERM, _interrupt)
    print(tr("Marketplace listening on {url} (Ctrl+C stops it).", url=server.url), flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
