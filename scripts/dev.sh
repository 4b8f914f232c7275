#!/usr/bin/env bash
# Runs HSRC Pay Checkout locally: builds, migrates and seeds a local D1, starts the Worker on workerd.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/bootstrap.sh
PORT="${PORT:-8787}"
STATE="$ROOT/.wrangler/state"
KEYS="$ROOT/.wrangler/sandbox-keys.env"
bash scripts/build.sh
bash scripts/seed.sh "$STATE" "$KEYS"
source "$KEYS"
BASE="http://127.0.0.1:$PORT"
cat <<INFO

  HSRC Pay Checkout is running locally.

  API base URL        $BASE/v1
  Demo merchant page  $BASE/demo
  Demo, own form      $BASE/demo/custom?pk=$HSRC_PUBLISHABLE_KEY   (API-only payment, card element)
  Operations console  $BASE/ops
  OpenAPI             $BASE/v1/openapi.json

  Sandbox secret key       $HSRC_SECRET_KEY
  Sandbox publishable key  $HSRC_PUBLISHABLE_KEY

  Try: curl -s $BASE/v1/checkout-sessions -H "Authorization: Bearer $HSRC_SECRET_KEY" \\
         -H 'Content-Type: application/json' -d '{"amount":12500,"currency":"TRY"}'

INFO
source scripts/lib/dev-vars.sh
HSRC_SKIP_BUILD=1 exec wrangler dev --ip 127.0.0.1 --port "$PORT" --persist-to "$STATE" --test-scheduled "${HSRC_DEV_VARS[@]}" \
  --var "PUBLIC_ORIGIN:$BASE" --show-interactive-dev-session=false
