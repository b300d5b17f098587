#!/usr/bin/env bash
# Installs the headless browser the end-to-end tests drive (test/e2e): Debian's chromium package,
# at /usr/bin/chromium, which playwright-core launches. Playwright's own browser downloads are not
# used (they need internet access beyond Debian's apt repositories and the npm registry).
# Safe to run again: does nothing when /usr/bin/chromium is already there.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  echo "install-browser: $CHROMIUM is already installed ($("$CHROMIUM" --version 2>/dev/null || echo "version unknown"))" >&2
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

echo "install-browser: installing Debian's chromium package for the browser tests (apt-get)" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null

if [ ! -x "$CHROMIUM" ]; then
  echo "install-browser: apt-get finished but $CHROMIUM is missing" >&2
  exit 1
fi
echo "install-browser: installed $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")" >&2
