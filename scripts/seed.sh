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
# shellcheck disable=SC1090
source "$KEYS"
CI=true wrangler d1 migrations apply hsrc-checkout --local --persist-to "$PERSIST" >/dev/null
sql="$(mktemp)"
cargo run --quiet -p hsrc-edge --bin hsrc-admin -- seed-sql mer_sandbox "HSRC Demo Store" "$HSRC_SECRET_KEY" "$HSRC_PUBLISHABLE_KEY" > "$sql"
wrangler d1 execute hsrc-checkout --local --persist-to "$PERSIST" --file "$sql" >/dev/null
rm -f "$sql"
