#!/usr/bin/env bash
# Builds the operations console (widget/ops, Leptos CSR → wasm) as its own bundle, so the payer's checkout widget
# carries none of it:
#   dist/assets/pkg/hsrc_ops.js, dist/assets/pkg/hsrc_ops_bg.wasm   (wasm-bindgen --target web, wasm-opt -Oz)
#   dist/assets/{ops.html,ops-boot.js,ops.css}                      (copied from static/, SRI hashes filled in)
# Same offline flow as scripts/build-widget.sh (wasm-bindgen CLI and node_modules/.bin/wasm-opt from bootstrap.sh);
# skips wasm-bindgen and wasm-opt when the wasm did not change. Run after build-widget.sh (scripts/build.sh does).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"

OUT="$ROOT/dist/assets"
PKG="$OUT/pkg"
# The widget's target directory and flags (`--cfg erase_components`): the two bundles share their compiled
# dependencies (Leptos is built once), and the console gets the same type-erased, smaller views.
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}/widget"
WASM="$TARGET_DIR/wasm32-unknown-unknown/release/hsrc_ops.wasm"
WASM_OPT_FEATURES=(--enable-bulk-memory --enable-bulk-memory-opt --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --enable-reference-types --enable-multivalue)

log() { printf '\033[1;36m[build-ops]\033[0m %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

command -v wasm-bindgen >/dev/null || die "wasm-bindgen not found: run scripts/bootstrap.sh"
[ -x node_modules/.bin/wasm-opt ] || die "node_modules/.bin/wasm-opt not found: run scripts/bootstrap.sh"
lock_version="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
cli_version="$(wasm-bindgen --version | awk '{ print $2 }')"
[ "$lock_version" = "$cli_version" ] || die "wasm-bindgen CLI $cli_version != $lock_version in Cargo.lock"

log "cargo build (wasm32, release)"
RUSTFLAGS="${RUSTFLAGS:-} --cfg erase_components --remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}/registry/src/index.crates.io-1949cf8c6b5b557f=c --remap-path-prefix=/rustc/$(rustc -vV | sed -n 's/^commit-hash: //p')=r" CARGO_TARGET_DIR="$TARGET_DIR" \
  cargo build -p hsrc-ops --lib --target wasm32-unknown-unknown --release

stamp="$PKG/.stamp-ops"
want_stamp="$(sha256sum "$WASM" | cut -d' ' -f1) wasm-bindgen-$cli_version $(wasm-opt --version | tr -d '\n') ${WASM_OPT_FEATURES[*]}"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want_stamp" ] && [ -f "$PKG/hsrc_ops.js" ] && [ -f "$PKG/hsrc_ops_bg.wasm" ]; then
  log "wasm unchanged: keeping $PKG/hsrc_ops*"
else
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  log "wasm-bindgen --target web"
  wasm-bindgen --target web --no-typescript --out-dir "$tmp" --out-name hsrc_ops "$WASM"
  log "wasm-opt -Oz"
  wasm-opt -Oz "${WASM_OPT_FEATURES[@]}" "$tmp/hsrc_ops_bg.wasm" -o "$tmp/hsrc_ops_bg.opt.wasm"
  mkdir -p "$PKG"
  mv "$tmp/hsrc_ops_bg.opt.wasm" "$PKG/hsrc_ops_bg.wasm"
  mv "$tmp/hsrc_ops.js" "$PKG/hsrc_ops.js"
  printf '%s' "$want_stamp" > "$stamp"
fi

log "console shell → $OUT"
cp -p static/ops.html static/ops.css static/ops-boot.js "$OUT/"
sri() { printf 'sha384-%s' "$(openssl dgst -sha384 -binary "$1" | openssl base64 -A)"; }
sed -i \
  -e "s|__SRI_OPS_CSS__|$(sri "$OUT/ops.css")|" \
  -e "s|__SRI_OPS_JS__|$(sri "$PKG/hsrc_ops.js")|" \
  -e "s|__SRI_OPS_BOOT_JS__|$(sri "$OUT/ops-boot.js")|" \
  "$OUT/ops.html"

gz() { gzip -9 -c "$1" | wc -c; }
log "sizes (gzip -9): wasm $(gz "$PKG/hsrc_ops_bg.wasm") B, JS glue $(gz "$PKG/hsrc_ops.js") B, boot $(gz "$OUT/ops-boot.js") B, CSS $(gz "$OUT/ops.css") B"
