# moto: an S3-compatible server (PyPI, `moto[server]`) for the image store's tests, as localstripe is for cards.
# Source after common.sh.
#   ensure_moto               install it into .tools/moto (a Python venv), once
#   start_moto PORT LOG       run it in the background; sets S3_URL and MOTO_PID
#   stop_moto

MOTO_VERSION=5.2.5
MOTO_VENV="$ROOT/.tools/moto"
MOTO_PID=""

ensure_moto() {
  local have
  have=$("$MOTO_VENV/bin/pip" show moto 2>/dev/null | sed -n 's/^Version: //p' || true)
  if [ "$have" = "$MOTO_VERSION" ] && "$MOTO_VENV/bin/python" -c 'import flask, flask_cors' 2>/dev/null; then
    return 0
  fi
  if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    apt_install python3 python3-venv
  fi
  say "installing moto[server] $MOTO_VERSION from PyPI into .tools/moto"
  rm -rf "$MOTO_VENV"
  python3 -m venv "$MOTO_VENV"
  "$MOTO_VENV/bin/pip" install -q --disable-pip-version-check "moto[server]==$MOTO_VERSION"
}

start_moto() { # PORT LOGFILE
  ensure_moto
  local port=$1 log=$2
  S3_URL="http://127.0.0.1:$port"
  "$MOTO_VENV/bin/moto_server" -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
  MOTO_PID=$!
  for _ in $(seq 1 150); do
    curl -fsS "$S3_URL/moto-api/" >/dev/null 2>&1 && return 0
    kill -0 "$MOTO_PID" 2>/dev/null || break
    sleep 0.1
  done
  cat "$log" >&2
  die "moto did not start"
}

stop_moto() {
  if [ -n "$MOTO_PID" ]; then
    kill "$MOTO_PID" 2>/dev/null || true
    wait "$MOTO_PID" 2>/dev/null || true
    MOTO_PID=""
  fi
}
