# An SMTP sink for development and tests: aiosmtpd (PyPI) accepting every message on a local port and storing it
# in a Maildir, where tests read it and a developer can open it. Source after common.sh.
#   start_smtp_sink PORT MAILDIR LOG   run it in the background; sets SMTP_SINK_PID
#   use_smtp_sink PORT                 point the app's BAZAAR_SMTP_* settings at it
#   stop_smtp_sink

AIOSMTPD_VERSION=1.4.6
AIOSMTPD_VENV="$ROOT/.tools/aiosmtpd"
SMTP_SINK_PID=""

start_smtp_sink() { # PORT MAILDIR LOGFILE
  ensure_venv_package "$AIOSMTPD_VENV" aiosmtpd "$AIOSMTPD_VERSION"
  local port=$1 maildir=$2 log=$3
  mkdir -p "$maildir"/{tmp,new,cur}
  # -n: no setuid; Mailbox: write each message into MAILDIR/new.
  "$AIOSMTPD_VENV/bin/aiosmtpd" -n -l "127.0.0.1:$port" -c aiosmtpd.handlers.Mailbox "$maildir" >"$log" 2>&1 &
  SMTP_SINK_PID=$!
  wait_for_port "$port" "$SMTP_SINK_PID" "$log" "the SMTP sink"
}

use_smtp_sink() { # PORT
  export BAZAAR_SMTP_HOST=127.0.0.1 BAZAAR_SMTP_PORT="$1" BAZAAR_SMTP_TLS=none
}

stop_smtp_sink() {
  if [ -n "$SMTP_SINK_PID" ]; then
    kill "$SMTP_SINK_PID" 2>/dev/null || true
    wait "$SMTP_SINK_PID" 2>/dev/null || true
    SMTP_SINK_PID=""
  fi
}
