#!/usr/bin/env bash
# Benchmarks HSRC Pay Checkout the way a merchant would judge it, in one run on this machine, and writes
# BENCHMARKS.md and benchmarks.json at the repository root:
#   1. browser weight: raw, gzip and brotli sizes of the loader, widget wasm, JS glue and CSS, with budgets, and the
#      largest contributors to the wasm (twiggy on a names-kept build);
#   2. browser timing: headless Chromium on the demo merchant page, script tag → iframe ready → form interactive,
#      over cold loads (bench/browser-timing.mjs);
#   3. API throughput and latency on the local Worker (wrk, loopback only): no-op health route, token lookup, create
#      session, confirm — each as a ratio of the no-op route measured in the same run;
#   4. scaling: create throughput and token-lookup latency with 10^3, 10^4 and 10^5 sessions in D1.
# Not part of scripts/test.sh: numbers depend on the machine and its load, so nothing here asserts a time.
#
# Knobs (for development; the committed numbers use the defaults): BENCH_DURATION (s per API scenario, 10),
# BENCH_SETTLE_MAX (s to wait for the load average to fall below 1.0 before timing anything, 90),
# BENCH_WARMUP (s, 2), BENCH_CONFIRM_WARMUP (s, 8), BENCH_THREADS (2), BENCH_CONNECTIONS (16), BENCH_LOADS (browser loads, 20),
# BENCH_SCALE_SIZES ("1000 10000 100000"), BENCH_SCALE_DURATION (s, 5), BENCH_OUT_DIR (where the report goes:
# the repository root), BENCH_SKIP_BUILD=1 (reuse the artefacts of the last build), BENCH_RAW_DIR (keep the raw
# results there; `python3 bench/report.py RAW OUT …` re-renders the report from them), BENCH_TWIGGY=0 (skip the
# names-kept build and twiggy), BENCH_GROWTH_SESSIONS (10000; 0 skips), BENCH_SWEEP_CONNECTIONS ("1 2 4 8 16 32"),
# BENCH_ONLY=confirm (while iterating on the confirm path: only the no-op route and confirm with and without a key,
# the ratios printed, no report written), BENCH_ONLY=form (while iterating on the form: the browser weight without
# twiggy and the browser timing with its baseline, the sizes and the ratio printed, no report written).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
STARTED_AT=$(date +%s)

DURATION="${BENCH_DURATION:-10}"
WARMUP="${BENCH_WARMUP:-2}"
# Confirm's own warm-up: its first requests compile the confirm path's wasm (V8 compiles lazily, then tiers up);
# at 2 s none finished and the abandoned ones ran on into the measured run.
CONFIRM_WARMUP="${BENCH_CONFIRM_WARMUP:-8}"
THREADS="${BENCH_THREADS:-2}"
CONNECTIONS="${BENCH_CONNECTIONS:-16}"
LOADS="${BENCH_LOADS:-20}"
SCALE_SIZES="${BENCH_SCALE_SIZES:-1000 10000 100000}"
SCALE_DURATION="${BENCH_SCALE_DURATION:-5}"
# Write ceiling of one D1 database: confirm at rising concurrency (docs/SCALING.md), then the same load over two.
SWEEP_CONNECTIONS="${BENCH_SWEEP_CONNECTIONS:-1 2 4 8 16 32}"
SWEEP_DURATION="${BENCH_SWEEP_DURATION:-4}"
SWEEP_SESSIONS=$(( $(echo $SWEEP_CONNECTIONS | wc -w) * SWEEP_DURATION * 300 ))
# D1 growth per paid session (edge/examples/d1_growth.rs): sessions through the real request path, natively
# (0: skip; the example can also run on its own and its JSON be dropped into BENCH_RAW_DIR before re-rendering).
GROWTH_SESSIONS="${BENCH_GROWTH_SESSIONS:-10000}"
TWO_CONNECTIONS="${BENCH_TWO_CONNECTIONS:-32}"
OUT_DIR="${BENCH_OUT_DIR:-$ROOT}"
ONLY="${BENCH_ONLY:-}"
case "$ONLY" in ""|confirm|form) ;; *) echo "bench: BENCH_ONLY must be empty, confirm or form" >&2; exit 2 ;; esac
if [ -n "$ONLY" ]; then SWEEP_SESSIONS=0; fi
TWIGGY_VERSION=0.8.0
BROTLI_PY_VERSION=1.2.1
VENV="$ROOT/.venv-bench"

step() { printf '\n\033[1;36m== [%3ss] %s\033[0m\n' "$(( $(date +%s) - STARTED_AT ))" "$*" >&2; }
note() { printf '   %s\n' "$*" >&2; }
load_now() { cut -d' ' -f1-3 /proc/loadavg; }
die() { printf '\033[1;31mbench: %s\033[0m\n' "$*" >&2; exit 1; }

source scripts/bootstrap.sh

RUN_DIR="$(mktemp -d /tmp/hsrc-bench.XXXXXX)"
WORKER_LOG="$RUN_DIR/worker.log"
WRANGLER_PID=""
PORT=""
BASE=""
TWO_PIDS=()
cleanup() {
  rm -f "$ROOT/dist/assets/bench-baseline.html"
  stop_worker
  for pid in "${TWO_PIDS[@]}"; do WRANGLER_PID="$pid"; stop_worker; done
  rm -rf "$RUN_DIR"
}
trap cleanup EXIT

# ---- tools -------------------------------------------------------------------------------------------------------

ensure_twiggy() {
  local have=""
  command -v twiggy >/dev/null 2>&1 && have="$(twiggy --version 2>/dev/null || true)"
  case " $have " in *" $TWIGGY_VERSION "*) return 0 ;; esac
  note "cargo install twiggy $TWIGGY_VERSION (once per machine)"
  cargo install twiggy --version "=$TWIGGY_VERSION" --locked --quiet || return 1
}

# Python's brotli from PyPI, pinned, in a private virtualenv; Debian's brotli CLI if that cannot be had.
PY="python3"
ensure_brotli() {
  if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c "import brotli, sys; sys.exit(brotli.__version__ != '$BROTLI_PY_VERSION')" 2>/dev/null; then
    PY="$VENV/bin/python"; return 0
  fi
  note "virtualenv .venv-bench with brotli==$BROTLI_PY_VERSION"
  if { [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"; } &&
     "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "brotli==$BROTLI_PY_VERSION"; then
    PY="$VENV/bin/python"; return 0
  fi
  note "pip failed: falling back to Debian's brotli CLI"
  ensure_apt brotli
}

# ---- the local Worker ----------------------------------------------------------------------------------------------

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

# Starts `wrangler dev` on a fresh loopback port over the given state directory, as scripts/test.sh does, with two
# differences for load: RATE_LIMITS=off (the per-key and per-token abuse limits would answer 429 by design under a
# one-key load test; honoured only in development) and --log-level warn (the dev server otherwise makes
# one extra HTTP call per request to print its access log, which production does not have).
start_worker() {
  local state="$1"
  PORT="$(free_port)"
  BASE="http://127.0.0.1:$PORT"
  set -m
  source "$ROOT/scripts/lib/dev-vars.sh"
  HSRC_SKIP_BUILD=1 wrangler dev --ip 127.0.0.1 --port "$PORT" --persist-to "$state" "${HSRC_DEV_VARS[@]}" \
    --var "PUBLIC_ORIGIN:$BASE" --var "RATE_LIMITS:off" --log-level warn --show-interactive-dev-session=false --test-scheduled \
    >> "$WORKER_LOG" 2>&1 &
  WRANGLER_PID=$!
  set +m
  for _ in $(seq 1 120); do
    curl -sf "$BASE/v1/health" >/dev/null 2>&1 && return 0
    kill -0 "$WRANGLER_PID" 2>/dev/null || { tail -40 "$WORKER_LOG" >&2; die "the Worker exited"; }
    sleep 0.5
  done
  tail -40 "$WORKER_LOG" >&2
  die "the Worker did not become ready in 60 s"
}

stop_worker() {
  if [ -n "$WRANGLER_PID" ]; then
    kill -- -"$WRANGLER_PID" 2>/dev/null || kill "$WRANGLER_PID" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$WRANGLER_PID" 2>/dev/null || break; sleep 0.25; done
    kill -9 -- -"$WRANGLER_PID" 2>/dev/null || true
    wait "$WRANGLER_PID" 2>/dev/null || true
    WRANGLER_PID=""
  fi
}

d1() { # state-dir, then wrangler d1 execute arguments
  local state="$1"; shift
  wrangler d1 execute hsrc-checkout --local --persist-to "$state" "$@"
}

session_count() {
  d1 "$1" --json --command "SELECT COUNT(*) AS n FROM checkout_sessions" 2>/dev/null |
    python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["results"][0]["n"])'
}

create_session() { # prints a new session's payer token
  curl -sf -X POST "$BASE/v1/checkout-sessions" -H "Authorization: Bearer $HSRC_SECRET_KEY" \
    -H 'Content-Type: application/json' --data-binary @"$RUN_DIR/create.json" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["checkout_session"]["token"])'
}

# ---- wrk -----------------------------------------------------------------------------------------------------------

# run_wrk NAME SECONDS PATH [VAR=VALUE ...]: one bounded wrk run against the local Worker; numbers go to
# $RUN_DIR/wrk-NAME.json.
run_wrk() {
  local name="$1" seconds="$2" path="$3"; shift 3
  case "$BASE" in http://127.0.0.1:*) ;; *) die "refusing to load $BASE: loopback only" ;; esac
  LOAD_BEFORE="$(load_now)"
  python3 bench/cpu.py snapshot "$WRANGLER_PID" "$RUN_DIR/cpu-before.json"
  env BENCH_OUT="$RUN_DIR/wrk-$name.json" BENCH_THREADS="$THREADS" BENCH_PATH="$path" "$@" \
    timeout $(( seconds + 60 )) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${seconds}s" --timeout 5s \
    -s "$ROOT/bench/wrk.lua" "$BASE$path" > "$RUN_DIR/wrk-$name.txt" 2>&1 ||
    { cat "$RUN_DIR/wrk-$name.txt" >&2; die "wrk $name failed"; }
  python3 bench/cpu.py snapshot "$WRANGLER_PID" "$RUN_DIR/cpu-after.json"
  python3 - "$RUN_DIR/wrk-$name.json" "$name" "$RUN_DIR/cpu-before.json" "$RUN_DIR/cpu-after.json" "$LOAD_BEFORE" <<'PY' >&2
import json, subprocess, sys
out, name, before, after, load_before = sys.argv[1:6]
r = json.load(open(out))
cpu_out = out.replace(".json", ".cpu.json")
subprocess.run([sys.executable, "bench/cpu.py", "diff", before, after, str(r["requests"]), cpu_out], check=True)
r["cpu_ms_per_request"] = json.load(open(cpu_out))
r["load_average_before"] = load_before
json.dump(r, open(out, "w"), indent=2)
errs = sum(r["errors"][k] for k in ("connect", "read", "write", "timeout"))
cpu = r["cpu_ms_per_request"]
print(f"   {name:<24} {r['rps']:>8.1f} rps  p50 {r['latency_us']['p50']/1000:7.2f} ms  p99 {r['latency_us']['p99']/1000:7.2f} ms"
      f"  non-2xx {r['non_2xx']}  socket errors {errs}  CPU {cpu['total']:.2f} ms/req  {r['statuses']}")
PY
}

# scenario NAME PATH [VAR=VALUE ...]: warm-up run, then the measured run.
scenario() {
  local name="$1" path="$2"; shift 2
  run_wrk "$name-warmup" "$WARMUP" "$path" "$@"
  run_wrk "$name" "$DURATION" "$path" "$@"
}

# ---- 0. machine and versions ----------------------------------------------------------------------------------------

step "machine and versions"
LOAD_AT_START="$(load_now)"
python3 - "$RUN_DIR/machine.json" <<PY
import json, os, platform, re, subprocess, sys
def cmd(*a):
    try:
        return subprocess.run(a, capture_output=True, text=True, timeout=30).stdout.strip() or subprocess.run(a, capture_output=True, text=True, timeout=30).stderr.strip()
    except Exception as e:
        return f"unavailable ({e})"
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown")
mem_kb = int(next(l.split()[1] for l in open("/proc/meminfo") if l.startswith("MemTotal")))
busy = subprocess.run("ps -eo comm= | grep -cE '^(rustc|cargo)\$' || true", shell=True, capture_output=True, text=True).stdout.strip()
info = {
    "date_utc": subprocess.run(["date", "-u", "+%Y-%m-%dT%H:%M:%SZ"], capture_output=True, text=True).stdout.strip(),
    "nproc": os.cpu_count(),
    "cpu_model": cpu,
    "memory_gib": round(mem_kb / 1024 / 1024, 1),
    "kernel": platform.release(),
    "load_average_at_start": "$LOAD_AT_START",
    "rustc_cargo_processes_at_start": int(busy or 0),
    "versions": {
        "rustc": cmd("rustc", "--version"),
        "wrangler": cmd("wrangler", "--version").splitlines()[-1] if cmd("wrangler", "--version") else "unknown",
        "workerd": cmd("$ROOT/node_modules/.bin/node", "-p", "require('$ROOT/node_modules/workerd/package.json').version"),
        "chromium": re.sub(r"^.*?(Chromium [0-9.]+).*$", r"\1", cmd("/usr/bin/chromium", "--version").splitlines()[-1]),
        "node": cmd("node", "--version"),
        "playwright-core": cmd("node", "-p", "require('$ROOT/node_modules/playwright-core/package.json').version"),
        "wrk": cmd("wrk", "-v").splitlines()[0] if cmd("wrk", "-v") else "unknown",
        "wasm-bindgen": cmd("wasm-bindgen", "--version"),
        "wasm-opt": cmd("wasm-opt", "--version"),
    },
    "commit": cmd("git", "-C", "$ROOT", "rev-parse", "--short", "HEAD"),
    "worktree_dirty": bool(cmd("git", "-C", "$ROOT", "status", "--porcelain", "--untracked-files=no")),
}
json.dump(info, open(sys.argv[1], "w"), indent=2)
print(f"   {info['nproc']} × {cpu}, {info['memory_gib']} GiB, load {info['load_average_at_start']}, "
      f"{info['rustc_cargo_processes_at_start']} rustc/cargo processes", file=sys.stderr)
PY

# ---- 1. build --------------------------------------------------------------------------------------------------------

if [ "${BENCH_SKIP_BUILD:-0}" = "1" ] && [ -f edge/build/index.js ] && [ -f dist/assets/pkg/hsrc_widget_bg.wasm ]; then
  step "build skipped (BENCH_SKIP_BUILD=1): using the artefacts of the last build"
else
  step "building release artefacts (scripts/build.sh)"
  bash scripts/build.sh
fi
cargo build --quiet -p hsrc-edge --bin hsrc-admin

# Our own build heats the machine: give the load average a bounded chance to fall before anything is timed.
settle() {
  local max="${BENCH_SETTLE_MAX:-90}" waited=0
  while [ "$waited" -lt "$max" ] && python3 -c "import sys; sys.exit(float(open('/proc/loadavg').read().split()[0]) < 1.0)"; do
    [ "$waited" = 0 ] && note "waiting up to ${max}s for the 1-minute load average ($(load_now)) to fall below 1.0"
    sleep 5; waited=$(( waited + 5 ))
  done
  note "load average now $(load_now)"
}

# ---- 2. weight ---------------------------------------------------------------------------------------------------------

if [ "$ONLY" != confirm ]; then
step "browser weight"
ensure_brotli
"$PY" bench/sizes.py weights dist/assets "$RUN_DIR/weights.json"

[ "$ONLY" = form ] && BENCH_TWIGGY=0
step "largest contributors to the widget wasm (twiggy on a names-kept build)"
# The form's raw cargo output: scripts/build-widget.sh builds it last in target/widget (older layouts: target/).
TARGET_ROOT="${CARGO_TARGET_DIR:-$ROOT/target}"
WIDGET_WASM=""
for candidate in "$TARGET_ROOT/widget/wasm32-unknown-unknown/release/hsrc_widget.wasm" \
                 "$TARGET_ROOT/wasm32-unknown-unknown/release/hsrc_widget.wasm"; do
  [ -f "$candidate" ] && { WIDGET_WASM="$candidate"; break; }
done
WASM_OPT_FEATURES=(--enable-bulk-memory --enable-bulk-memory-opt --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --enable-reference-types --enable-multivalue)
eval "$(grep '^WASM_OPT_PASSES=' scripts/lib/wasm-bundle.sh)"   # the passes the shipped bundles get
TWIGGY_OK=0
if [ -n "$WIDGET_WASM" ] && [ "${BENCH_TWIGGY:-1}" = 1 ] && ensure_twiggy; then
  # The same steps as scripts/lib/wasm-bundle.sh (wasm-bindgen, cut the unused wasm-streams code, wasm-opt -Oz),
  # plus -g so function names survive: the code twiggy attributes is the code we ship (the name section itself is
  # left out of the percentages).
  note "$WIDGET_WASM"
  mkdir -p "$RUN_DIR/named"
  strip_streams() {
    if command -v wasm-dis >/dev/null && command -v wasm-as >/dev/null; then
      wasm-dis "${WASM_OPT_FEATURES[@]}" "$1" -o "$RUN_DIR/named/module.wat" &&
        python3 scripts/lib/strip_streams.py "$RUN_DIR/named/module.wat" "$RUN_DIR/named/stripped.wat" >&2 &&
        wasm-as "${WASM_OPT_FEATURES[@]}" -g "$RUN_DIR/named/stripped.wat" -o "$1"
    fi
  }
  if wasm-bindgen --target web --no-typescript --out-dir "$RUN_DIR/named" --out-name hsrc_widget "$WIDGET_WASM" &&
     strip_streams "$RUN_DIR/named/hsrc_widget_bg.wasm" &&
     wasm-opt "${WASM_OPT_PASSES[@]}" -g "${WASM_OPT_FEATURES[@]}" "$RUN_DIR/named/hsrc_widget_bg.wasm" -o "$RUN_DIR/named/named.wasm" &&
     twiggy top -n 20 "$RUN_DIR/named/named.wasm" > "$RUN_DIR/twiggy-top.txt" &&
     twiggy top -n 1000000 -f json "$RUN_DIR/named/named.wasm" > "$RUN_DIR/twiggy-all.json"; then
    "$PY" bench/sizes.py crates "$RUN_DIR/twiggy-all.json" "$RUN_DIR/crates.json"
    TWIGGY_OK=1
  fi
fi
if [ "$TWIGGY_OK" != 1 ]; then
  note "twiggy unavailable: falling back to the wasm's section sizes"
  "$PY" bench/sizes.py sections dist/assets/pkg/hsrc_widget_bg.wasm "$RUN_DIR/sections.json" || true
fi
fi # BENCH_ONLY

# ---- 3. the local Worker with sessions to confirm -----------------------------------------------------------------------

# The browser baseline (bench/baseline-form.html): served by the same Worker for this run only.
cp bench/baseline-form.html dist/assets/bench-baseline.html
step "starting the local Worker (fresh database)"
bash scripts/seed.sh "$RUN_DIR/state" "$RUN_DIR/keys.env"
set -a; source "$RUN_DIR/keys.env"; set +a
# Every confirm needs an open session of its own: enough for the warm-up, the measured runs (with and without an
# Idempotency-Key) and the write-ceiling sweep at well above the rate this machine reaches (the report flags a run
# that ran out).
CONFIRM_SESSIONS="${BENCH_CONFIRM_SESSIONS:-$(( CONFIRM_WARMUP * 400 + 2 * DURATION * 400 + SWEEP_SESSIONS ))}"
[ "$ONLY" = form ] && CONFIRM_SESSIONS=1
python3 bench/sql.py confirm "$CONFIRM_SESSIONS" "http://127.0.0.1" "$RUN_DIR/confirm.sql" "$RUN_DIR/confirm-tokens.txt"
d1 "$RUN_DIR/state" --file "$RUN_DIR/confirm.sql" >/dev/null
# Every bench confirm pays with the same sandbox card across thousands of sessions, 16 at a time: under the default
# per-card budget (10 attempts in flight or declined) the card-testing defence would refuse some of them, which is
# that defence working, not the confirm path this measures. The merchant setting test.sh uses for its shared merchant.
card_budget_for_bench() { d1 "$1" --command "UPDATE merchants SET card_max_declines = 1000 WHERE id = 'mer_sandbox'" >/dev/null; }
card_budget_for_bench "$RUN_DIR/state"
TOKENS_USED=0
take_tokens() { # take_tokens COUNT NAME → $RUN_DIR/confirm-NAME.txt, the next COUNT unused tokens
  sed -n "$(( TOKENS_USED + 1 )),$(( TOKENS_USED + $1 ))p" "$RUN_DIR/confirm-tokens.txt" > "$RUN_DIR/confirm-$2.txt"
  TOKENS_USED=$(( TOKENS_USED + $1 ))
}
take_tokens $(( CONFIRM_WARMUP * 400 )) warmup
take_tokens $(( DURATION * 400 )) main
take_tokens $(( DURATION * 400 )) nokey
[ -n "$ONLY" ] || for c in $SWEEP_CONNECTIONS; do take_tokens $(( SWEEP_DURATION * 300 )) "sweep-$c"; done
note "$CONFIRM_SESSIONS open sessions inserted for the confirm scenarios"
start_worker "$RUN_DIR/state"
note "Worker on $BASE"

printf '%s' '{"amount":12500,"currency":"TRY","return_url":"https://shop.example/thanks","metadata":{"order_id":"bench-1001"}}' > "$RUN_DIR/create.json"
sed -i "s|https://shop.example/thanks|$BASE/demo?returned=1|" "$RUN_DIR/create.json"
printf '%s' '{"payment_method":{"type":"card","card":{"number":"4242424242424242","exp_month":12,"exp_year":2034,"cvc":"123"}},"payer":{"name":"Ayse Yilmaz","email":"ayse@example.com"}}' > "$RUN_DIR/confirm.json"

# ---- 4. browser timing ----------------------------------------------------------------------------------------------

settle
if [ "$ONLY" != confirm ]; then
step "browser timing: $LOADS cold loads of the demo merchant page (headless Chromium)"
HSRC_BASE_URL="$BASE" BENCH_LOADS="$LOADS" BENCH_OUT="$RUN_DIR/browser.json" BENCH_BASELINE_PATH=/assets/bench-baseline.html \
  timeout $(( 120 + LOADS * 30 )) node bench/browser-timing.mjs || die "browser timing failed"
fi
if [ "$ONLY" = form ]; then
  stop_worker
  python3 - "$RUN_DIR" <<'PY' >&2
import json, sys
run = sys.argv[1]
b = json.load(open(f"{run}/browser.json"))["summary"]
o, base = b["script_to_interactive_ms"], b["baseline"]["script_to_interactive_ms"]
print(f"   script tag → card field usable: ours {o['median']} ms (p95 {o['p95']}), baseline {base['median']} ms (p95 {base['p95']});"
      f" ours / baseline {b['ratio']['median']}× (≤ 1.5: {'PASS' if b['ratio']['pass'] else 'FAIL'});"
      f" typed digits kept: ours {b['typed_kept']}/{b['loads']}, baseline {b['baseline']['typed_kept']}/{b['baseline']['loads']}")
PY
  step "done (BENCH_ONLY=form: no report written; raw results in ${BENCH_RAW_DIR:-the run directory, removed})"
  [ -n "${BENCH_RAW_DIR:-}" ] && mkdir -p "$BENCH_RAW_DIR" && cp "$RUN_DIR"/*.json "$BENCH_RAW_DIR"/
  exit 0
fi

# ---- 5. API throughput ----------------------------------------------------------------------------------------------

step "API throughput: ${DURATION}s per scenario after ${WARMUP}s warm-up, $THREADS threads, $CONNECTIONS connections"
LOOKUP_TOKEN="$(create_session)"
curl -sf "$BASE/v1/checkout-sessions/token/$LOOKUP_TOKEN" >/dev/null   # first view fills the KV cache
scenario health "/v1/health"
if [ "$ONLY" != confirm ]; then
scenario token_lookup "/v1/checkout-sessions/token/$LOOKUP_TOKEN"
scenario create "/v1/checkout-sessions" BENCH_METHOD=POST BENCH_AUTH="Bearer $HSRC_SECRET_KEY" BENCH_BODY_FILE="$RUN_DIR/create.json"
scenario create_idempotent "/v1/checkout-sessions" BENCH_METHOD=POST BENCH_AUTH="Bearer $HSRC_SECRET_KEY" \
  BENCH_BODY_FILE="$RUN_DIR/create.json" BENCH_IDEMPOTENT=1
fi
# Confirm as the widget sends it: with an Idempotency-Key (widget/src/net.rs), one fresh session per request.
run_wrk confirm-warmup "$CONFIRM_WARMUP" "/v1/checkout-sessions/token/{token}/confirm" BENCH_METHOD=POST \
  BENCH_BODY_FILE="$RUN_DIR/confirm.json" BENCH_TOKENS="$RUN_DIR/confirm-warmup.txt" BENCH_IDEMPOTENT=1
sleep 3 # the confirms wrk gave up on at the end of the warm-up finish before anything is measured
run_wrk confirm "$DURATION" "/v1/checkout-sessions/token/{token}/confirm" BENCH_METHOD=POST \
  BENCH_BODY_FILE="$RUN_DIR/confirm.json" BENCH_TOKENS="$RUN_DIR/confirm-main.txt" BENCH_IDEMPOTENT=1
# The same without a key (an API client that does not send one).
run_wrk confirm_nokey "$DURATION" "/v1/checkout-sessions/token/{token}/confirm" BENCH_METHOD=POST \
  BENCH_BODY_FILE="$RUN_DIR/confirm.json" BENCH_TOKENS="$RUN_DIR/confirm-nokey.txt"
# Write ceiling: confirms/s and latency as concurrency rises; the knee is where throughput stops growing and only
# latency does (docs/SCALING.md).
[ "$ONLY" = confirm ] || for c in $SWEEP_CONNECTIONS; do
  t=$THREADS; [ "$c" -lt "$t" ] && t=$c
  THREADS=$t CONNECTIONS=$c run_wrk "sweep-$c" "$SWEEP_DURATION" "/v1/checkout-sessions/token/{token}/confirm" BENCH_METHOD=POST \
    BENCH_BODY_FILE="$RUN_DIR/confirm.json" BENCH_TOKENS="$RUN_DIR/confirm-sweep-$c.txt" BENCH_IDEMPOTENT=1
done
# The no-op route again: how much the machine drifted while the scenarios ran.
run_wrk health_end "$DURATION" "/v1/health"
stop_worker
if [ "$ONLY" = confirm ]; then
  python3 - "$RUN_DIR" <<'PY' >&2
import json, sys
run = sys.argv[1]
r = {n: json.load(open(f"{run}/wrk-{n}.json")) for n in ("health", "confirm", "confirm_nokey", "health_end")}
for n in ("confirm", "confirm_nokey"):
    cpu = r["health"]["cpu_ms_per_request"]["total"] / r[n]["cpu_ms_per_request"]["total"]
    # The Worker's own process (the Worker and its local D1), without the dev proxy and wrangler's fixed share.
    worker = {k: r[k]["cpu_ms_per_request"].get("workerd (Worker, D1, KV)", 0) for k in ("health", n)}
    print(f"   {n:<14} {r[n]['rps'] / r['health']['rps']:6.1%} of the no-op route ({r[n]['rps']:.1f} / {r['health']['rps']:.1f} rps;"
          f" by CPU per request {cpu:.1%}; Worker CPU {worker[n]:.2f} ms against {worker['health']:.2f}; no-op at the end {r['health_end']['rps']:.1f} rps), non-2xx {r[n]['non_2xx']}")
PY
  step "done (BENCH_ONLY=confirm: no report written)"
  exit 0
fi

# ---- 5a. retention on local D1 ------------------------------------------------------------------------------------------

# Everything the runs above wrote, aged past both retention windows (events 31 days, idempotency keys 2 days), then
# the cron fired until it has nothing left: rows purged per second of cron time on local workerd + D1.
step "retention job on local D1 (the rows the API runs wrote, aged past the windows)"
retention_rows() {
  # Rows due: events past 30 days with their deliveries and attempts, keys past their expiry.
  local now="CAST(strftime('%s', 'now') AS INTEGER) * 1000" old="SELECT id FROM events WHERE created_at < CAST(strftime('%s', 'now') AS INTEGER) * 1000 - 30 * 86400000"
  d1 "$RUN_DIR/state" --json --command "SELECT (SELECT COUNT(*) FROM events WHERE id IN ($old)) + (SELECT COUNT(*) FROM idempotency_keys WHERE expires_at <= $now) + (SELECT COUNT(*) FROM webhook_deliveries WHERE event_id IN ($old)) + (SELECT COUNT(*) FROM delivery_attempts WHERE event_id IN ($old)) AS n" 2>/dev/null |
    python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["results"][0]["n"])'
}
d1 "$RUN_DIR/state" --command "UPDATE events SET created_at = created_at - 31 * 86400000; UPDATE idempotency_keys SET expires_at = expires_at - 2 * 86400000, locked_at = locked_at - 2 * 86400000" >/dev/null
RET_BEFORE="$(retention_rows)"
start_worker "$RUN_DIR/state"
RET_CALLS=$(( RET_BEFORE / 5000 + 3 ))
[ "$RET_CALLS" -gt 60 ] && RET_CALLS=60
RET_MS=0
RET_TIMES=""
for _ in $(seq 1 "$RET_CALLS"); do
  t0=$(date +%s%N)
  curl -sf --max-time 60 "$BASE/__scheduled?cron=*+*+*+*+*" >/dev/null || die "the cron did not run"
  dt=$(( ($(date +%s%N) - t0) / 1000000 ))
  RET_MS=$(( RET_MS + dt )); RET_TIMES="$RET_TIMES${RET_TIMES:+,}$dt"
done
stop_worker
RET_AFTER="$(retention_rows)"
printf '{"rows_before": %s, "rows_after": %s, "cron_runs": %s, "cron_ms_total": %s, "cron_ms_each": [%s]}\n' \
  "$RET_BEFORE" "$RET_AFTER" "$RET_CALLS" "$RET_MS" "$RET_TIMES" > "$RUN_DIR/retention-d1.json"
note "purged $(( RET_BEFORE - RET_AFTER )) of $RET_BEFORE rows in $RET_CALLS cron runs, ${RET_MS} ms of cron time"

# ---- 5b. two D1 databases ----------------------------------------------------------------------------------------------

# The scale-out unit of docs/SCALING.md: a second database. Two Workers, each with its own local D1, take the same
# confirm load at the same time (half the connections each); compared with one Worker at the full concurrency above.
# On this 2-core machine both share the CPUs, so this shows what a second database buys when the database is the
# limit and what it cannot buy when the CPU is; the simulation (bench/scale_sim.py) carries it to production.
step "two D1 databases: confirm over two Workers at once, $(( TWO_CONNECTIONS / 2 )) connections each"
TWO_PIDS=()
for db in a b; do
  bash scripts/seed.sh "$RUN_DIR/two-$db" "$RUN_DIR/keys.env"
  python3 bench/sql.py confirm $(( SWEEP_DURATION * 300 )) "http://127.0.0.1" "$RUN_DIR/two-$db.sql" "$RUN_DIR/two-$db-tokens.txt"
  d1 "$RUN_DIR/two-$db" --file "$RUN_DIR/two-$db.sql" >/dev/null
  card_budget_for_bench "$RUN_DIR/two-$db" # the same card in every confirm, as above
  start_worker "$RUN_DIR/two-$db"
  eval "TWO_BASE_$db=\$BASE"
  TWO_PIDS+=("$WRANGLER_PID")
  WRANGLER_PID=""
done
half=$(( TWO_CONNECTIONS / 2 ))
LOAD_BEFORE_TWO="$(load_now)"
WRK_PIDS=()
for db in a b; do
  base_var="TWO_BASE_$db"
  env BENCH_OUT="$RUN_DIR/wrk-two-$db.json" BENCH_THREADS=1 BENCH_PATH="/v1/checkout-sessions/token/{token}/confirm" \
    BENCH_METHOD=POST BENCH_BODY_FILE="$RUN_DIR/confirm.json" BENCH_TOKENS="$RUN_DIR/two-$db-tokens.txt" BENCH_IDEMPOTENT=1 \
    timeout $(( SWEEP_DURATION + 60 )) wrk -t1 -c"$half" -d"${SWEEP_DURATION}s" --timeout 5s -s "$ROOT/bench/wrk.lua" \
    "${!base_var}/v1/checkout-sessions/token/{token}/confirm" > "$RUN_DIR/wrk-two-$db.txt" 2>&1 &
  WRK_PIDS+=("$!")
done
for pid in "${WRK_PIDS[@]}"; do wait "$pid" || die "wrk over two databases failed: $(cat "$RUN_DIR"/wrk-two-*.txt)"; done
python3 - "$RUN_DIR" "$LOAD_BEFORE_TWO" "$half" <<'PY' >&2
import json, sys
run, load, half = sys.argv[1], sys.argv[2], int(sys.argv[3])
a, b = (json.load(open(f"{run}/wrk-two-{x}.json")) for x in "ab")
out = {"connections_each": half, "load_average_before": load, "a": a, "b": b, "rps": a["rps"] + b["rps"],
       "non_2xx": a["non_2xx"] + b["non_2xx"], "errors": {k: a["errors"][k] + b["errors"][k] for k in a["errors"]}}
json.dump(out, open(f"{run}/two-dbs.json", "w"), indent=2)
print(f"   two databases: {a['rps']:.1f} + {b['rps']:.1f} = {out['rps']:.1f} confirms/s, non-2xx {out['non_2xx']}")
PY
for pid in "${TWO_PIDS[@]}"; do WRANGLER_PID="$pid"; stop_worker; done

# ---- 6. scaling -------------------------------------------------------------------------------------------------------

step "scaling: sessions in D1 = $SCALE_SIZES (${SCALE_DURATION}s per measurement)"
bash scripts/seed.sh "$RUN_DIR/scale" "$RUN_DIR/keys.env"
printf '[' > "$RUN_DIR/scale.json"
first=1
for size in $SCALE_SIZES; do
  have="$(session_count "$RUN_DIR/scale")"
  if [ "$have" -lt "$size" ]; then
    t0=$(date +%s.%N)
    d1 "$RUN_DIR/scale" --command "$(python3 bench/sql.py fill "$(( have + 1 ))" "$(( size - have ))")" >/dev/null
    fill_s=$(python3 -c "import sys; print(round($(date +%s.%N) - $t0, 1))")
    note "filled $(( size - have )) sessions + payments in ${fill_s}s"
  else
    fill_s=0
  fi
  have="$(session_count "$RUN_DIR/scale")"
  start_worker "$RUN_DIR/scale"
  LOOKUP_TOKEN="$(create_session)"
  curl -sf "$BASE/v1/checkout-sessions/token/$LOOKUP_TOKEN" >/dev/null
  run_wrk "scale-$size-warmup" 1 "/v1/health"
  run_wrk "scale-$size-health" "$SCALE_DURATION" "/v1/health"
  run_wrk "scale-$size-token" "$SCALE_DURATION" "/v1/checkout-sessions/token/$LOOKUP_TOKEN"
  run_wrk "scale-$size-create" "$SCALE_DURATION" "/v1/checkout-sessions" BENCH_METHOD=POST \
    BENCH_AUTH="Bearer $HSRC_SECRET_KEY" BENCH_BODY_FILE="$RUN_DIR/create.json"
  stop_worker
  after="$(session_count "$RUN_DIR/scale")"
  [ "$first" = 1 ] || printf ',' >> "$RUN_DIR/scale.json"
  first=0
  printf '{"size": %s, "sessions_at_start": %s, "sessions_at_end": %s, "fill_seconds": %s}' "$size" "$have" "$after" "$fill_s" >> "$RUN_DIR/scale.json"
done
printf ']\n' >> "$RUN_DIR/scale.json"

# How SQLite runs the hot queries on the largest database: every lookup must be an index SEARCH, never a SCAN.
step "query plans of the hot queries"
python3 - "$RUN_DIR/plans.sql" <<'PY'
import sys
queries = [
    ("token lookup (payer view, confirm)", "SELECT * FROM checkout_sessions s WHERE s.token_hash = 'x'"),
    ("session by id (merchant)", "SELECT * FROM checkout_sessions s WHERE s.id = 'x' AND s.merchant_id = 'm'"),
    ("payment by id", "SELECT * FROM payments p WHERE p.id = 'x'"),
    ("secret key → merchant", "SELECT k.key_hash FROM api_keys k JOIN merchants m ON m.id = k.merchant_id WHERE k.key_hash = 'x' AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > 0)"),
    ("merchant by id", "SELECT * FROM merchants m WHERE m.id = 'x'"),
    ("charges of a payment", "SELECT * FROM charges c WHERE c.payment_id = 'x' ORDER BY c.sequence"),
    ("next charge sequence", "SELECT COALESCE(MAX(sequence), 0) AS n FROM charges WHERE payment_id = 'x'"),
    ("request ids of a payment", "SELECT request_id FROM transitions WHERE entity_id = 'x' ORDER BY id"),
    ("card-testing: declines of a card", "SELECT COUNT(*) AS n FROM card_declines WHERE merchant_id = 'm' AND fingerprint = 'f' AND created_at >= 0"),
    ("card-testing: declines of a session", "SELECT COUNT(*) AS n FROM card_declines WHERE checkout_session_id = 'x'"),
    ("deliveries of new events", "SELECT d.id FROM webhook_deliveries d WHERE d.event_id IN (SELECT value FROM json_each('[]')) AND d.status = 'pending' ORDER BY d.created_at"),
    ("list sessions, newest first", "SELECT * FROM checkout_sessions s WHERE s.merchant_id = 'm' AND ('x' IS NULL OR s.status = 'x') ORDER BY s.rowid DESC LIMIT 11"),
    ("sessions due for expiry (cron)", "SELECT * FROM checkout_sessions s WHERE s.status = 'PENDING' AND s.expires_at <= 0 ORDER BY s.expires_at LIMIT 100"),
]
with open(sys.argv[1], "w") as f:
    import json
    json.dump(queries, f)
PY
python3 - "$RUN_DIR/plans.sql" "$RUN_DIR/plans.json" "$RUN_DIR/scale" <<'PY'
import json, subprocess, sys
queries = json.load(open(sys.argv[1]))
sql = "; ".join("EXPLAIN QUERY PLAN " + q for _, q in queries)
out = subprocess.run(["wrangler", "d1", "execute", "hsrc-checkout", "--local", "--persist-to", sys.argv[3], "--json", "--command", sql],
                     capture_output=True, text=True, timeout=120)
try:
    results = json.loads(out.stdout)
except ValueError:
    results = []
plans = []
for i, (name, q) in enumerate(queries):
    rows = results[i]["results"] if i < len(results) else []
    plans.append({"query": name, "sql": q, "plan": [r.get("detail", "") for r in rows]})
    print(f"   {name:<40} {' / '.join(r.get('detail', '') for r in rows)}", file=sys.stderr)
json.dump(plans, open(sys.argv[2], "w"), indent=2)
PY

python3 bench/index_check.py edge/migrations "$RUN_DIR/index-check.json"

# ---- 6b. D1 growth per paid session, natively ---------------------------------------------------------------------------

if [ "$GROWTH_SESSIONS" -gt 0 ]; then
step "D1 growth: $GROWTH_SESSIONS paid sessions through the request path on SQLite (edge/examples/d1_growth.rs)"
# Optimised but not LTO'd, in its own target directory so the Worker's release settings stay untouched.
CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}/bench-native" CARGO_PROFILE_RELEASE_LTO=false \
  CARGO_PROFILE_RELEASE_OPT_LEVEL=2 CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_PANIC=unwind \
  cargo run --quiet --release -p hsrc-edge --example d1_growth -- "$GROWTH_SESSIONS" $(( GROWTH_SESSIONS / 10 )) "$RUN_DIR/growth.json"
fi

step "simulation: confirm traffic over one and several D1 databases (bench/scale_sim.py)"
python3 bench/scale_sim.py "$RUN_DIR/scale-sim.json"

# ---- 7. report ----------------------------------------------------------------------------------------------------------

step "writing the report"
LOAD_AT_END="$(load_now)"
ELAPSED=$(( $(date +%s) - STARTED_AT ))
cp "$WORKER_LOG" "$RUN_DIR/worker-log-copy.txt" 2>/dev/null || true
cat > "$RUN_DIR/run.json" <<JSON
{"load_at_end": "$LOAD_AT_END", "elapsed": $ELAPSED, "duration": $DURATION, "warmup": $WARMUP, "threads": $THREADS,
 "connections": $CONNECTIONS, "scale_duration": $SCALE_DURATION, "twiggy_version": "$TWIGGY_VERSION"}
JSON
"$PY" bench/report.py "$RUN_DIR" "$OUT_DIR"
if [ -n "${BENCH_RAW_DIR:-}" ]; then   # keep the raw results, e.g. to re-render the report after editing the analysis
  mkdir -p "$BENCH_RAW_DIR" && cp "$RUN_DIR"/*.json "$RUN_DIR"/wrk-*.txt "$RUN_DIR"/twiggy-top.txt "$BENCH_RAW_DIR"/ 2>/dev/null || true
fi
step "done in $(( $(date +%s) - STARTED_AT ))s: $OUT_DIR/BENCHMARKS.md, $OUT_DIR/benchmarks.json"
