#!/usr/bin/env bash
# Runs the test command once per machine condition, one after another, and prints a table of
# condition -> pass/fail. A test that only passes because this machine booted long ago, runs in
# UTC with an English locale, has an untouched checkout or several cores fails in one row here.
#
#   scripts/test-conditions.sh                      # npm test under every condition
#   scripts/test-conditions.sh -c tz-kiritimati,lang-de -- pnpm run test:all
#   scripts/test-conditions.sh -f @custos/protocol -f @custos/agent   # vitest of those packages
#   scripts/test-conditions.sh -c fresh-boot+tz-kiritimati+lang-c   # several at once
#   scripts/test-conditions.sh -l                   # list the conditions
#
# -c picks conditions (comma-separated; `a+b` applies a and b in one run), -f runs
# `pnpm --filter <package> run test` instead of `npm test`, and anything after `--` is the
# command. Logs are kept in a temporary directory printed with the table. Exit status 1 when any
# condition failed. `boundary` moves the wall clock of the whole process tree (libfaketime, every
# process shifted by the same offset, monotonic clocks untouched) so that the run starts 45 s
# before New Year's midnight UTC: minute, hour, day, month and year roll over during the run.
# turbo runs tasks with only the environment it is told to pass: turbo.json passes LC_* and the
# libfaketime variables through (TZ and LANG pass by default), or these conditions would stop at
# turbo and the tests would run as on any machine.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

ALL_CONDITIONS=(baseline again fresh-boot long-uptime tz-kiritimati tz-st-johns lang-c lang-de one-cpu boundary)

describe() {
  case "$1" in
    baseline) echo "as this machine is" ;;
    again) echo "right after the previous run, in the same checkout (leftover files, ports, databases)" ;;
    fresh-boot) echo "monotonic and boot time clocks at 120 s, as on a machine booted two minutes ago" ;;
    long-uptime) echo "monotonic and boot time clocks 400 days further on" ;;
    tz-kiritimati) echo "TZ=Pacific/Kiritimati (UTC+14: the local date is a day ahead of UTC)" ;;
    tz-st-johns) echo "TZ=America/St_Johns (UTC-3:30, a half-hour offset with daylight saving)" ;;
    lang-c) echo "LANG=C LC_ALL=C" ;;
    lang-de) echo "LANG=de_DE.UTF-8 LC_ALL=de_DE.UTF-8 (decimal comma, 24-hour clock)" ;;
    one-cpu) echo "taskset -c 0 (one core)" ;;
    boundary) echo "wall clock 45 s before 00:00 UTC on 1 January (libfaketime; every boundary rolls over)" ;;
    *+*)
      local part described=()
      IFS=+ read -r -a parts <<<"$1"
      for part in "${parts[@]}"; do described+=("$(describe "$part")") || return 1; done
      local IFS=';'
      echo "${described[*]}"
      ;;
    *) return 1 ;;
  esac
}

usage() {
  sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit "${1:-0}"
}

conditions=("${ALL_CONDITIONS[@]}")
filters=()
while getopts "c:f:lh" opt; do
  case "$opt" in
    c) IFS=, read -r -a conditions <<<"$OPTARG" ;;
    f) filters+=("--filter" "$OPTARG") ;;
    l)
      for condition in "${ALL_CONDITIONS[@]}"; do printf '%-14s %s\n' "$condition" "$(describe "$condition")"; done
      exit 0
      ;;
    h) usage 0 ;;
    *) usage 2 ;;
  esac
done
shift $((OPTIND - 1))
for condition in "${conditions[@]}"; do
  describe "$condition" >/dev/null 2>&1 || {
    echo "test-conditions: unknown condition '$condition' (see -l)" >&2
    exit 2
  }
done

if [ $# -gt 0 ]; then
  command=("$@")
elif [ ${#filters[@]} -gt 0 ]; then
  # the pinned pnpm (scripts/custos.mjs installs it), not whatever is on PATH
  command=(node scripts/custos.mjs pnpm --workspace-concurrency=1 "${filters[@]}" run test)
else
  command=(npm test)
fi

# An offset for unshare --monotonic/--boottime that puts the clock at `target` seconds.
clock_offset() {
  local now=$1 target=$2
  echo $((target - now))
}
boottime_now() { cut -d. -f1 /proc/uptime; }
monotonic_now() { node -p 'Number(process.hrtime.bigint() / 1000000000n)'; }

# Prefix that enters a new time namespace; empty (and a reason on stderr) when not allowed here.
time_namespace() {
  local monotonic=$1 boottime=$2
  if unshare --time --fork true 2>/dev/null; then
    echo "unshare --time --fork --monotonic=$monotonic --boottime=$boottime --"
  elif unshare --user --map-root-user --time --fork true 2>/dev/null; then
    echo "unshare --user --map-root-user --time --fork --monotonic=$monotonic --boottime=$boottime --"
  else
    echo "no time namespace: unshare --time needs root or user namespaces" >&2
  fi
}

# Prints the words that run the command under one condition (env assignments and wrappers).
wrapper() {
  case "$1" in
    baseline | again) echo "env" ;;
    fresh-boot | long-uptime)
      local target_boot target_mono prefix
      if [ "$1" = fresh-boot ]; then
        target_boot=120 target_mono=120
      else
        target_boot=$(($(boottime_now) + 400 * 86400)) target_mono=$(($(monotonic_now) + 400 * 86400))
      fi
      prefix=$(time_namespace "$(clock_offset "$(monotonic_now)" "$target_mono")" \
        "$(clock_offset "$(boottime_now)" "$target_boot")")
      [ -n "$prefix" ] || return 1
      echo "$prefix env"
      ;;
    tz-kiritimati) echo "env TZ=Pacific/Kiritimati" ;;
    tz-st-johns) echo "env TZ=America/St_Johns" ;;
    lang-c) echo "env LANG=C LC_ALL=C" ;;
    lang-de)
      # libc programs (bash, PostgreSQL) need the locale generated, or every one warns on stderr
      if ! locale -a 2>/dev/null | grep -qiE '^de_DE\.utf-?8$'; then
        localedef -i de_DE -f UTF-8 de_DE.UTF-8 2>/dev/null || {
          echo "the de_DE.UTF-8 locale is not installed and localedef could not make it (Debian: locales)" >&2
          return 1
        }
      fi
      echo "env LANG=de_DE.UTF-8 LC_ALL=de_DE.UTF-8"
      ;;
    one-cpu)
      command -v taskset >/dev/null || {
        echo "taskset is not installed (util-linux)" >&2
        return 1
      }
      echo "taskset -c 0 env"
      ;;
    boundary)
      local library
      library=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -n 1)
      [ -n "$library" ] || {
        echo "libfaketime is not installed (Debian: apt-get install faketime)" >&2
        return 1
      }
      # The same relative offset for every process, so they agree with each other on the time.
      local now target
      now=$(date -u +%s)
      target=$(($(date -u -d "$(date -u +%Y)-12-31T23:59:15Z" +%s)))
      [ "$target" -gt "$now" ] || target=$(($(date -u -d "$(($(date -u +%Y) + 1))-12-31T23:59:15Z" +%s)))
      echo "env LD_PRELOAD=$library FAKETIME=+$((target - now)) FAKETIME_DONT_FAKE_MONOTONIC=1"
      ;;
    *+*)
      local part words=() IFS=+
      read -r -a parts <<<"$1"
      IFS=' '
      for part in "${parts[@]}"; do words+=("$(wrapper "$part")") || return 1; done
      echo "${words[*]}"
      ;;
  esac
}

logs=$(mktemp -d "${TMPDIR:-/tmp}/custos-test-conditions.XXXXXX")
results=()
failed=0
previous=""
echo "test-conditions: ${command[*]}"
echo "test-conditions: logs in $logs"
for condition in "${conditions[@]}"; do
  log="$logs/$condition.log"
  if ! prefix=$(wrapper "$condition" 2>"$log.why"); then
    results+=("$condition|skipped|-|$(cat "$log.why")")
    continue
  fi
  read -r -a words <<<"$prefix"
  runs=1
  # `again` is a run right after another in the same checkout; alone, it makes its own first run.
  if [ "$condition" = again ] && [ -z "$previous" ]; then runs=2; fi
  echo "test-conditions: $condition — $(describe "$condition")"
  started=$SECONDS
  status=pass
  for ((run = 1; run <= runs; run++)); do
    if ! "${words[@]}" "${command[@]}" >>"$log" 2>&1; then status=fail; fi
  done
  elapsed=$((SECONDS - started))
  [ "$status" = pass ] || failed=1
  results+=("$condition|$status|${elapsed}s|$log")
  echo "test-conditions: $condition $status (${elapsed}s)"
  previous=$condition
done

echo
printf '%-14s %-8s %-7s %s\n' condition result time "log or reason"
for row in "${results[@]}"; do
  IFS='|' read -r condition status elapsed detail <<<"$row"
  printf '%-14s %-8s %-7s %s\n' "$condition" "$status" "$elapsed" "$detail"
done
exit "$failed"
