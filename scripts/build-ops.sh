#!/usr/bin/env bash
# Builds the operations console (widget/ops, Leptos CSR → wasm) as its own bundle, so the payer's checkout widget
# carries none of it:
#   dist/assets/pkg/hsrc_ops.js, dist/assets/pkg/hsrc_ops_bg.wasm   (scripts/lib/wasm-bundle.sh: wasm-bindgen, wasm-opt -Oz)
#   dist/assets/{ops.html,ops-boot.js,ops.css}                      (copied from static/, SRI hashes filled in)
# Same offline packaging as the widget (scripts/lib/wasm-bundle.sh); skipped when the wasm did not change.
# Run after build-widget.sh (scripts/build.sh does).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
log() { printf '\033[1;36m[build-ops]\033[0m %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
source "$ROOT/scripts/lib/wasm-bundle.sh"

OUT="$ROOT/dist/assets"
PKG="$OUT/pkg"

log "cargo build (wasm32, release)"
wasm_cargo_build -p hsrc-ops
wasm_package hsrc_ops "$WASM_TARGET_DIR/wasm32-unknown-unknown/release/hsrc_ops.wasm" "$PKG"

log "console shell → $OUT"
cp -p static/ops.html static/ops.css static/ops-boot.js "$OUT/"
sed -i \
  -e "s|__SRI_OPS_CSS__|$(sri "$OUT/ops.css")|" \
  -e "s|__SRI_OPS_JS__|$(sri "$PKG/hsrc_ops.js")|" \
  -e "s|__SRI_OPS_BOOT_JS__|$(sri "$OUT/ops-boot.js")|" \
  "$OUT/ops.html"

log "sizes (gzip -9): wasm $(gz "$PKG/hsrc_ops_bg.wasm") B, JS glue $(gz "$PKG/hsrc_ops.js") B, boot $(gz "$OUT/ops-boot.js") B, CSS $(gz "$OUT/ops.css") B"
