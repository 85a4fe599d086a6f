# localstripe: a Stripe-compatible API server (PyPI) for card payments in development and tests. It serves the
# API, a Stripe.js stand-in at /js.stripe.com/v3/, and sends signed webhooks. Source after common.sh.
#   ensure_localstripe           install it into .tools/localstripe (a Python venv), once
#   start_localstripe PORT LOG   run it in the background; sets STRIPE_URL and LOCALSTRIPE_PID
#   use_localstripe APP_BASE     point the app's BAZAAR_STRIPE_* settings at it and register APP_BASE's webhook

LOCALSTRIPE_VERSION=1.15.10
LOCALSTRIPE_VENV="$ROOT/.tools/localstripe"
LOCALSTRIPE_PID=""
# Test-mode keys: localstripe accepts any sk_/pk_ key. Real keys come from the environment in production.
LOCAL_STRIPE_SECRET_KEY=sk_test_bazaar_local
LOCAL_STRIPE_PUBLISHABLE_KEY=pk_test_bazaar_local
LOCAL_STRIPE_WEBHOOK_SECRET=whsec_bazaar_local

ensure_localstripe() {
  ensure_venv_package "$LOCALSTRIPE_VENV" localstripe "$LOCALSTRIPE_VERSION"
}

start_localstripe() { # PORT LOGFILE
  ensure_localstripe
  local port=$1 log=$2
  STRIPE_URL="http://127.0.0.1:$port"
  if curl -fsS "$STRIPE_URL/js.stripe.com/v3/" >/dev/null 2>&1; then
    return 0 # already running (a developer's earlier scripts/dev)
  fi
  # --from-scratch: no state from an earlier run (it keeps its store in /tmp/localstripe.pickle).
  "$LOCALSTRIPE_VENV/bin/localstripe" --port "$port" --from-scratch >"$log" 2>&1 &
  LOCALSTRIPE_PID=$!
  for _ in $(seq 1 100); do
    curl -fsS "$STRIPE_URL/js.stripe.com/v3/" >/dev/null 2>&1 && return 0
    kill -0 "$LOCALSTRIPE_PID" 2>/dev/null || break
    sleep 0.1
  done
  cat "$log" >&2
  die "localstripe did not start"
}

use_localstripe() { # APP_BASE
  export BAZAAR_STRIPE_API_BASE="$STRIPE_URL"
  export BAZAAR_STRIPE_SCRIPT_URL="$STRIPE_URL/js.stripe.com/v3/"
  export BAZAAR_STRIPE_SECRET_KEY="$LOCAL_STRIPE_SECRET_KEY"
  export BAZAAR_STRIPE_PUBLISHABLE_KEY="$LOCAL_STRIPE_PUBLISHABLE_KEY"
  export BAZAAR_STRIPE_WEBHOOK_SECRET="$LOCAL_STRIPE_WEBHOOK_SECRET"
  # What the Stripe dashboard does in production: send payment events to the shop's webhook endpoint.
  curl -fsS -X POST "$STRIPE_URL/_config/webhooks/bazaar" \
    -d "url=$1/webhooks/stripe" -d "secret=$LOCAL_STRIPE_WEBHOOK_SECRET" >/dev/null
}

stop_localstripe() {
  if [ -n "$LOCALSTRIPE_PID" ]; then
    kill "$LOCALSTRIPE_PID" 2>/dev/null || true
    wait "$LOCALSTRIPE_PID" 2>/dev/null || true
    LOCALSTRIPE_PID=""
  fi
}
