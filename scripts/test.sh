#!/usr/bin/env bash
# Runs every test: native unit and integration tests (SQLite with the real migrations), then end-to-end tests
# (HTTP and headless Chromium) against a local Worker on workerd that this script starts and stops.
set -euo pipefail
# A narrower run while iterating (the full run, with none of these set, is what CI and .ci/run do):
#   HSRC_E2E="money_safety refunds"   only these e2e test binaries (tests/tests/<name>.rs); "none" for none
#   HSRC_NODE="ops-refunds installments" only browser/receiver tests whose file name contains one of these; "none"
#   HSRC_SKIP_NATIVE=1                 skip the native workspace tests
#   HSRC_SKIP_EXTRAS=1                 skip the generated-clients and fuzzing stages
HSRC_E2E="${HSRC_E2E:-}" HSRC_NODE="${HSRC_NODE:-}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/bootstrap.sh
step() { printf '\n\033[1;32m== %s\033[0m\n' "$*"; }
# Every runner's output also goes to a log, so the run can close with one total across Rust, Node and the fuzzer.
TOTALS="$(mktemp /tmp/hsrc-totals.XXXXXX)"
counted() { "$@" 2>&1 | tee -a "$TOTALS"; }

step "format and lints (rustfmt, clippy -D warnings)"
cargo fmt --all --check
cargo clippy --quiet --workspace --all-targets -- -D warnings

if [ -z "${HSRC_SKIP_NATIVE:-}" ]; then
  step "native tests (shared, edge, widget logic)"
  counted cargo test --workspace --exclude hsrc-e2e --quiet
fi

step "building the Worker and the widget"
bash scripts/build.sh
cargo build --quiet -p hsrc-e2e --tests -p hsrc-edge --bin hsrc-admin
# Apart: `--bin hsrc-admin` above would filter out the `hsrc` binary, which the e2e tests run.
cargo build --quiet -p hsrc-cli

# A fresh local database and a free loopback port for this run; everything is removed on exit.
RUN_DIR="$(mktemp -d /tmp/hsrc-test.XXXXXX)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
BASE="http://127.0.0.1:$PORT"
WORKER_LOG="$RUN_DIR/worker.log"
WRANGLER_PID=""
PROD_PID=""
cleanup() {
  if [ -n "$WRANGLER_PID" ]; then kill -- -"$WRANGLER_PID" 2>/dev/null || kill "$WRANGLER_PID" 2>/dev/null || true; wait "$WRANGLER_PID" 2>/dev/null || true; fi
  if [ -n "$PROD_PID" ]; then kill -- -"$PROD_PID" 2>/dev/null || kill "$PROD_PID" 2>/dev/null || true; wait "$PROD_PID" 2>/dev/null || true; fi
  rm -rf "$RUN_DIR" "$TOTALS"
}
trap cleanup EXIT

step "starting the local Worker on $BASE"
# Webhook retries run 1000x faster (days of back-off in seconds) with a short timeout, so the e2e receiver can
# fail, time out and accept within a test.
WEBHOOK_TIMEOUT_MS=2000
# Payer tokens end this long after their session does (15 min in production), so a test can see the 410.
TOKEN_GRACE_MS=45000
bash scripts/seed.sh "$RUN_DIR/state" "$RUN_DIR/keys.env"
# The shared test merchant's tests decline the same sandbox cards many times within an hour: give it a larger
# per-card budget (a merchant setting); the card-testing tests run on their own merchants with the default.
CI=true wrangler d1 execute hsrc-checkout --local --persist-to "$RUN_DIR/state" \
  --command "UPDATE merchants SET card_max_declines = 1000 WHERE id = 'mer_sandbox'" >/dev/null
set -a; source "$RUN_DIR/keys.env"; set +a
set -m
source scripts/lib/dev-vars.sh
HSRC_SKIP_BUILD=1 wrangler dev --ip 127.0.0.1 --port "$PORT" --persist-to "$RUN_DIR/state" --test-scheduled "${HSRC_DEV_VARS[@]}" \
  --var "PUBLIC_ORIGIN:$BASE" --var "SANDBOX_ASYNC_DELAY_MS:1500" --var "SANDBOX_HOLD_MS:3000" \
  --var "WEBHOOK_RETRY_SPEEDUP:1000" --var "WEBHOOK_TIMEOUT_MS:$WEBHOOK_TIMEOUT_MS" --var "TOKEN_GRACE_MS:$TOKEN_GRACE_MS" \
  --show-interactive-dev-session=false \
  > "$WORKER_LOG" 2>&1 &
WRANGLER_PID=$!
set +m
for _ in $(seq 1 120); do
  curl -sf "$BASE/v1/health" >/dev/null 2>&1 && break
  kill -0 "$WRANGLER_PID" 2>/dev/null || { cat "$WORKER_LOG"; echo "the Worker exited" >&2; exit 1; }
  sleep 0.5
done
curl -sf "$BASE/v1/health" >/dev/null || { tail -50 "$WORKER_LOG"; echo "the Worker did not become ready in 60 s" >&2; exit 1; }

export HSRC_TOKEN_GRACE_MS="$TOKEN_GRACE_MS" HSRC_WEBHOOK_TIMEOUT_MS="$WEBHOOK_TIMEOUT_MS" HSRC_BASE_URL="$BASE" HSRC_STATE_DIR="$RUN_DIR/state" HSRC_WORKER_LOG="$WORKER_LOG"

# A second Worker as a deployment would run it: no development marker (scripts/lib/dev-vars.sh not passed) and no
# DATA_KEY. It must refuse every request (503 configuration_error); tests/tests/fail_closed.rs checks it.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
PROD_PORT="$(free_port)"
PROD_BASE="http://127.0.0.1:$PROD_PORT"
PROD_LOG="$RUN_DIR/worker-prod.log"
step "starting a second Worker without the development marker and without DATA_KEY on $PROD_BASE"
set -m
HSRC_SKIP_BUILD=1 wrangler dev --ip 127.0.0.1 --port "$PROD_PORT" --inspector-port "$(free_port)" \
  --persist-to "$RUN_DIR/state-prod" --var "PUBLIC_ORIGIN:$PROD_BASE" \
  --var "FINGERPRINT_KEY:prod-like-fingerprint-key-for-the-refusal-test-0123456789" \
  --show-interactive-dev-session=false > "$PROD_LOG" 2>&1 &
PROD_PID=$!
set +m
for _ in $(seq 1 120); do
  # Any HTTP answer means it is up (the answer itself is the 503 under test).
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$PROD_BASE/v1/health" 2>/dev/null)" != "000" ] && break
  kill -0 "$PROD_PID" 2>/dev/null || { cat "$PROD_LOG"; echo "the second Worker exited" >&2; exit 1; }
  sleep 0.5
done
export HSRC_PROD_BASE_URL="$PROD_BASE" HSRC_PROD_WORKER_LOG="$PROD_LOG"

if [ "$HSRC_E2E" != "none" ]; then
  step "end-to-end API tests"
  E2E_TARGETS=()
  for name in $HSRC_E2E; do E2E_TARGETS+=(--test "$name"); done
  counted cargo test --quiet --no-fail-fast -p hsrc-e2e "${E2E_TARGETS[@]}" -- --test-threads=4
fi

NODE_FILES=()
for file in tests/browser/*.test.mjs tests/webhooks/*.test.mjs; do
  [ -e "$file" ] || continue
  if [ -n "$HSRC_NODE" ]; then
    keep=""
    for part in $HSRC_NODE; do case "$file" in *"$part"*) keep=1 ;; esac; done
    [ -n "$keep" ] || continue
  fi
  NODE_FILES+=("$file")
done
if [ "${#NODE_FILES[@]}" -gt 0 ]; then
  step "end-to-end browser and receiver tests (Node test runner, Debian Chromium)"
  counted node --test --test-concurrency=1 "${NODE_FILES[@]}"
fi
if [ -z "${HSRC_SKIP_EXTRAS:-}" ]; then
  step "generated clients: openapi-python-client drives a payment, openapi-typescript types type-check"
  bash scripts/clients.sh
  step "schema-driven fuzzing of the API from its OpenAPI document (schemathesis, bounded)"
  counted bash scripts/fuzz.sh
fi
step "all tests passed"
# cargo: "test result: ok. N passed; M failed"; node: "# pass N" / "# fail M"; schemathesis cases reported apart.
python3 - "$TOTALS" <<'PY'
import re, sys
text = re.sub(r"\x1b\[[0-9;]*m", "", open(sys.argv[1], errors="replace").read())
passed = failed = 0
for p, f in re.findall(r"test result: \w+\. (\d+) passed; (\d+) failed", text):
    passed += int(p); failed += int(f)
for p in re.findall(r"^# pass (\d+)", text, re.M): passed += int(p)
for f in re.findall(r"^# fail (\d+)", text, re.M): failed += int(f)
m = re.search(r"(\d+) generated, (\d+) passed", text)
if m: print(f"fuzzing: {m.group(1)} generated cases, {int(m.group(1)) - int(m.group(2))} failures")
print(f"{passed} passed, {failed} failed")
PY
