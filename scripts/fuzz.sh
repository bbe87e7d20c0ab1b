#!/usr/bin/env bash
# The contract fuzz suite (apps/server/test/fuzz/contract.test.ts) with a bigger budget than the
# few hundred runs `npm test` gives it: every agent, dashboard and auth route of a real
# custos-server, hostile variants derived from the zod contract one field at a time.
#
#   scripts/fuzz.sh [runs per route group] [seed]      (defaults: 10000, a random seed)
#
# A failure prints the seed and fast-check path; CUSTOS_FUZZ_PATH=<path> with the same runs and
# seed replays exactly that case (a failure that only shows in sequence then passes alone). Exit 0
# when no run found a 5xx, a reset connection, an error without its field, or a refused request
# that stored something.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
# shellcheck source=/dev/null
. ./.tools-env.sh
export CUSTOS_FUZZ_RUNS="${1:-10000}"
export CUSTOS_FUZZ_SEED="${2:-$RANDOM$RANDOM}"
echo "fuzzing with CUSTOS_FUZZ_RUNS=$CUSTOS_FUZZ_RUNS CUSTOS_FUZZ_SEED=$CUSTOS_FUZZ_SEED"
exec pnpm --filter @custos/server exec vitest run test/fuzz/contract.test.ts
