#!/usr/bin/env bash
# Custos agent installer.
#
#   curl -sSL https://custos.example.com/install.sh | sudo bash -s -- --api-key=KEY
#
# Downloads custos-agent for this machine from the server's /downloads/ (or --downloads), verifies
# its SHA-256, creates the `custos` system user, writes /etc/custos/agent.yaml, installs a hardened
# systemd unit, registers with the backend, starts the agent and waits for its first acknowledged
# heartbeat. Run it again to upgrade in place; `--uninstall` removes it. Options: --help.
#
# CUSTOS_INSTALL_ROOT=/some/dir installs below that directory instead of / (tests, images):
# nothing outside it is changed and the service is never started.
set -euo pipefail

# custos-server replaces this with its public URL when it serves the script
DEFAULT_URL='__CUSTOS_URL__'
# where the agent binaries are, when not at $URL/downloads: scripts/publish-agent-downloads.mjs
# fills this in for a dashboard on a static host (the cloud); custos-server leaves it
DEFAULT_DOWNLOADS='__CUSTOS_DOWNLOADS__'

# sudo and minimal shells may leave the admin tools (useradd, systemctl) off PATH
PATH="${PATH:-/usr/bin:/bin}:/usr/local/sbin:/usr/sbin:/sbin"
export PATH

ROOT="${CUSTOS_INSTALL_ROOT:-}"
ROOT="${ROOT%/}"
SERVICE=custos-agent.service
AGENT_USER=custos
BIN=/usr/local/bin/custos-agent
CONFIG_DIR=/etc/custos
CONFIG=/etc/custos/agent.yaml
STATE_DIR=/var/lib/custos
UNIT=/etc/systemd/system/custos-agent.service
WANTS=/etc/systemd/system/multi-user.target.wants/custos-agent.service

say() { printf 'custos: %s\n' "$*"; }
warn() { printf 'custos: warning: %s\n' "$*" >&2; }
die() {
  printf 'custos: error: %s\n' "$*" >&2
  exit 1
}

usage() {
  cat <<'EOF'
Install, upgrade or remove the Custos agent.

  curl -sSL <server>/install.sh | sudo bash -s -- --api-key=KEY [options]

Options:
  --api-key=KEY       agent API key (required on first install; kept on upgrades)
  --url=URL           Custos server URL (default: the server this script came from)
  --downloads=URL     base URL of the agent binaries (default: <url>/downloads, or the
                      dashboard's host when the script was downloaded from there)
  --server-name=NAME  name shown in the dashboard (default: this host's name)
  --no-start          install, register and enable, but do not start now (images, tests)
  --wait=SECONDS      how long to wait for the first acknowledged heartbeat (default 60, 0: skip)
  --uninstall         stop and remove the agent, its unit and the custos user;
                      keeps /etc/custos and /var/lib/custos
  --purge             with --uninstall: also remove the config and the state (buffered data)
  -h, --help          this text

Environment: CUSTOS_INSTALL_ROOT=DIR installs below DIR instead of / (never starts anything).
EOF
}

usage_error() {
  printf 'custos: %s\n\n' "$*" >&2
  usage >&2
  exit 2
}

# Everything runs from main, called on the last line: bash reads the whole script before it
# runs any of it, so a download cut short by the network cannot run half an installer, and no
# command can swallow the rest of the script from a `curl | bash` pipe.
main() {
  # ---- arguments -------------------------------------------------------------------------------

  API_KEY=""
  URL=""
  DOWNLOADS=""
  SERVER_NAME=""
  NO_START=0
  WAIT=60
  UNINSTALL=0
  PURGE=0

  need_value() {
    # $1 flag, $2 number of remaining args, $3 next arg
    if [ "$2" -lt 2 ] || [ -z "$3" ] || [ "${3#--}" != "$3" ]; then usage_error "$1 needs a value"; fi
  }

  while [ $# -gt 0 ]; do
    case "$1" in
      --api-key=*) API_KEY="${1#*=}" ;;
      --api-key) need_value "$1" $# "${2-}"; API_KEY="$2"; shift ;;
      --url=*) URL="${1#*=}" ;;
      --url) need_value "$1" $# "${2-}"; URL="$2"; shift ;;
      --downloads=*) DOWNLOADS="${1#*=}" ;;
      --downloads) need_value "$1" $# "${2-}"; DOWNLOADS="$2"; shift ;;
      --server-name=*) SERVER_NAME="${1#*=}" ;;
      --server-name) need_value "$1" $# "${2-}"; SERVER_NAME="$2"; shift ;;
      --wait=*) WAIT="${1#*=}" ;;
      --wait) need_value "$1" $# "${2-}"; WAIT="$2"; shift ;;
      --no-start) NO_START=1 ;;
      --uninstall) UNINSTALL=1 ;;
      --purge) PURGE=1 ;;
      -h | --help) usage; exit 0 ;;
      *) usage_error "unknown option: $1" ;;
    esac
    shift
  done

  case "$WAIT" in '' | *[!0-9]*) usage_error "--wait: expected a number of seconds, not '$WAIT'" ;; esac
  if [ "$PURGE" = 1 ] && [ "$UNINSTALL" = 0 ]; then usage_error "--purge goes with --uninstall"; fi
  if [ "$UNINSTALL" = 1 ] && { [ -n "$API_KEY" ] || [ -n "$URL" ] || [ -n "$DOWNLOADS" ] || [ -n "$SERVER_NAME" ] || [ "$NO_START" = 1 ]; }; then
    usage_error "--uninstall takes no other options than --purge"
  fi
  # values end up in YAML and sed replacements: allow only characters that need no quoting
  one_line_matches() { # grep matches line by line: a value with a newline would pass on its first line
    case "$1" in *$'\n'*) return 1 ;; esac
    printf '%s' "$1" | grep -Eq "$2"
  }
  if [ -n "$API_KEY" ] && ! one_line_matches "$API_KEY" '^[A-Za-z0-9_.-]{8,256}$'; then
    usage_error "--api-key: expected letters, digits, '_', '.' or '-' (8 to 256 characters)"
  fi
  if [ -n "$SERVER_NAME" ] && ! one_line_matches "$SERVER_NAME" '^[A-Za-z0-9_. :@()/-]{1,255}$'; then
    usage_error "--server-name: use letters, digits, spaces and _ . : @ ( ) / -"
  fi
  URL="${URL%/}"
  url_ok() {
    one_line_matches "$1" '^https?://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?(/[A-Za-z0-9._~%/-]*)?$'
  }
  if [ -n "$URL" ] && ! url_ok "$URL"; then usage_error "--url: expected http(s)://host[:port][/path], not '$URL'"; fi
  DOWNLOADS="${DOWNLOADS%/}"
  if [ -n "$DOWNLOADS" ] && ! url_ok "$DOWNLOADS"; then
    usage_error "--downloads: expected http(s)://host[:port][/path], not '$DOWNLOADS'"
  fi
  case "$ROOT" in '' | /*) ;; *) die "CUSTOS_INSTALL_ROOT must be an absolute path" ;; esac

  # ---- helpers ---------------------------------------------------------------------------------

  if [ -z "$ROOT" ] && [ "$(id -u)" != 0 ]; then die "run as root (… | sudo bash -s -- --api-key=KEY)"; fi
  IS_ROOT=0
  if [ "$(id -u)" = 0 ]; then IS_ROOT=1; fi

  systemd_running() { [ -z "$ROOT" ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; }

  # systemctl for file-level operations (enable/disable) even where systemd is not running
  systemctl_files() {
    if [ -n "$ROOT" ]; then systemctl --root="$ROOT" "$@"; else systemctl "$@"; fi
  }

  user_field() { # $1 field number of the custos line in <root>/etc/passwd
    [ -f "$ROOT/etc/passwd" ] || return 0
    awk -F: -v user="$AGENT_USER" -v field="$1" '$1 == user { print $field }' "$ROOT/etc/passwd"
  }

  config_value() { # $1 top-level key of the existing config -> its value, unquoted
    sed -n "s/^$1:[[:space:]]*//p" "$ROOT$CONFIG" | head -n 1 | sed -e 's/[[:space:]]*$//' -e 's/^"\(.*\)"$/\1/' -e "s/^'\(.*\)'\$/\\1/"
  }

  set_config_value() { # $1 key, $2 config file, $3 value: in $2.new, replace the top-level line or append it
    if grep -q "^$1:" "$2.new"; then
      sed -i "s|^$1:.*|$1: \"$3\"|" "$2.new"
    else
      printf '%s: "%s"\n' "$1" "$3" >>"$2.new"
    fi
  }

  # ---- uninstall -------------------------------------------------------------------------------

  if [ "$UNINSTALL" = 1 ]; then
    if systemd_running; then
      systemctl disable --now "$SERVICE" >/dev/null 2>&1 || true
    elif command -v systemctl >/dev/null 2>&1 && [ -f "$ROOT$UNIT" ]; then
      systemctl_files disable "$SERVICE" >/dev/null 2>&1 || true
    fi
    rm -f "$ROOT$WANTS" "$ROOT$UNIT" "$ROOT$BIN"
    if systemd_running; then systemctl daemon-reload || true; fi
    if [ -n "$(user_field 1)" ]; then
      if [ "$IS_ROOT" = 1 ] && command -v userdel >/dev/null 2>&1; then
        if [ -n "$ROOT" ]; then userdel --prefix "$ROOT" "$AGENT_USER"; else userdel "$AGENT_USER"; fi
        if grep -q "^$AGENT_USER:" "$ROOT/etc/group" 2>/dev/null; then
          if [ -n "$ROOT" ]; then groupdel --prefix "$ROOT" "$AGENT_USER" || true; else groupdel "$AGENT_USER" || true; fi
        fi
      else
        warn "could not remove the $AGENT_USER user (needs root and userdel)"
      fi
    fi
    if [ "$PURGE" = 1 ]; then
      rm -rf "$ROOT$CONFIG_DIR" "$ROOT$STATE_DIR"
      say "removed custos-agent, its unit, the $AGENT_USER user, $CONFIG_DIR and $STATE_DIR"
    else
      say "removed custos-agent, its unit and the $AGENT_USER user"
      say "kept $CONFIG_DIR (config with the API key) and $STATE_DIR (server id, unsent data); --uninstall --purge removes them"
    fi
    exit 0
  fi

  # ---- what to install -------------------------------------------------------------------------

  [ "$(uname -s)" = Linux ] || die "custos-agent runs on Linux only (this is $(uname -s))"
  case "$(uname -m)" in
    x86_64 | amd64) ARCH=x64 ;;
    aarch64 | arm64) ARCH=arm64 ;;
    *) die "unsupported architecture $(uname -m): custos-agent is built for x86_64 and aarch64" ;;
  esac
  if ls /lib/ld-musl-* >/dev/null 2>&1 && ! ls /lib64/ld-linux-* /lib/ld-linux-* >/dev/null 2>&1; then
    die "this system uses musl libc (e.g. Alpine); custos-agent needs glibc"
  fi

  UPGRADE=0
  if [ -f "$ROOT$CONFIG" ]; then UPGRADE=1; fi
  if [ -z "$URL" ] && [ "$UPGRADE" = 1 ]; then URL="$(config_value url)"; fi
  if [ -z "$URL" ] && [ "$DEFAULT_URL" != "__CUSTOS_URL__" ]; then URL="$DEFAULT_URL"; fi
  [ -n "$URL" ] || usage_error "--url is required (the script was not downloaded from a Custos server)"
  URL="${URL%/}"
  url_ok "$URL" || die "server URL '$URL' is not an http(s) URL"
  if [ -z "$DOWNLOADS" ] && [ "$DEFAULT_DOWNLOADS" != "__CUSTOS_DOWNLOADS__" ]; then DOWNLOADS="${DEFAULT_DOWNLOADS%/}"; fi
  if [ -z "$DOWNLOADS" ]; then DOWNLOADS="$URL/downloads"; fi
  url_ok "$DOWNLOADS" || die "downloads URL '$DOWNLOADS' is not an http(s) URL"
  if [ -z "$API_KEY" ] && [ "$UPGRADE" = 0 ]; then usage_error "--api-key is required for a new installation"; fi
  KEY_FOR_REGISTER="$API_KEY"
  if [ -z "$KEY_FOR_REGISTER" ]; then KEY_FOR_REGISTER="$(config_value api_key)"; fi
  [ -n "$KEY_FOR_REGISTER" ] || die "$CONFIG has no api_key; pass --api-key"
  if [ -z "$SERVER_NAME" ] && [ "$UPGRADE" = 0 ]; then SERVER_NAME="$(uname -n)"; fi

  # ---- download and verify (nothing is changed before this succeeds) ---------------------------

  NAME="custos-agent-linux-$ARCH"
  BIN_DIR="$(dirname "$ROOT$BIN")"
  CREATED_DIRS=() # deepest first: removed again if the installation stops before using them
  dir="$BIN_DIR"
  while [ ! -d "$dir" ]; do
    CREATED_DIRS+=("$dir")
    dir="$(dirname "$dir")"
  done
  mkdir -p "$BIN_DIR"
  # next to the destination: same file system (atomic rename) and not a noexec /tmp
  WORK="$(mktemp -d "$BIN_DIR/.custos-install.XXXXXX")"
  # shellcheck disable=SC2317 # called through the trap
  cleanup() {
    rm -rf "$WORK"
    for created in "${CREATED_DIRS[@]}"; do rmdir "$created" 2>/dev/null || break; done
  }
  trap cleanup EXIT

  fetch() { # $1 URL $2 file; an HTTP error shows the server's answer (e.g. how to build a missing binary)
    if command -v curl >/dev/null 2>&1; then
      local status
      status="$(curl -sSL --proto '=http,https' --retry 3 --connect-timeout 15 -o "$2" -w '%{http_code}' "$1")" || return 1
      case "$status" in
        2??) ;;
        *)
          printf 'custos: %s answered HTTP %s: %s\n' "$1" "$status" "$(head -c 2000 "$2" 2>/dev/null)" >&2
          return 1
          ;;
      esac
    elif command -v wget >/dev/null 2>&1; then
      wget -q -O "$2" "$1"
    else
      die "needs curl or wget to download the agent"
    fi
  }

  sha256_of() {
    if command -v sha256sum >/dev/null 2>&1; then
      sha256sum "$1" | cut -d ' ' -f 1
    elif command -v shasum >/dev/null 2>&1; then
      shasum -a 256 "$1" | cut -d ' ' -f 1
    elif command -v openssl >/dev/null 2>&1; then
      openssl dgst -sha256 -r "$1" | cut -d ' ' -f 1
    else
      die "needs sha256sum, shasum or openssl to verify the download"
    fi
  }

  say "downloading $NAME from $DOWNLOADS/"
  fetch "$DOWNLOADS/$NAME.sha256" "$WORK/$NAME.sha256" || die "could not download $DOWNLOADS/$NAME.sha256"
  fetch "$DOWNLOADS/$NAME" "$WORK/$NAME" || die "could not download $DOWNLOADS/$NAME"
  EXPECTED="$(cut -d ' ' -f 1 <"$WORK/$NAME.sha256" | head -n 1)"
  printf '%s' "$EXPECTED" | grep -Eq '^[0-9a-f]{64}$' || die "$NAME.sha256 holds no SHA-256 sum; nothing was installed"
  ACTUAL="$(sha256_of "$WORK/$NAME")"
  if [ "$ACTUAL" != "$EXPECTED" ]; then
    die "SHA-256 mismatch for $NAME (expected $EXPECTED, got $ACTUAL); nothing was installed"
  fi
  chmod 0755 "$WORK/$NAME"
  # the agent's own runs from here on unpack its SQLite addon into WORK (removed at exit)
  export TMPDIR="$WORK"
  "$WORK/$NAME" version >/dev/null 2>&1 || die "the downloaded $NAME does not run on this system; nothing was installed"
  # open a database once: the SQLite addon needs glibc >= 2.34 and libstdc++ from GCC 11 or newer
  : >"$WORK/probe.db"
  printf 'api_key: probe\nurl: http://127.0.0.1\nbuffer:\n  path: %s\n' "$WORK/probe.db" >"$WORK/probe.yaml"
  PROBE="$("$WORK/$NAME" status --config "$WORK/probe.yaml" 2>&1 || true)"
  case "$PROBE" in
    *"embedded SQLite addon"*)
      die "custos-agent cannot load SQLite here: it needs glibc 2.34 and libstdc++ (GCC 11) or newer
  (Debian 12, Ubuntu 22.04, RHEL 9 and later); nothing was installed. $PROBE" ;;
  esac
  say "verified $NAME ($("$WORK/$NAME" version))"

  # ---- user, files, unit -----------------------------------------------------------------------

  if [ -z "$(user_field 1)" ]; then
    [ "$IS_ROOT" = 1 ] || die "creating the $AGENT_USER user needs root"
    command -v useradd >/dev/null 2>&1 || die "needs useradd to create the $AGENT_USER system user"
    NOLOGIN=/usr/sbin/nologin
    for candidate in /usr/sbin/nologin /sbin/nologin /bin/false; do
      if [ -x "$candidate" ]; then NOLOGIN="$candidate"; break; fi
    done
    PREFIX_ARGS=()
    if [ -n "$ROOT" ]; then PREFIX_ARGS=(--prefix "$ROOT"); fi
    useradd "${PREFIX_ARGS[@]}" --system --user-group --no-create-home --home-dir "$STATE_DIR" \
      --shell "$NOLOGIN" --comment "Custos monitoring agent" "$AGENT_USER"
    say "created the $AGENT_USER system user"
  fi
  AGENT_UID="$(user_field 3)"
  AGENT_GID="$(user_field 4)"
  [ -n "$AGENT_UID" ] || die "the $AGENT_USER user is missing from $ROOT/etc/passwd"

  own() { # chown to the agent user where we may
    if [ "$IS_ROOT" = 1 ]; then chown "$@"; fi
  }

  mkdir -p "$ROOT$CONFIG_DIR" "$ROOT$STATE_DIR" "$(dirname "$ROOT$UNIT")"
  chmod 0755 "$ROOT$CONFIG_DIR"
  chmod 0700 "$ROOT$STATE_DIR"
  own -R "$AGENT_UID:$AGENT_GID" "$ROOT$STATE_DIR"

  # the binary: renamed over the old one, so a running agent keeps its file until it restarts
  mv -f "$WORK/$NAME" "$ROOT$BIN"
  say "installed $BIN"

  # the config: written on first install, or when new values were given; mode 0600, owned by the
  # agent's user (the unit makes /etc read-only to it, so it cannot change the file)
  if [ "$UPGRADE" = 0 ]; then
    cat >"$ROOT$CONFIG.new" <<EOF
# custos-agent configuration, written by install.sh.
# Add monitors and local_alerts here (see the agent README), then: systemctl restart custos-agent
api_key: "$API_KEY"
url: "$URL"
server_name: "$SERVER_NAME"
heartbeat_interval: 60s
metrics_push_interval: 30s
monitors:
  - type: system
buffer:
  path: $STATE_DIR/agent.db
EOF
    WROTE_CONFIG="wrote"
  elif [ -n "$API_KEY" ] || [ -n "$SERVER_NAME" ] || [ "$URL" != "$(config_value url)" ]; then
    cp "$ROOT$CONFIG" "$ROOT$CONFIG.new"
    if [ -n "$API_KEY" ]; then set_config_value api_key "$ROOT$CONFIG" "$API_KEY"; fi
    set_config_value url "$ROOT$CONFIG" "$URL"
    if [ -n "$SERVER_NAME" ]; then set_config_value server_name "$ROOT$CONFIG" "$SERVER_NAME"; fi
    WROTE_CONFIG="updated"
  else
    WROTE_CONFIG=""
  fi
  if [ -n "$WROTE_CONFIG" ]; then
    chmod 0600 "$ROOT$CONFIG.new"
    own "$AGENT_UID:$AGENT_GID" "$ROOT$CONFIG.new"
    mv -f "$ROOT$CONFIG.new" "$ROOT$CONFIG"
    say "$WROTE_CONFIG $CONFIG"
  else
    say "kept $CONFIG"
  fi

  cat >"$ROOT$UNIT.new" <<EOF
# Custos monitoring agent, installed by install.sh (re-run it to upgrade; --uninstall removes).
# Loosen the sandbox for plugins that need more with a drop-in: systemctl edit custos-agent
[Unit]
Description=Custos monitoring agent
Wants=network-online.target
After=network-online.target
StartLimitIntervalSec=0

[Service]
Type=simple
User=$AGENT_USER
Group=$AGENT_USER
ExecStart=$BIN run --config $CONFIG
Restart=always
RestartSec=5
TimeoutStopSec=30
# /var/lib/custos, owned by the agent's user; the only writable place besides a private /tmp
StateDirectory=custos
StateDirectoryMode=0700
UMask=0077

NoNewPrivileges=yes
CapabilityBoundingSet=
AmbientCapabilities=
ProtectSystem=strict
# read-only, not hidden: the system plugin measures the file system under /home
ProtectHome=read-only
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
# other processes are not the agent's business; /proc's system-wide files stay readable
ProtectProc=invisible
PrivateMounts=yes
RestrictSUIDSGID=yes
RestrictRealtime=yes
RestrictNamespaces=yes
LockPersonality=yes
RemoveIPC=yes
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK
SystemCallArchitectures=native
SystemCallFilter=@system-service
SystemCallErrorNumber=EPERM
# no MemoryDenyWriteExecute: V8's JIT needs writable executable memory

[Install]
WantedBy=multi-user.target
EOF
  mv -f "$ROOT$UNIT.new" "$ROOT$UNIT"
  say "installed $UNIT"

  # ---- register --------------------------------------------------------------------------------

  REGISTER_CONFIG="$ROOT$CONFIG"
  if [ -n "$ROOT" ]; then
    # the config names the state database as the installed system sees it; register into ROOT
    REGISTER_CONFIG="$WORK/register.yaml"
    sed "s|^\([[:space:]]*path:[[:space:]]*\)$STATE_DIR/|\1$ROOT$STATE_DIR/|" "$ROOT$CONFIG" >"$REGISTER_CONFIG"
  fi
  set +e
  REGISTER_OUTPUT="$("$ROOT$BIN" register --url "$URL" --api-key "$KEY_FOR_REGISTER" --config "$REGISTER_CONFIG" 2>&1)"
  REGISTER_STATUS=$?
  set -e
  own -R "$AGENT_UID:$AGENT_GID" "$ROOT$STATE_DIR"
  case "$REGISTER_STATUS" in
    0) say "${REGISTER_OUTPUT##*$'\n'}" ;;
    69) warn "the server is unreachable now ($REGISTER_OUTPUT); the agent registers by itself once it is" ;;
    *) die "registration failed: $REGISTER_OUTPUT
  (the agent is installed but not started; fix the key or URL and run this script again)" ;;
  esac

  # ---- enable and start ------------------------------------------------------------------------

  if systemd_running; then
    systemctl daemon-reload
    systemctl enable "$SERVICE" >/dev/null 2>&1
    if [ "$NO_START" = 1 ]; then
      say "enabled $SERVICE; not started (--no-start): systemctl start custos-agent"
      exit 0
    fi
    systemctl restart "$SERVICE"
    say "started $SERVICE"
  else
    if command -v systemctl >/dev/null 2>&1; then
      systemctl_files enable "$SERVICE" >/dev/null 2>&1 || warn "could not enable $SERVICE"
    fi
    if [ -n "$ROOT" ]; then
      say "installed below $ROOT; not started"
    elif [ "$NO_START" = 1 ]; then
      say "not started (--no-start)"
    else
      say "systemd is not running on this system, so the agent was not started. Run it by hand:"
      say "  runuser -u $AGENT_USER -- $BIN run --config $CONFIG"
      say "(or from your init system or supervisor, as user $AGENT_USER)"
    fi
    exit 0
  fi

  if [ "$WAIT" = 0 ]; then exit 0; fi
  say "waiting up to ${WAIT}s for the first acknowledged heartbeat"
  deadline=$(($(date +%s) + WAIT))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    if "$BIN" status --json --config "$CONFIG" 2>/dev/null | grep -Eq '"last_heartbeat_at": *"'; then
      say "the agent is reporting to $URL"
      exit 0
    fi
    sleep 2
  done
  warn "no acknowledged heartbeat after ${WAIT}s; see: journalctl -u custos-agent and custos-agent status"
  exit 1
}

main "$@"
