# Sourced by scripts/clients.sh and scripts/fuzz.sh: the pieces both repeat.
#
#   hsrc_require_loopback NAME   refuses (exit 2) unless HSRC_BASE_URL is set and on loopback: these tools send
#                                generated traffic and must never reach a deployed Worker.
#   hsrc_venv DIR REQ BIN        a Python venv in DIR with the pinned requirements REQ, (re)installed only when
#                                DIR/bin/BIN is missing or REQ changed since the last install.

hsrc_require_loopback() {
  : "${HSRC_BASE_URL:?set HSRC_BASE_URL to the local Worker}" "${HSRC_SECRET_KEY:?set HSRC_SECRET_KEY}"
  case "$HSRC_BASE_URL" in
    http://127.0.0.1:*|http://localhost:*|http://\[::1\]:*) ;;
    *) echo "$1: refusing a non-loopback target: $HSRC_BASE_URL" >&2; exit 2 ;;
  esac
}

hsrc_venv() {
  local venv="$1" req="$2" bin="$3"
  if [ ! -x "$venv/bin/$bin" ] || ! cmp -s "$req" "$venv/.installed-requirements"; then
    echo "[venv] installing $(basename "$req") into $(basename "$venv")" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req"
    cp "$req" "$venv/.installed-requirements"
  fi
}
