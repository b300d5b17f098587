#!/usr/bin/env bash
# Installs everything Pressbridge needs on a fresh Debian machine with Node/npm:
# npm dependencies (which bring Node 24 itself), Java 17+ for DynamoDB Local from Debian's
# packages when it is missing, and Debian's chromium for the browser tests (scripts/install-browser.sh).
# Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

need_java() {
  if ! command -v java >/dev/null 2>&1; then return 0; fi
  local v
  v=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)
  [ -z "$v" ] || [ "$v" -lt 17 ]
}

if need_java; then
  echo "setup: installing Java 17 (openjdk-17-jre-headless) for DynamoDB Local" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq openjdk-17-jre-headless >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm dependencies (brings Node 24)" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi

# The end-to-end browser tests (test/e2e) drive Debian's chromium through playwright-core.
bash scripts/install-browser.sh
