#!/usr/bin/env bash
# Refreshes requirements/lock.txt, the exact releases tests and CI install:
#     scripts/lock.sh              # same releases where still allowed, new ones where needed
#     scripts/lock.sh --upgrade    # the newest releases pyproject.toml allows
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/uv ] || .venv/bin/pip install -q uv
.venv/bin/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
    --no-header --annotation-style line -o requirements/lock.txt "$@"
