#!/usr/bin/env bash
# Upstream tools for the stack and its tests. (Being built: see issue on the native stack.)
set -euo pipefail
if [ "$(id -u)" = 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium prometheus >/dev/null
else
  echo "tools: not root; install Debian's chromium and prometheus packages yourself" >&2
fi
