#!/usr/bin/env bash
# Applies the D1 migrations to a local database and seeds the sandbox merchant with its test keys.
# Usage: scripts/seed.sh <persist-dir> <keys-file>   (keys are generated once per keys file and kept)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PERSIST="$1"
KEYS="$2"
cd "$ROOT"
source scripts/bootstrap.sh 2>/dev/null
if [ ! -f "$KEYS" ]; then
  mkdir -p "$(dirname "$KEYS")"
  rand() { python3 -c 'import secrets; print(secrets.token_hex(24))'; }
  printf 'HSRC_SECRET_KEY=sk_test_%s\nHSRC_PUBLISHABLE_KEY=pk_test_%s\n' "$(rand)" "$(rand)" > "$KEYS"
  chmod 600 "$KEYS"
fi
# Extra merchants for the hardening end-to-end tests, so attacks that lock a card, a key or a budget never touch
# the sandbox merchant the other tests share: guard (card testing), roll (key rotation), flood (per-key limit),
# live (live mode), keys (key list/revoke), cardtest and clienttest (the card-testing runs of tests/tests/security.rs).
for name in GUARD ROLL FLOOD LIVE KEYS CARDTEST CLIENTTEST; do
  if ! grep -q "^HSRC_${name}_SECRET_KEY=" "$KEYS"; then
    mode=test; [ "$name" = LIVE ] && mode=live
    printf 'HSRC_%s_SECRET_KEY=sk_%s_%s\nHSRC_%s_PUBLISHABLE_KEY=pk_%s_%s\n' "$name" "$mode" "$(python3 -c 'import secrets; print(secrets.token_hex(24))')" \
      "$name" "$mode" "$(python3 -c 'import secrets; print(secrets.token_hex(24))')" >> "$KEYS"
  fi
done
# shellcheck disable=SC1090
source "$KEYS"
CI=true wrangler d1 migrations apply hsrc-checkout --local --persist-to "$PERSIST" >/dev/null
sql="$(mktemp)"
cargo run --quiet -p hsrc-edge --bin hsrc-admin -- seed-sql mer_sandbox "HSRC Demo Store" "$HSRC_SECRET_KEY" "$HSRC_PUBLISHABLE_KEY" > "$sql"
for name in GUARD ROLL FLOOD LIVE KEYS CARDTEST CLIENTTEST; do
  sk="HSRC_${name}_SECRET_KEY"; pk="HSRC_${name}_PUBLISHABLE_KEY"
  id="mer_$(echo "$name" | tr '[:upper:]' '[:lower:]')"
  cargo run --quiet -p hsrc-edge --bin hsrc-admin -- seed-sql "$id" "Hardening $name" "${!sk}" "${!pk}" >> "$sql"
done
wrangler d1 execute hsrc-checkout --local --persist-to "$PERSIST" --file "$sql" >/dev/null
rm -f "$sql"
