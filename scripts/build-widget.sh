#!/usr/bin/env bash
# Builds the checkout widget (Leptos CSR → wasm) and the static assets into dist/assets, the Worker's assets
# directory:
#   dist/assets/pkg/hsrc_widget.js, dist/assets/pkg/hsrc_widget_bg.wasm         the checkout form
#   dist/assets/pkg/hsrc_challenge.js, dist/assets/pkg/hsrc_challenge_bg.wasm   the sandbox 3DS challenge page
#   dist/assets/pkg/hsrc_card.js, dist/assets/pkg/hsrc_card_bg.wasm             the card element (`card-element`)
#     (the same crate with its `challenge` feature; boot.js picks one by path)  (wasm-bindgen --target web, wasm-opt -Oz,
#     glue minified by esbuild)
#   dist/assets/{checkout.html,boot.js,checkout.css,checkout.js,demo.*}    (copied from static/, SRI hashes filled in)
# Offline: uses the wasm-bindgen CLI, node_modules/.bin/wasm-opt and node_modules/.bin/esbuild that scripts/bootstrap.sh
# installed. Idempotent; when a bundle's wasm did not change, wasm-bindgen, wasm-opt and esbuild are skipped for it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
log() { printf '\033[1;35m[build-widget]\033[0m %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
source "$ROOT/scripts/lib/wasm-bundle.sh"

OUT="$ROOT/dist/assets"
PKG="$OUT/pkg"
mkdir -p "$PKG" "$WASM_TARGET_DIR/bundles"
# Builds one bundle: `bundle <name> [cargo flags]` → $PKG/<name>.js and $PKG/<name>_bg.wasm. Both bundles are the
# one crate, so cargo writes the same hsrc_widget.wasm for each: copy it out before the next build.
bundle() {
  local name="$1"; shift
  log "cargo build $name (wasm32, release)"
  local out
  out="$(widget_cargo_build -p hsrc-widget "$@")"
  cp "$out/hsrc_widget.wasm" "$WASM_TARGET_DIR/bundles/$name.wasm"
  wasm_package "$name" "$WASM_TARGET_DIR/bundles/$name.wasm" "$PKG"
}
# The form last, so target/widget{-nightly,}/…/hsrc_widget.wasm is the form's (twiggy and the size notes read it).
bundle hsrc_challenge --features challenge
bundle hsrc_card --features card-element
bundle hsrc_widget
rm -f "$PKG/.stamp"

log "static assets → $OUT"
mkdir -p "$OUT"
cp -p static/* "$OUT/"
# boot.js counts in the form's size budget: minified like the JS glue (its source keeps its comments).
esbuild static/boot.js --minify --format=esm --log-level=warning --outfile="$OUT/boot.js" --allow-overwrite

# Subresource Integrity: fill the placeholders in the HTML shells with the hashes of what we serve.
# boot.js carries the challenge bundle's hash (it adds that preload itself), so it is filled before its own hash.
sed -i -e "s|__SRI_CHALLENGE_JS__|$(sri "$PKG/hsrc_challenge.js")|" "$OUT/boot.js"
# The loader carries the hash of the API-only elements script it fetches on first use (before its own hash is taken).
sed -i -e "s|__SRI_ELEMENTS_JS__|$(sri "$OUT/elements.js")|" "$OUT/checkout.js"
sed -i \
  -e "s|__SRI_CHECKOUT_CSS__|$(sri "$OUT/checkout.css")|" \
  -e "s|__SRI_WIDGET_JS__|$(sri "$PKG/hsrc_widget.js")|" \
  -e "s|__SRI_BOOT_JS__|$(sri "$OUT/boot.js")|" \
  "$OUT/checkout.html"
sed -i \
  -e "s|__SRI_CHECKOUT_CSS__|$(sri "$OUT/checkout.css")|" \
  -e "s|__SRI_CARD_JS__|$(sri "$PKG/hsrc_card.js")|" \
  -e "s|__SRI_CARD_BOOT_JS__|$(sri "$OUT/card-boot.js")|" \
  "$OUT/card.html"
sed -i \
  -e "s|__SRI_CUSTOM_CSS__|$(sri "$OUT/demo.css")|" \
  -e "s|__SRI_CUSTOM_JS__|$(sri "$OUT/custom.js")|" \
  -e "s|__SRI_LOADER_JS__|$(sri "$OUT/checkout.js")|" \
  "$OUT/custom.html"
sed -i \
  -e "s|__SRI_DEMO_CSS__|$(sri "$OUT/demo.css")|" \
  -e "s|__SRI_DEMO_JS__|$(sri "$OUT/demo.js")|" \
  -e "s|__SRI_LOADER_JS__|$(sri "$OUT/checkout.js")|" \
  "$OUT/demo.html"

log "sizes (gzip -9): loader $(gz "$OUT/checkout.js") B, wasm $(gz "$PKG/hsrc_widget_bg.wasm") B, JS glue $(gz "$PKG/hsrc_widget.js") B, boot $(gz "$OUT/boot.js") B, CSS $(gz "$OUT/checkout.css") B; 3DS challenge page: wasm $(gz "$PKG/hsrc_challenge_bg.wasm") B, JS glue $(gz "$PKG/hsrc_challenge.js") B; card element: wasm $(gz "$PKG/hsrc_card_bg.wasm") B, JS glue $(gz "$PKG/hsrc_card.js") B, elements.js $(gz "$OUT/elements.js") B"
