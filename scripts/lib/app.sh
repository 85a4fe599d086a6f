# Starting the release build against a throwaway PostgreSQL cluster, for end-to-end tests and benchmarks.
# Source after tools.sh and pg.sh. Sets PG_DIR, PG_PORT, DATABASE_URL, APP_BASE and SERVER_PID, and stops both
# at exit.

SERVER_PID=""
PG_DIR=""
_app_cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null || true; fi
  if declare -F stop_localstripe >/dev/null; then stop_localstripe; fi
  if declare -F stop_smtp_sink >/dev/null; then stop_smtp_sink; fi
  if declare -F stop_moto >/dev/null; then stop_moto; fi
  if [ -n "$PG_DIR" ]; then pg_stop "$PG_DIR"; rm -rf "$PG_DIR"; fi
}
trap _app_cleanup EXIT

# throwaway_pg NAME — a fresh cluster with database NAME; exports DATABASE_URL.
throwaway_pg() {
  PG_DIR=$(mktemp -d "/tmp/bazaar-$1-pg.XXXXXX")
  PG_PORT=$(free_port)
  pg_start "$PG_DIR" "$PG_PORT" throwaway
  PG_DIR=$(dirname "$PGDATA_DIR")
  pg_createdb "$PG_PORT" "$1"
  export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/$1"
}

# start_release_app [extra seed args] — seeds the demo catalog and starts target/release/server on a free port.
# With localstripe started (stripe.sh), the app takes cards through it.
start_release_app() {
  export BAZAAR_MEDIA_DIR="$PG_DIR/media"
  # Without an SMTP sink (use_smtp_sink), email goes to files beside the throwaway cluster.
  export BAZAAR_MAIL_DIR="$PG_DIR/mail"
  # Addresses are sealed under this key; a throwaway database gets a throwaway key.
  export BAZAAR_DATA_KEYS="${BAZAAR_DATA_KEYS:-$(data_key)}"
  # Load generators and test browsers are one client IP: per-IP rate limits are off unless the caller sets them.
  export BAZAAR_RATE_LIMIT_PER_MINUTE="${BAZAAR_RATE_LIMIT_PER_MINUTE:-0}"
  export BAZAAR_RATE_LIMIT_ORDERS_PER_MINUTE="${BAZAAR_RATE_LIMIT_ORDERS_PER_MINUTE:-0}"
  export BAZAAR_RATE_LIMIT_SIGN_IN_PER_MINUTE="${BAZAAR_RATE_LIMIT_SIGN_IN_PER_MINUTE:-0}"
  # Benchmarks place thousands of orders as one shopper: per-account limits too.
  export BAZAAR_RATE_LIMIT_SIGN_IN_PER_ACCOUNT_PER_HOUR="${BAZAAR_RATE_LIMIT_SIGN_IN_PER_ACCOUNT_PER_HOUR:-0}"
  export BAZAAR_RATE_LIMIT_RESET_PER_ACCOUNT_PER_HOUR="${BAZAAR_RATE_LIMIT_RESET_PER_ACCOUNT_PER_HOUR:-0}"
  export BAZAAR_RATE_LIMIT_ORDERS_PER_ACCOUNT_PER_HOUR="${BAZAAR_RATE_LIMIT_ORDERS_PER_ACCOUNT_PER_HOUR:-0}"
  local port
  port=$(free_port)
  if [ -n "${STRIPE_URL:-}" ]; then use_localstripe "http://127.0.0.1:$port"; fi
  export LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_OUTPUT_NAME=bazaar LEPTOS_SITE_ROOT=target/site \
    LEPTOS_SITE_PKG_DIR=pkg LEPTOS_HASH_FILES=true LEPTOS_ENV=PROD
  target/release/server seed --demo >/dev/null
  if [ -n "${1:-}" ]; then target/release/server seed --products "$1" >/dev/null; fi
  target/release/server >"$PG_DIR/server.log" 2>&1 &
  SERVER_PID=$!
  APP_BASE="http://127.0.0.1:$port"
  for _ in $(seq 1 150); do
    curl -fsS "$APP_BASE/readyz" >/dev/null 2>&1 && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.2
  done
  cat "$PG_DIR/server.log" >&2
  die "the server did not become ready"
}
