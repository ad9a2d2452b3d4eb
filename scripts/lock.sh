#!/usr/bin/env bash
# Rewrite deploy/requirements.lock: the production dependencies (pyproject.toml + the s3 extra, no test
# extras) resolved in a clean virtualenv and frozen. Run after changing dependencies in pyproject.toml.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cp pyproject.toml "$tmp/"
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install -q --disable-pip-version-check "$tmp[s3]"
{
  echo "# Exact versions of SupportReplay's production dependencies (pyproject.toml [project] + the s3 extra), no test"
  echo "# extras. Made by scripts/lock.sh (a clean virtualenv, pip install \".[s3]\", pip freeze) on Python 3.11."
  echo "# Production:  pip install -r deploy/requirements.lock"
  "$tmp/venv/bin/pip" freeze --exclude-editable | grep -v '^supportreplay'
} > deploy/requirements.lock
echo "deploy/requirements.lock: $(grep -vc '^#' deploy/requirements.lock) packages"
