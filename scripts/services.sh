#!/usr/bin/env bash
# Installs the Debian packages the scale-out tests run as their own processes:
# PostgreSQL, Redis and nginx. Nothing is started or enabled as a system service.
set -euo pipefail

have_postgres() { compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; }
have_redis() { command -v redis-server >/dev/null; }
have_nginx() { command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]]; }

missing=()
have_postgres || missing+=(postgresql)
have_redis || missing+=(redis-server)
have_nginx || missing+=(nginx-light)
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  SUDO=sudo
  command -v sudo >/dev/null || {
    echo "ERROR: the scale-out tests need ${missing[*]}; install them as root:" \
         "apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 1
  }
else
  SUDO=
fi

# Debian starts a package's service on install unless policy-rc.d says no; the tests
# start their own servers on free ports, so keep the system ones from ever starting.
added_policy=false
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  added_policy=true
fi
trap '$added_policy && $SUDO rm -f /usr/sbin/policy-rc.d' EXIT

echo "Installing ${missing[*]} for the scale-out tests (apt-get) ..."
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
