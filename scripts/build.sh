#!/usr/bin/env bash
# Builds the Worker (edge/build) and the widget + static assets (dist/assets). wrangler runs this as its build
# command; HSRC_SKIP_BUILD=1 skips it when the caller has just built.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[ "${HSRC_SKIP_BUILD:-0}" = "1" ] && exit 0
source "$ROOT/scripts/bootstrap.sh"
cd "$ROOT/edge"
worker-build --release 2>&1 | grep -vE '^\s*$' | grep -viE 'compiling|downloading|^\s+Finished' >&2 || true
[ -f "$ROOT/edge/build/index.js" ] || { echo "worker-build failed" >&2; exit 1; }
cd "$ROOT"
if [ -f scripts/build-widget.sh ]; then
  bash scripts/build-widget.sh
else
  mkdir -p dist/assets && cp -R static/. dist/assets/
fi
# The operations console is a bundle of its own (never part of the payer's widget).
bash scripts/build-ops.sh
