#!/usr/bin/env bash
# System packages the tests need that npm cannot provide: Chromium for the dashboard's browser
# tests, shellcheck and systemd-analyze for install.sh's tests, pg_cron for PostgreSQL 15 and
# curl for apps/server/test/pg-cron.test.ts (the cloud schedule on a real pg_cron; the package
# pulls in Debian's postgresql-15, which may create and start its default cluster 15/main on
# port 5432; the test runs its own cluster), podman and runc for apps/server/test/containers.test.ts
# (builds the container images and runs them). Installed only when missing, and only where
# apt-get exists and we are root.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v shellcheck >/dev/null 2>&1 || need+=(shellcheck)
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
[ -e /usr/lib/postgresql/15/lib/pg_cron.so ] || need+=(postgresql-15-cron)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v podman >/dev/null 2>&1 || need+=(podman)
command -v runc >/dev/null 2>&1 || need+=(runc)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if ! command -v apt-get >/dev/null 2>&1 || [ "$(id -u)" != 0 ]; then
  echo "test-prereqs: missing ${need[*]}; install them (Debian: apt-get install ${need[*]}) for the browser, installer, pg_cron and container tests" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
