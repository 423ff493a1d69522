#!/usr/bin/env bash
# Upstream tools for the stack and its tests, installed by the project itself:
#   - Debian's chromium and prometheus packages (prometheus, promtool in /usr/bin);
#   - the OpenTelemetry Collector, built with the Collector Builder from collector/builder-config.yaml.
# k6 is AGPL-licensed: the project never fetches, builds or runs it (load tests use autocannon).
# Built tools go to $FOOTFALL_TOOLS_DIR (default ${XDG_CACHE_HOME:-$HOME/.cache}/footfall/tools),
# outside the work tree, and are rebuilt only when their pin or manifest changes (a hash stamp).
# Idempotent: a second run only checks and prints what it found.
set -euo pipefail
cd "$(dirname "$0")/.."

# Pins. The Collector's release is pinned once, in its build manifest; the builder's release must be
# the same, so it is read from there (as collector/Dockerfile does).
MANIFEST=collector/builder-config.yaml
OCB_VERSION=$(sed -nE 's#^ +- gomod: go\.opentelemetry\.io/collector/receiver/otlpreceiver (v[0-9.]+)$#\1#p' "$MANIFEST")
GO_MIN_MINOR=25 # the Collector v0.159 modules need Go 1.25

TOOLS_DIR="${FOOTFALL_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/footfall/tools}"
BIN_DIR="$TOOLS_DIR/bin"
STAMP_DIR="$TOOLS_DIR/stamps"
mkdir -p "$BIN_DIR" "$STAMP_DIR"
# One run at a time per tools folder: two builds into one place would overwrite each other.
exec 9>"$TOOLS_DIR/.lock"
flock 9

say() { echo "tools: $*"; }
fail() { echo "tools: $*" >&2; exit 1; }
seconds_since() { echo $(($(date +%s) - $1)); }

debian_packages() {
  local missing=()
  for pkg in chromium prometheus; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    say "Debian packages chromium and prometheus: already installed"
  elif [ "$(id -u)" != 0 ]; then
    fail "Debian packages missing: ${missing[*]}. Install them as root: apt-get update && apt-get install -y ${missing[*]}"
  else
    local started
    started=$(date +%s)
    apt-get update -qq
    # prometheus without its recommends: they would start a node exporter we do not use.
    if [[ " ${missing[*]} " == *" chromium "* ]]; then
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    fi
    if [[ " ${missing[*]} " == *" prometheus "* ]]; then
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
    fi
    say "installed Debian packages ${missing[*]} in $(seconds_since "$started") s"
  fi
  stop_system_prometheus
}

# The package starts a system Prometheus on 9090 where an init system runs. The tests and
# `npm run stack` start their own, so that one must not hold the port.
stop_system_prometheus() {
  if command -v systemctl >/dev/null && systemctl is-active --quiet prometheus 2>/dev/null; then
    if [ "$(id -u)" = 0 ]; then
      systemctl disable --now prometheus >/dev/null 2>&1
      say "stopped and disabled the system prometheus service (it held port 9090)"
    else
      say "warning: the system prometheus service runs on 9090; stop it: sudo systemctl disable --now prometheus"
    fi
  elif [ -x /etc/init.d/prometheus ] && /etc/init.d/prometheus status >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
      /etc/init.d/prometheus stop >/dev/null 2>&1 || true
      say "stopped the system prometheus service (it held port 9090)"
    else
      say "warning: the system prometheus service runs on 9090; stop it: sudo /etc/init.d/prometheus stop"
    fi
  fi
}

find_go() {
  if ! command -v go >/dev/null && [ -x /usr/local/go/bin/go ]; then PATH="/usr/local/go/bin:$PATH"; fi
  command -v go >/dev/null ||
    fail "Go is missing: install Go 1.$GO_MIN_MINOR or newer (the official release tarball into /usr/local/go, then add /usr/local/go/bin to PATH)"
  local minor
  minor=$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')
  [ "$minor" -ge "$GO_MIN_MINOR" ] ||
    fail "Go $(go env GOVERSION) is too old: install Go 1.$GO_MIN_MINOR or newer"
}

# A stamp is the hash of everything a build depends on; the build is skipped when it matches.
stamp_of() { sha256sum | cut -c1-16; }
up_to_date() { [ -x "$BIN_DIR/$1" ] && [ "$(cat "$STAMP_DIR/$1" 2>/dev/null)" = "$2" ]; }

build_collector() {
  local manifest="$PWD/$MANIFEST" stamp
  stamp=$( (echo "$OCB_VERSION $(go env GOVERSION)"; cat "$manifest") | stamp_of)
  if up_to_date otelcol "$stamp"; then
    say "otelcol: up to date ($BIN_DIR/otelcol, builder $OCB_VERSION)"
    return
  fi
  local started work
  started=$(date +%s)
  work="$TOOLS_DIR/otelcol-build"
  rm -rf "$work" && mkdir -p "$work"
  GOBIN="$TOOLS_DIR/builder-$OCB_VERSION" go install -trimpath -ldflags='-s -w' \
    "go.opentelemetry.io/collector/cmd/builder@$OCB_VERSION"
  # The builder compiles with -trimpath and -ldflags='-s -w' already; output_path is relative to $work.
  (cd "$work" && "$TOOLS_DIR/builder-$OCB_VERSION/builder" --config "$manifest" >build.log 2>&1) ||
    { tail -n 40 "$work/build.log" >&2; fail "otelcol: the Collector Builder failed (log above)"; }
  install -m 0755 "$work/dist/otelcol" "$BIN_DIR/otelcol.tmp" && mv "$BIN_DIR/otelcol.tmp" "$BIN_DIR/otelcol"
  echo "$stamp" >"$STAMP_DIR/otelcol"
  rm -rf "$work"
  say "otelcol: built $($BIN_DIR/otelcol --version) in $(seconds_since "$started") s -> $BIN_DIR/otelcol"
}

[ -n "$OCB_VERSION" ] || fail "no otlpreceiver release found in $MANIFEST: the builder's release is read from it"
debian_packages
find_go
build_collector
say "done: prometheus and promtool in /usr/bin, chromium at /usr/bin/chromium, otelcol in $BIN_DIR"
