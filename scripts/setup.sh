#!/usr/bin/env bash
# Everything the tests need on a fresh machine: npm packages, then the upstream tools
# (Debian's Chromium and Prometheus, the Collector built from its Go modules).
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund
bash scripts/tools.sh
