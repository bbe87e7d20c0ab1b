# source this in a shell to use the pinned Node 24 and pnpm: . ./.tools-env.sh
_custos_root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
_arch=$(uname -m); [ "$_arch" = aarch64 ] && _arch=arm64 || _arch=x64
export PATH="$_custos_root/.tools/node_modules/node-linux-$_arch/bin:$_custos_root/.tools/node_modules/.bin:$_custos_root/node_modules/.bin:$PATH"
export npm_config_nodedir="$_custos_root/.tools/node_modules/node-linux-$_arch"
export NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
