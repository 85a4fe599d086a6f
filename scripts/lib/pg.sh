# A private PostgreSQL cluster for development and tests, owned by the `postgres` OS user
# (the server refuses to run as root). Source after common.sh.

PG_BIN=""
pg_init_bin() {
  local v
  v=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -n1 || true)
  [ -n "$v" ] && [ -x "/usr/lib/postgresql/$v/bin/initdb" ] || apt_install postgresql
  v=$(ls /usr/lib/postgresql | sort -n | tail -n1)
  PG_BIN="/usr/lib/postgresql/$v/bin"
}

# as_pg CMD... runs CMD as the postgres user when we are root, as ourselves otherwise.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# A directory the postgres user can write: $1 when it can reach it, else a fallback under /var/tmp.
pg_dir_for() {
  local want=$1
  mkdir -p "$want"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$want"
    if ! runuser -u postgres -- test -w "$want"; then
      local alt
      alt="/var/tmp/bazaar-pg-$(printf '%s' "$want" | md5sum | cut -c1-12)"
      warn "the postgres user cannot reach $want (a parent folder is private); using $alt"
      mkdir -p "$alt"; chown postgres:postgres "$alt"; want=$alt
    fi
  fi
  printf '%s\n' "$want"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# pg_start DIR PORT [throwaway] — initialise DIR on first use, start the cluster if it is not running.
# A throwaway cluster (tests, benchmarks) runs with fsync off: never use that for data you keep.
pg_start() {
  local dir=$1 port=$2 mode=${3:-keep}
  pg_init_bin
  dir=$(pg_dir_for "$dir")
  PGDATA_DIR="$dir/data"
  local sock="$dir/sock"
  if [ ! -s "$PGDATA_DIR/PG_VERSION" ]; then
    say "creating a private PostgreSQL cluster in $PGDATA_DIR"
    as_pg mkdir -p "$PGDATA_DIR" "$sock"
    as_pg chmod 700 "$PGDATA_DIR"
    as_pg "$PG_BIN/initdb" -D "$PGDATA_DIR" -U postgres --auth=trust -E UTF8 --no-locale >/dev/null
  fi
  as_pg mkdir -p "$sock"
  if as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1; then
    return 0
  fi
  local opts="-p $port -k $sock -c listen_addresses=127.0.0.1 -c max_connections=300"
  # PG_EXTRA_OPTS: more server settings, e.g. "-c synchronous_standby_names=bazaar_backup".
  opts="$opts ${PG_EXTRA_OPTS:-}"
  if [ "$mode" = throwaway ]; then
    opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  fi
  say "starting PostgreSQL on 127.0.0.1:$port"
  as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -l "$dir/server.log" -w -t 60 start -o "$opts" >/dev/null ||
    { cat "$dir/server.log" >&2; die "PostgreSQL did not start"; }
}

pg_stop() {
  local dir=$1
  pg_init_bin
  [ -d "$dir/data" ] && as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}

# pg_port DIR — the port a running cluster listens on.
pg_port() {
  head -n4 "$1/data/postmaster.pid" 2>/dev/null | sed -n 4p
}

# pg_createdb URL_WITHOUT_DB PORT NAME — create a database if it does not exist.
pg_createdb() {
  local port=$1 name=$2
  if ! psql -h 127.0.0.1 -p "$port" -U postgres -tAc "select 1 from pg_database where datname = '$name'" | grep -q 1; then
    psql -h 127.0.0.1 -p "$port" -U postgres -qc "create database \"$name\"" >/dev/null
  fi
}
