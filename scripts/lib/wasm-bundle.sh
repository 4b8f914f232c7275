# Shared by scripts/build-widget.sh and scripts/build-ops.sh (sourced, not run): builds one Leptos crate to wasm and
# packages it as an ES-module bundle, offline, with the tools scripts/bootstrap.sh installed.
#   wasm_cargo_build <cargo args…>          cargo build for wasm32 in $WASM_TARGET_DIR with the shared RUSTFLAGS
#   wasm_package <name> <raw.wasm> <pkg>    → <pkg>/<name>.js + <pkg>/<name>_bg.wasm (skipped when unchanged)
#   sri <file>                              the Subresource Integrity value of a file
# Callers define log() and die() first.

export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# Both bundles build in one target directory with the same flags, so Leptos is compiled once and neither build
# invalidates the other. `--cfg erase_components` type-erases Leptos views (smaller wasm); `--remap-path-prefix`
# shortens the registry paths embedded in panic locations and makes the output independent of $CARGO_HOME.
WASM_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}/widget"
WASM_RUSTFLAGS="${RUSTFLAGS:-} --cfg erase_components --remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}/registry/src/index.crates.io-1949cf8c6b5b557f=c --remap-path-prefix=/rustc/$(rustc -vV | sed -n 's/^commit-hash: //p')=r"
# binaryen's passes: -Oz after merging similar functions and two rounds of flatten + re-loop (which rebuild the
# control flow that -Oz then shrinks further), until nothing changes: the form's wasm 1.4 KB gzipped smaller than
# -Oz alone, ≈ 20 s per bundle. (Measured on the form: -Oz --converge −0.2 KB, one flatten/re-loop round −1.1 KB,
# -O4 first worse; `--closed-world` passes are not used: wasm-bindgen's JS calls into the function table.)
WASM_OPT_PASSES=(--merge-similar-functions --flatten --rereloop -Oz --flatten --rereloop -Oz -Oz --converge)
# Features current rustc emits for wasm32-unknown-unknown; binaryen must accept them.
WASM_OPT_FEATURES=(--enable-bulk-memory --enable-bulk-memory-opt --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --enable-reference-types --enable-multivalue)

for tool in wasm-opt wasm-dis wasm-as esbuild; do
  [ -x "$ROOT/node_modules/.bin/$tool" ] || die "node_modules/.bin/$tool not found: run scripts/bootstrap.sh"
done
command -v wasm-bindgen >/dev/null || die "wasm-bindgen not found: run scripts/bootstrap.sh"
# The CLI must be exactly the wasm-bindgen the crate links against, or the glue does not match the module.
WASM_BINDGEN_LOCK="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock")"
WASM_BINDGEN_CLI="$(wasm-bindgen --version | awk '{ print $2 }')"
[ "$WASM_BINDGEN_LOCK" = "$WASM_BINDGEN_CLI" ] || die "wasm-bindgen CLI $WASM_BINDGEN_CLI != $WASM_BINDGEN_LOCK in Cargo.lock"

wasm_cargo_build() {
  RUSTFLAGS="$WASM_RUSTFLAGS" CARGO_TARGET_DIR="$WASM_TARGET_DIR" cargo build --lib --target wasm32-unknown-unknown --release "$@"
}

# The payer's widget on the pinned nightly (scripts/lib/nightly.env, TOOLCHAIN.md "Nightly for the widget"): std
# rebuilt for size (`-Zbuild-std`, std's `optimize_for_size` feature: smaller sort/fmt/string code) with panics that
# abort at once (no panic message or formatting machinery),
# no panic locations and no `Debug` output (the widget prints `Debug` nowhere; only its native tests do).
# ≈ 16 KB gzipped less than stable. Falls back to the stable build when that nightly, its rust-src or its wasm32
# target is missing, or when HSRC_WIDGET_TOOLCHAIN=stable. Its own target directory, so the stable builds (ops
# console, fallback) keep theirs warm.
source "$ROOT/scripts/lib/nightly.env"
WIDGET_NIGHTLY_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}/widget-nightly"
# Each answer is read whole before it is searched: `rustup … | grep -q` under the callers' `pipefail` failed whenever
# grep stopped reading first (rustup then dies of SIGPIPE), which silently built the stable fallback now and then.
widget_toolchain() {
  [ "${HSRC_WIDGET_TOOLCHAIN:-nightly}" = "stable" ] && { echo stable; return; }
  local version components targets
  version="$(rustup run nightly rustc -vV 2>/dev/null || true)"
  components="$(rustup component list --installed --toolchain nightly 2>/dev/null || true)"
  targets="$(rustup target list --installed --toolchain nightly 2>/dev/null || true)"
  grep -qx "commit-hash: $WIDGET_NIGHTLY_COMMIT" <<<"$version" || { echo stable; return; }
  grep -q '^rust-src' <<<"$components" || { echo stable; return; }
  grep -qx wasm32-unknown-unknown <<<"$targets" || { echo stable; return; }
  echo nightly
}
# → the raw wasm's directory (…/wasm32-unknown-unknown/release) of the build it ran.
widget_cargo_build() {
  if [ "$(widget_toolchain)" = nightly ]; then
    local sysroot
    sysroot="$(rustup run nightly rustc --print sysroot)"
    log "toolchain: nightly $WIDGET_NIGHTLY_COMMIT (build-std, immediate-abort panics)" >&2
    RUSTFLAGS="${RUSTFLAGS:-} --cfg erase_components -Cpanic=immediate-abort -Zunstable-options -Zlocation-detail=none -Zfmt-debug=none --remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}/registry/src/index.crates.io-1949cf8c6b5b557f=c --remap-path-prefix=$sysroot/lib/rustlib/src/rust=r" \
      CARGO_TARGET_DIR="$WIDGET_NIGHTLY_TARGET_DIR" rustup run nightly cargo build --lib --target wasm32-unknown-unknown \
      --release -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size "$@" >&2
    echo "$WIDGET_NIGHTLY_TARGET_DIR/wasm32-unknown-unknown/release"
  else
    log "toolchain: stable (fallback: the pinned nightly, its rust-src or wasm32 target is missing)" >&2
    wasm_cargo_build "$@" >&2
    echo "$WASM_TARGET_DIR/wasm32-unknown-unknown/release"
  fi
}

wasm_package() {
  local name="$1" raw="$2" pkg="$3"
  mkdir -p "$pkg"
  local stamp="$pkg/.stamp-$name" want_stamp
  want_stamp="$(sha256sum "$raw" | cut -d' ' -f1) wasm-bindgen-$WASM_BINDGEN_CLI $(wasm-opt --version | tr -d '\n') ${WASM_OPT_FEATURES[*]} ${WASM_OPT_PASSES[*]} esbuild-$(esbuild --version) strip-wasm-streams-glue strip-streams-table"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want_stamp" ] && [ -f "$pkg/$name.js" ] && [ -f "$pkg/${name}_bg.wasm" ]; then
    log "$name wasm unchanged: keeping $pkg/$name*"
    return
  fi
  local tmp
  tmp="$(mktemp -d)"
  log "$name: wasm-bindgen --target web"
  wasm-bindgen --target web --no-typescript --out-dir "$tmp" --out-name "$name" "$raw"
  # Leptos always builds server_fn with its `browser` feature, whose wasm-streams dependency exports JS stream
  # adapters our apps never create (they have no server functions): scripts/lib/strip_streams.py drops those
  # exports and the table slots of their futures, so wasm-opt removes their code (≈ 6 KB gzipped of the form).
  # Each step on its own line, so `set -e` stops the build when one fails (a half-written text form must never
  # become a bundle).
  wasm-dis "${WASM_OPT_FEATURES[@]}" "$tmp/${name}_bg.wasm" -o "$tmp/module.wat"
  local cut
  cut="$(python3 "$ROOT/scripts/lib/strip_streams.py" "$tmp/module.wat" "$tmp/stripped.wat")"
  log "$name: cut unused wasm-streams code ($cut)"
  wasm-as "${WASM_OPT_FEATURES[@]}" "$tmp/stripped.wat" -o "$tmp/${name}_bg.wasm"
  log "$name: wasm-opt ${WASM_OPT_PASSES[*]}"
  wasm-opt "${WASM_OPT_PASSES[@]}" "${WASM_OPT_FEATURES[@]}" "$tmp/${name}_bg.wasm" -o "$tmp/${name}_bg.opt.wasm"
  # Their JS classes go too (never constructed: nothing can create one without the exports), with their
  # finalizers and dispose hooks; if anything of them survives the cut, the glue stays as wasm-bindgen wrote it.
  awk '
    /^export class IntoUnderlying/ { skip = 1 }
    skip { if ($0 ~ /^}/) skip = 0; next }
    /^if \(Symbol\.dispose\) IntoUnderlying/ { next }
    /^const IntoUnderlying[A-Za-z]*Finalization = / { fin = 1 }
    fin { if ($0 ~ /;[[:space:]]*$/) fin = 0; next }
    { print }' "$tmp/$name.js" > "$tmp/$name.cut.js"
  if grep -q IntoUnderlying "$tmp/$name.cut.js"; then
    log "$name: wasm-streams glue not recognised, kept"
  else
    mv "$tmp/$name.cut.js" "$tmp/$name.js"
  fi
  # The JS glue is downloaded too: minified (still an ES module, exports and import.meta.url kept).
  log "$name: esbuild --minify (JS glue)"
  esbuild "$tmp/$name.js" --minify --format=esm --log-level=warning --outfile="$tmp/$name.min.js"
  mv "$tmp/${name}_bg.opt.wasm" "$pkg/${name}_bg.wasm"
  mv "$tmp/$name.min.js" "$pkg/$name.js"
  rm -rf "$tmp"
  printf '%s' "$want_stamp" > "$stamp"
}

sri() { printf 'sha384-%s' "$(openssl dgst -sha384 -binary "$1" | openssl base64 -A)"; }
gz() { gzip -9 -c "$1" | wc -c; }
