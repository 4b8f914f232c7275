#!/usr/bin/env bash
# Builds the checkout widget (Leptos CSR → wasm) and the static assets into dist/assets, the Worker's assets
# directory:
#   dist/assets/pkg/hsrc_widget.js, dist/assets/pkg/hsrc_widget_bg.wasm         the checkout form
#   dist/assets/pkg/hsrc_challenge.js, dist/assets/pkg/hsrc_challenge_bg.wasm   the sandbox 3DS challenge page
#     (the same crate with its `challenge` feature; boot.js picks one by path)  (wasm-bindgen --target web, wasm-opt -Oz,
#     glue minified by esbuild)
#   dist/assets/{checkout.html,boot.js,checkout.css,checkout.js,demo.*}    (copied from static/, SRI hashes filled in)
# Offline: uses the wasm-bindgen CLI, node_modules/.bin/wasm-opt and node_modules/.bin/esbuild that scripts/bootstrap.sh
# installed. Idempotent; when a bundle's wasm did not change, wasm-bindgen, wasm-opt and esbuild are skipped for it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"

OUT="$ROOT/dist/assets"
PKG="$OUT/pkg"
# Own target directory: the widget builds with `--cfg erase_components` (Leptos type-erases views and attributes,
# about 8 KB gzipped less wasm), and RUSTFLAGS differing from the edge's build in a shared directory would make
# the two rebuild each other's dependencies. It also keeps this build off the edge build's directory lock.
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}/widget"
WASM="$TARGET_DIR/wasm32-unknown-unknown/release/hsrc_widget.wasm"
# Features current rustc emits for wasm32-unknown-unknown; wasm-opt must accept them.
WASM_OPT_FEATURES=(--enable-bulk-memory --enable-bulk-memory-opt --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --enable-reference-types --enable-multivalue)

log() { printf '\033[1;35m[build-widget]\033[0m %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

command -v wasm-bindgen >/dev/null || die "wasm-bindgen not found: run scripts/bootstrap.sh"
[ -x node_modules/.bin/wasm-opt ] || die "node_modules/.bin/wasm-opt not found: run scripts/bootstrap.sh"
[ -x node_modules/.bin/wasm-dis ] && [ -x node_modules/.bin/wasm-as ] || die "binaryen's wasm-dis/wasm-as not found: run scripts/bootstrap.sh"
[ -x node_modules/.bin/esbuild ] || die "node_modules/.bin/esbuild not found: run scripts/bootstrap.sh"

# The CLI must be exactly the wasm-bindgen the crate links against, or the glue does not match the module.
lock_version="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
cli_version="$(wasm-bindgen --version | awk '{ print $2 }')"
[ "$lock_version" = "$cli_version" ] || die "wasm-bindgen CLI $cli_version != $lock_version in Cargo.lock"

mkdir -p "$PKG" "$TARGET_DIR/bundles"
# Builds one bundle: `bundle <name> [cargo flags]` → $PKG/<name>.js and $PKG/<name>_bg.wasm. Both bundles are the
# one crate, so cargo writes the same hsrc_widget.wasm for each: copy it out before the next build.
# `--remap-path-prefix` shortens the registry paths that panic locations embed (`c/tachys-…/src/…`; about 0.1 KB
# gzipped, and the output no longer depends on $CARGO_HOME). scripts/build-ops.sh must pass the very same RUSTFLAGS:
# both build in $TARGET_DIR, and differing flags would rebuild each other's dependencies.
bundle() {
  local name="$1"; shift
  log "cargo build $name (wasm32, release)"
  RUSTFLAGS="${RUSTFLAGS:-} --cfg erase_components --remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}/registry/src/index.crates.io-1949cf8c6b5b557f=c --remap-path-prefix=/rustc/$(rustc -vV | sed -n 's/^commit-hash: //p')=r" CARGO_TARGET_DIR="$TARGET_DIR" \
    cargo build -p hsrc-widget --lib --target wasm32-unknown-unknown --release "$@"
  local raw="$TARGET_DIR/bundles/$name.wasm"
  cp "$WASM" "$raw"
  local stamp="$PKG/.stamp-$name"
  local want_stamp
  want_stamp="$(sha256sum "$raw" | cut -d' ' -f1) wasm-bindgen-$cli_version $(wasm-opt --version | tr -d '\n') ${WASM_OPT_FEATURES[*]} esbuild-$(esbuild --version) strip-wasm-streams"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want_stamp" ] && [ -f "$PKG/$name.js" ] && [ -f "$PKG/${name}_bg.wasm" ]; then
    log "$name wasm unchanged: keeping $PKG/$name*"
    return
  fi
  local tmp
  tmp="$(mktemp -d)"
  log "$name: wasm-bindgen --target web"
  wasm-bindgen --target web --no-typescript --out-dir "$tmp" --out-name "$name" "$raw"
  # Leptos always builds server_fn with its `browser` feature, whose wasm-streams dependency exports JS stream
  # adapters (IntoUnderlyingSource/Sink/ByteSource) from the module. Exports survive LTO, and this app never creates
  # one (it has no server functions), so drop those exports and let wasm-opt remove their code (≈ 1.9 KB gzipped).
  # The glue keeps the never-constructed classes; nothing else in it refers to these exports.
  log "$name: drop unused wasm-streams exports"
  wasm-dis "${WASM_OPT_FEATURES[@]}" "$tmp/${name}_bg.wasm" -o "$tmp/module.wat"
  grep -v '^ (export "\(__wbg_\)\?intounderlying' "$tmp/module.wat" > "$tmp/stripped.wat" || true
  wasm-as "${WASM_OPT_FEATURES[@]}" "$tmp/stripped.wat" -o "$tmp/${name}_bg.wasm"
  log "$name: wasm-opt -Oz"
  wasm-opt -Oz "${WASM_OPT_FEATURES[@]}" "$tmp/${name}_bg.wasm" -o "$tmp/${name}_bg.opt.wasm"
  # The JS glue counts against the budget too: minified (an ES module still, exports and import.meta.url kept).
  log "$name: esbuild --minify (JS glue)"
  esbuild "$tmp/$name.js" --minify --format=esm --log-level=warning --outfile="$tmp/$name.min.js"
  mv "$tmp/${name}_bg.opt.wasm" "$PKG/${name}_bg.wasm"
  mv "$tmp/$name.min.js" "$PKG/$name.js"
  rm -rf "$tmp"
  printf '%s' "$want_stamp" > "$stamp"
}
# The form last, so target/widget/…/hsrc_widget.wasm is the form's (twiggy and the size notes read it there).
bundle hsrc_challenge --features challenge
bundle hsrc_widget
rm -f "$PKG/.stamp"

log "static assets → $OUT"
mkdir -p "$OUT"
cp -p static/* "$OUT/"

# Subresource Integrity: fill the placeholders in the HTML shells with the hashes of what we serve.
sri() { printf 'sha384-%s' "$(openssl dgst -sha384 -binary "$1" | openssl base64 -A)"; }
# boot.js carries the challenge bundle's hash (it adds that preload itself), so it is filled before its own hash.
sed -i -e "s|__SRI_CHALLENGE_JS__|$(sri "$PKG/hsrc_challenge.js")|" "$OUT/boot.js"
sed -i \
  -e "s|__SRI_CHECKOUT_CSS__|$(sri "$OUT/checkout.css")|" \
  -e "s|__SRI_WIDGET_JS__|$(sri "$PKG/hsrc_widget.js")|" \
  -e "s|__SRI_BOOT_JS__|$(sri "$OUT/boot.js")|" \
  "$OUT/checkout.html"
sed -i \
  -e "s|__SRI_DEMO_CSS__|$(sri "$OUT/demo.css")|" \
  -e "s|__SRI_DEMO_JS__|$(sri "$OUT/demo.js")|" \
  -e "s|__SRI_LOADER_JS__|$(sri "$OUT/checkout.js")|" \
  "$OUT/demo.html"

gz() { gzip -9 -c "$1" | wc -c; }
log "sizes (gzip -9): loader $(gz "$OUT/checkout.js") B, wasm $(gz "$PKG/hsrc_widget_bg.wasm") B, JS glue $(gz "$PKG/hsrc_widget.js") B, boot $(gz "$OUT/boot.js") B, CSS $(gz "$OUT/checkout.css") B; 3DS challenge page: wasm $(gz "$PKG/hsrc_challenge_bg.wasm") B, JS glue $(gz "$PKG/hsrc_challenge.js") B"
