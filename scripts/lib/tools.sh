# Installs the build tools Bazaar needs, each only when it is missing or at the wrong version.
# Sourced by scripts/dev, scripts/test and the benchmark scripts; `bash scripts/lib/tools.sh` runs it alone.
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# Versions verified to build offline here (see docs/BUILD.md). wasm-bindgen-cli must equal the
# wasm-bindgen pinned in Cargo.toml exactly: cargo-leptos does not check, and a mismatch fails at run time.
CARGO_LEPTOS_VERSION=0.3.11
WASM_BINDGEN_VERSION=0.2.130
SQLX_CLI_VERSION=0.9.0

have_version() { # have_version CMD VERSION — true when CMD --version prints VERSION
  command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -qF "$2"
}

# Some published crates fail `cargo install --locked` here: their lockfile pins a dependency that
# needs a newer rustc, or one yanked from the registry. We build them from the registry's own source
# with that one dependency moved to a version that works, and keep everything else locked.
cargo_install_pinned() { # crate version [dep=version ...]
  local crate=$1 version=$2; shift 2
  local src
  src=$(ls -d "$HOME"/.cargo/registry/src/*/"$crate-$version" 2>/dev/null | head -n1 || true)
  if [ -z "$src" ]; then
    say "fetching $crate $version source from crates.io"
    local tmp; tmp=$(mktemp -d)
    # A throwaway package whose only dependency is the crate: `cargo fetch` downloads its source.
    mkdir -p "$tmp/src" && : > "$tmp/src/lib.rs"
    printf '[package]\nname = "fetch-%s"\nversion = "0.0.0"\nedition = "2021"\n[dependencies]\n%s = "=%s"\n' \
      "$crate" "$crate" "$version" > "$tmp/Cargo.toml"
    (cd "$tmp" && cargo fetch -q 2>/dev/null) || true
    rm -rf "$tmp"
    src=$(ls -d "$HOME"/.cargo/registry/src/*/"$crate-$version" 2>/dev/null | head -n1 || true)
    if [ -z "$src" ]; then
      # Binary-only crates are not unpacked by `cargo fetch`; `cargo install` unpacks them before it fails.
      cargo install "$crate" --version "$version" --locked >/dev/null 2>&1 || true
      src=$(ls -d "$HOME"/.cargo/registry/src/*/"$crate-$version" 2>/dev/null | head -n1 || true)
    fi
    [ -n "$src" ] || die "could not fetch the source of $crate $version"
  fi
  local work="${CARGO_HOME:-$HOME/.cargo}/bazaar-build/$crate-$version"
  rm -rf "$work"; mkdir -p "$(dirname "$work")"; cp -r "$src" "$work"
  (
    cd "$work"
    for pin in "$@"; do
      cargo update -q -p "${pin%%=*}" --precise "${pin#*=}"
    done
    CARGO_PROFILE_RELEASE_LTO=thin cargo install -q --path . --locked
  )
  rm -rf "$work"
}

ensure_wasm_target() {
  if ! rustup target list --installed 2>/dev/null | grep -q wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown Rust target"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_cargo_leptos() {
  have_version cargo-leptos "$CARGO_LEPTOS_VERSION" && return 0
  say "building cargo-leptos $CARGO_LEPTOS_VERSION (first run only; 20-35 min on 2 cores, it drives every build)"
  cargo_install_pinned cargo-leptos "$CARGO_LEPTOS_VERSION" cargo-util-schemas=0.14.1
}

ensure_wasm_bindgen() {
  have_version wasm-bindgen "$WASM_BINDGEN_VERSION" && return 0
  say "building wasm-bindgen-cli $WASM_BINDGEN_VERSION (first run only; ~10 min, it links the browser bundle)"
  cargo_install_pinned wasm-bindgen-cli "$WASM_BINDGEN_VERSION" webpki-roots=1.0.10 ||
    cargo_install_pinned wasm-bindgen-cli "$WASM_BINDGEN_VERSION"
}

ensure_sqlx_cli() {
  have_version sqlx "$SQLX_CLI_VERSION" && return 0
  say "building sqlx-cli $SQLX_CLI_VERSION (first run only; ~8 min, it manages migrations and .sqlx/)"
  cargo install -q sqlx-cli --version "$SQLX_CLI_VERSION" --no-default-features --features postgres,rustls --locked
}

ensure_node_modules() {
  command -v npm >/dev/null || apt_install nodejs npm
  if [ ! -d "$ROOT/node_modules" ] || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
    say "installing npm packages (tailwindcss, wasm-opt, playwright; no browser download)"
    (cd "$ROOT" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  fi
}

ensure_postgres() {
  [ -x "$(pg_bin)/initdb" ] || apt_install postgresql
}

pg_bin() {
  local v
  v=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -n1)
  echo "/usr/lib/postgresql/${v:-15}/bin"
}

ensure_build_tools() {
  ensure_postgres
  ensure_wasm_target
  ensure_node_modules
  ensure_wasm_bindgen
  ensure_sqlx_cli
  ensure_cargo_leptos
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  ensure_build_tools
fi
