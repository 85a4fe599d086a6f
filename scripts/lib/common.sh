# Shared helpers for the scripts in scripts/. Source it; it changes nothing by itself.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export ROOT
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"

say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
warn() { printf '\033[1;33mwarning:\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# apt-get update runs at most once per script run, and only when something is missing.
_apt_updated=0
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || die "missing packages ${missing[*]} and no apt-get to install them"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  if [ "$_apt_updated" -eq 0 ]; then
    say "apt-get update (to install ${missing[*]})"
    $sudo apt-get update -qq
    _apt_updated=1
  fi
  say "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

# ensure_venv_package DIR PACKAGE VERSION — PACKAGE==VERSION from PyPI in its own venv at DIR, once.
ensure_venv_package() {
  local dir=$1 package=$2 version=$3 have
  have=$("$dir/bin/pip" show "$package" 2>/dev/null | sed -n 's/^Version: //p' || true)
  [ "$have" = "$version" ] && return 0
  if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    apt_install python3 python3-venv
  fi
  say "installing $package $version from PyPI into ${dir#"$ROOT"/}"
  rm -rf "$dir"
  python3 -m venv "$dir"
  "$dir/bin/pip" install -q --disable-pip-version-check "$package==$version"
}

# data_key — a fresh data key setting (`1:<base64 of 32 random bytes>`) for BAZAAR_DATA_KEYS.
data_key() {
  printf '1:%s' "$(head -c 32 /dev/urandom | base64 -w0)"
}

# wait_for_port PORT PID LOG WHAT — until something listens on 127.0.0.1:PORT; dies with LOG if PID exits first.
wait_for_port() {
  local port=$1 pid=$2 log=$3 what=$4
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  cat "$log" >&2
  die "$what did not start"
}
