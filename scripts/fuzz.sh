#!/usr/bin/env bash
# Schema-driven fuzzing of a running local Worker from its own OpenAPI document: schemathesis (pinned in
# tests/fuzz/requirements.txt, installed once into .venv-fuzz) generates requests for every documented operation
# and fails on any 5xx, undocumented status, wrong content type or response body that breaks the document.
# Bounded: --max-examples per operation and a wall-clock cap. Targets only a loopback HSRC_BASE_URL.
# Usage: HSRC_BASE_URL=http://127.0.0.1:PORT HSRC_SECRET_KEY=sk_test_… bash scripts/fuzz.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/lib/venv.sh
hsrc_require_loopback fuzz.sh

VENV="$ROOT/.venv-fuzz"
hsrc_venv "$VENV" "$ROOT/tests/fuzz/requirements.txt" st

# Real identifiers, so token, session and payment routes are fuzzed past the lookup.
RUN_DIR="$(mktemp -d /tmp/hsrc-fuzz.XXXXXX)"
trap 'rm -rf "$RUN_DIR"' EXIT
curl -sf -X POST "$HSRC_BASE_URL/v1/checkout-sessions" -H "authorization: Bearer $HSRC_SECRET_KEY" \
  -H 'content-type: application/json' -d '{"amount":12500,"currency":"TRY","metadata":{"order_id":"fuzz"}}' > "$RUN_DIR/session.json"
read -r TOKEN SESSION PAYMENT < <(python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["checkout_session"]; print(s["token"], s["id"], s["payment_id"])' "$RUN_DIR/session.json")
cat > "$RUN_DIR/schemathesis.toml" <<TOML
[[operations]]
include-path-regex = "^/v1/checkout-sessions/token/"
parameters = { "path.token" = "$TOKEN" }

[[operations]]
include-path-regex = "^/v1/checkout-sessions/\\\\{id\\\\}"
parameters = { "path.id" = "$SESSION" }

[[operations]]
include-path-regex = "^/v1/payments/"
parameters = { "path.id" = "$PAYMENT" }
TOML

# The key roll is left out: it would retire the key the run authenticates with (native tests cover it).
# Runs inside the temporary directory so schemathesis' own cache (.schemathesis/) never lands in the work tree.
cd "$RUN_DIR"
timeout "${HSRC_FUZZ_TIMEOUT:-300}" "$VENV/bin/st" --config-file "$RUN_DIR/schemathesis.toml" run "$HSRC_BASE_URL/v1/openapi.json" \
  --url "$HSRC_BASE_URL" \
  --header "Authorization: Bearer $HSRC_SECRET_KEY" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --exclude-path /v1/api-keys/roll \
  --max-examples "${HSRC_FUZZ_EXAMPLES:-25}" \
  --workers 2 \
  --rate-limit "${HSRC_FUZZ_RATE:-20/s}" \
  --request-timeout 20 \
  --seed "${HSRC_FUZZ_SEED:-20261125}" \
  --no-color \
  --warnings off
