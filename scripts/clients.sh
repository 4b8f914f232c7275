#!/usr/bin/env bash
# Clients generated from the live OpenAPI document, as a merchant on another stack would make them:
# - Python with openapi-python-client (pinned in tests/clients/requirements.txt, installed once into .venv-clients),
#   `--fail-on-warning` so a schema it cannot read fails here; the generated package then drives create session →
#   confirm → get payment → list events against the local Worker (tests/clients/drive.py).
# - TypeScript types with openapi-typescript (pinned in package.json), type-checked by tsc against a small program
#   that uses them (tests/clients/check.ts).
# Usage: HSRC_BASE_URL=http://127.0.0.1:PORT HSRC_SECRET_KEY=sk_test_… bash scripts/clients.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/lib/venv.sh
hsrc_require_loopback clients.sh

VENV="$ROOT/.venv-clients"
hsrc_venv "$VENV" "$ROOT/tests/clients/requirements.txt" openapi-python-client

RUN_DIR="$(mktemp -d /tmp/hsrc-clients.XXXXXX)"
trap 'rm -rf "$RUN_DIR"' EXIT
curl -sf "$HSRC_BASE_URL/v1/openapi.json" -o "$RUN_DIR/openapi.json"

echo "[clients] openapi-python-client generate" >&2
( cd "$RUN_DIR" && "$VENV/bin/openapi-python-client" generate --path openapi.json --meta none \
    --config "$ROOT/tests/clients/python-config.yaml" --output-path "$RUN_DIR/py/hsrc_api" --fail-on-warning )
"$VENV/bin/python" "$ROOT/tests/clients/drive.py" "$RUN_DIR/py"

echo "[clients] openapi-typescript + tsc" >&2
node_modules/.bin/openapi-typescript "$RUN_DIR/openapi.json" -o "$RUN_DIR/ts/api.d.ts" >/dev/null
cp "$ROOT/tests/clients/check.ts" "$RUN_DIR/ts/check.ts"
node_modules/.bin/tsc --noEmit --strict --target es2022 --module nodenext --moduleResolution nodenext --allowImportingTsExtensions "$RUN_DIR/ts/check.ts"
echo "[clients] the Python client drove a payment and the TypeScript types check" >&2
