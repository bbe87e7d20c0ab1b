#!/usr/bin/env bash
# System packages the tests need that npm cannot provide: Chromium for the dashboard's browser
# tests, shellcheck and systemd-analyze for install.sh's tests. Installed only when missing, and
# only where apt-get exists and we are root.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v shellcheck >/dev/null 2>&1 || need+=(shellcheck)
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if ! command -v apt-get >/dev/null 2>&1 || [ "$(id -u)" != 0 ]; then
  echo "test-prereqs: missing ${need[*]}; install them (Debian: apt-get install ${need[*]}) for the browser and installer tests" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
