# Settings of a LOCAL development Worker, for `wrangler dev` only (sourced by scripts/dev.sh, scripts/test.sh and
# scripts/bench.sh). They are not in wrangler.toml, so a deployment never gets them:
#   HSRC_ENV=development  the development marker: the public development DATA_KEY / FINGERPRINT_KEY are accepted,
#                         no HSTS (plain-HTTP loopback), and the demo and RATE_LIMITS=off become possible;
#   DEMO_ENABLED=true     serves /demo, the sandbox shop.
# shellcheck disable=SC2034
HSRC_DEV_VARS=(--var "HSRC_ENV:development" --var "DEMO_ENABLED:true")
