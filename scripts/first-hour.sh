#!/usr/bin/env bash
# The first hour of a new user, end to end, too slow for `npm test` (issue 11): a fresh clone in a
# 0700 directory (as root: PostgreSQL then runs as the `postgres` user, which cannot pass it),
# `npm start` in a clean environment (its first run installs Node and pnpm, the workspace, builds
# the dashboard and the agent binary), the README's headless block as written, and the key it
# prints registering with that server: one database for both. Then the same with
# CUSTOS_DATA_DIR=$(mktemp -d). apps/server/test/readme-headless.test.ts is the fast version.
#
#   scripts/first-hour.sh [--keep]     (--keep: leave the clone and data dirs for inspection)
#
# The README block says localhost:8080; this script runs the server on a free port and puts that
# port into the block instead, so it can run next to another server. Exit 0 when every check passed.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KEEP=0
[ "${1:-}" = --keep ] && KEEP=1
# first start: tools, pnpm install, next build and the agent binary on a small machine
START_TIMEOUT=${FIRST_HOUR_START_TIMEOUT:-1500}
WORK="$(mktemp -d "${FIRST_HOUR_DIR:-/root}/custos-first-hour.XXXXXX")" # 0700
CLONE="$WORK/custos"
PORT="$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')"
SERVER_PID=""
DATA_DIRS=()

log() { printf '\nfirst-hour: %s\n' "$*" >&2; }
fail() {
  printf 'first-hour: FAILED: %s\n' "$*" >&2
  exit 1
}

stop_server() {
  if [ -n "$SERVER_PID" ]; then
    # its own process group (setsid): npm, custos.mjs, custos-server and PostgreSQL stop together
    kill -TERM -- "-$SERVER_PID" 2>/dev/null || true
    # custos-server finishes its shutdown after npm has gone: wait for the whole group
    for _ in $(seq 1 60); do kill -0 -- "-$SERVER_PID" 2>/dev/null || break; sleep 1; done
  fi
  SERVER_PID=""
}

cleanup() {
  stop_server
  [ "$KEEP" = 1 ] && { log "kept $WORK"; return; }
  for dir in "${DATA_DIRS[@]}"; do
    # a cluster kept under /var/lib/custos-server for this data dir (decision 0016)
    if [ -L "$dir/pg" ]; then
      case "$(readlink "$dir/pg")" in /var/lib/custos-server/*/pg) rm -rf "$(dirname "$(readlink "$dir/pg")")" ;; esac
    fi
    rm -rf "$dir"
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

# The clean environment of a new user's shell, plus PORT and any VAR=value arguments, then a command.
clean_env() {
  env -i HOME="$HOME" PATH=/usr/local/bin:/usr/bin:/bin PORT="$PORT" "$@"
}

# start_server LOG [VAR=value…]: npm start in the clone, in the background, until /healthz answers
start_server() {
  local out="$1"
  shift
  (cd "$CLONE" && exec setsid env -i HOME="$HOME" PATH=/usr/local/bin:/usr/bin:/bin PORT="$PORT" "$@" \
    npm start >"$out" 2>&1) &
  SERVER_PID=$!
  local waited=0
  until curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 40 "$out" >&2; fail "npm start exited"; }
    [ "$waited" -lt "$START_TIMEOUT" ] || { tail -n 40 "$out" >&2; fail "no /healthz after ${START_TIMEOUT} s"; }
    sleep 5
    waited=$((waited + 5))
  done
  log "npm start answered /healthz after ${waited} s"
}

# The README's headless block exactly as written, only with this run's port.
headless_block() {
  awk '/^Headless set-up/ { found = 1 } found && /^```sh$/ { inside = 1; next } inside && /^```$/ { exit } inside { print }' \
    "$CLONE/README.md" | sed "s/localhost:8080/localhost:$PORT/g"
}

# check ROUND [VAR=value…]: the block's key registers with the running server
check_headless() {
  local round="$1"
  shift
  local block out key
  block="$(headless_block)"
  [ -n "$block" ] || fail "README.md has no headless block"
  out="$(cd "$CLONE" && clean_env "$@" bash -euo pipefail -c "$block")" || fail "$round: the README block failed"
  key="$(printf '%s\n' "$out" | head -n 1)"
  [ "$(printf '%s\n' "$out" | tail -n 1)" = '{"ok":true}' ] || fail "$round: healthz said: $out"
  local status
  status="$(curl -sS -o "$WORK/register.json" -w '%{http_code}' -X POST \
    -H "authorization: Bearer $key" -H 'content-type: application/json' \
    -d '{"hostname":"first-hour","server_name":"first-hour","agent_version":"0.1.0","os":"linux","arch":"x64"}' \
    "http://127.0.0.1:$PORT/functions/v1/api/agent/register")"
  [ "$status" = 200 ] || fail "$round: register answered $status: $(cat "$WORK/register.json")"
  log "$round: the README's key registered (HTTP 200): admin commands and server share one database"
}

log "cloning $REPO into $CLONE (parent mode $(stat -c %a "$WORK"))"
git clone --quiet "$REPO" "$CLONE"

log "round 1: npm start with the default data dir (first start builds everything: minutes)"
DATA_DIRS+=("$CLONE/.custos")
start_server "$WORK/start-1.log"
grep -m1 'build:binary: warning' "$WORK/start-1.log" >&2 || true
check_headless "default data dir"
[ -f "$CLONE/.custos/embedded-postgres.json" ] || fail "the server's data is not in ./.custos"
[ ! -e "$CLONE/apps/server/.custos" ] || fail "apps/server/.custos exists: two data dirs"
stop_server

DATA="$(mktemp -d)"
DATA_DIRS+=("$DATA")
log "round 2: CUSTOS_DATA_DIR=$DATA (mktemp -d, mode $(stat -c %a "$DATA"))"
start_server "$WORK/start-2.log" CUSTOS_DATA_DIR="$DATA"
check_headless "mktemp data dir" CUSTOS_DATA_DIR="$DATA"
stop_server

log "every check passed"
