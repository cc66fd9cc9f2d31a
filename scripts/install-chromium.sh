#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests; Playwright's own browser download cannot work here.
set -euo pipefail
CHROMIUM=/usr/bin/chromium
if [[ -x "$CHROMIUM" ]]; then
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "ERROR: the browser tests need Debian's chromium at $CHROMIUM and this machine has no apt-get." \
       "Install chromium by hand, then run make test again." >&2
  exit 1
fi
SUDO=()
if [[ $(id -u) -ne 0 ]]; then SUDO=(sudo -n); fi
echo "Installing Debian's chromium for the browser tests (apt-get) ..."
if ! "${SUDO[@]}" apt-get update -qq || ! DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq \
     --no-install-recommends chromium fonts-liberation >/dev/null; then
  echo "ERROR: apt-get could not install chromium. The browser tests need $CHROMIUM:" \
       "run 'apt-get update && apt-get install chromium' as root, then make test again." >&2
  exit 1
fi
if [[ ! -x "$CHROMIUM" ]]; then
  echo "ERROR: apt-get installed chromium but $CHROMIUM is missing. Check 'dpkg -L chromium'." >&2
  exit 1
fi
