#!/usr/bin/env bash
# Installs every tool the project needs, from crates.io, npm and Debian only, and is a fast no-op when all is there.
# Sourced by scripts/dev.sh and scripts/test.sh; safe to run on its own.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

WORKER_BUILD_VERSION=0.8.7
log() { printf '\033[1;34m[bootstrap]\033[0m %s\n' "$*" >&2; }

# Versions other tools must match are read from the lockfiles, never typed twice.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

ensure_apt() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return
  log "apt: installing ${missing[*]}"
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_wasm_target() {
  rustup target list --installed | grep -qx wasm32-unknown-unknown && return
  log "rustup: adding wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
}

# The payer's widget builds on the image's nightly when it is the pinned one (scripts/lib/wasm-bundle.sh): it needs
# rust-src (build-std) and the wasm32 target there too. No nightly, or another one: nothing to do (stable fallback).
ensure_nightly_widget_parts() {
  source "$ROOT/scripts/lib/nightly.env"
  rustup run nightly rustc -vV 2>/dev/null | grep -qx "commit-hash: $WIDGET_NIGHTLY_COMMIT" || return 0
  rustup component list --installed --toolchain nightly 2>/dev/null | grep -q '^rust-src' || {
    log "rustup: adding rust-src to nightly (widget build-std)"
    rustup component add rust-src --toolchain nightly || log "rust-src unavailable: the widget builds on stable"
  }
  rustup target list --installed --toolchain nightly 2>/dev/null | grep -qx wasm32-unknown-unknown || {
    log "rustup: adding wasm32-unknown-unknown to nightly"
    rustup target add wasm32-unknown-unknown --toolchain nightly || log "nightly wasm32 unavailable: the widget builds on stable"
  }
}

ensure_cargo_tool() { # binary crate version [--locked]
  local bin="$1" crate="$2" version="$3" locked="${4:-}"
  if command -v "$bin" >/dev/null 2>&1 && "$bin" --version 2>/dev/null | grep -qw -- "$version"; then return; fi
  log "cargo install $crate $version (a few minutes, once per machine)"
  cargo install "$crate" --version "=$version" $locked --quiet
}

ensure_npm() {
  # npm ci is skipped when node_modules already holds every package of the lockfile at its locked version (npm's own
  # record of what it installed, node_modules/.package-lock.json; optional packages for other platforms may be absent).
  if [ -x node_modules/.bin/wrangler ] && python3 - <<'PY'
import json, sys
try:
    want = json.load(open("package-lock.json"))["packages"]
    have = json.load(open("node_modules/.package-lock.json"))["packages"]
except (OSError, ValueError, KeyError):
    sys.exit(1)
for path, meta in want.items():
    if not path:
        continue
    got = have.get(path)
    if got is None and meta.get("optional"):
        continue
    if got is None or got.get("version") != meta.get("version"):
        sys.exit(1)
PY
  then
    return
  fi
  log "npm ci (wrangler, Node 22, binaryen, playwright-core)"
  npm ci --no-audit --no-fund --loglevel=error
}

export PATH="$HOME/.cargo/bin:$PATH"
ensure_apt chromium chromium-driver wrk ca-certificates
ensure_wasm_target
ensure_nightly_widget_parts
ensure_npm
ensure_cargo_tool worker-build worker-build "$WORKER_BUILD_VERSION" --locked
ensure_cargo_tool wasm-bindgen wasm-bindgen-cli "$(wasm_bindgen_version)"

# Node 22 from npm goes first so wrangler's `#!/usr/bin/env node` finds it; worker-build reads the *_BIN overrides
# instead of downloading wasm-bindgen and wasm-opt from GitHub.
export PATH="$ROOT/node_modules/.bin:$PATH"
export WASM_BINDGEN_BIN="$(command -v wasm-bindgen)"
export WASM_OPT_BIN="$ROOT/node_modules/.bin/wasm-opt"
export ESBUILD_BIN="$ROOT/node_modules/.bin/esbuild"
export WRANGLER_SEND_METRICS=false
log "toolchain ready (node $(node --version), wrangler $(wrangler --version 2>/dev/null | tail -1), wasm-bindgen $(wasm-bindgen --version | cut -d' ' -f2))"
