/**
 * The commands the dashboard and the API hand out for installing the agent: one builder, so the
 * API's `install_command` and the dashboard's fallback cannot drift apart. Plain strings, no zod,
 * so the browser bundle stays small.
 */

/** Quotes a value for a POSIX shell when it needs it (keys and plain URLs do not). */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * `sudo` for everyone but root: minimal images and containers run as root without sudo installed
 * (`bash: sudo: command not found`), and root never needs it. `id -u` and `[` are POSIX, so this
 * works in bash, dash and zsh alike. Not `$(command -v sudo)`: an interactive shell with
 * `alias sudo='sudo '` prints the alias definition there.
 */
export const AS_ROOT = `$([ "$(id -u)" -eq 0 ] || echo sudo)`;

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

/**
 * URLs install.sh accepts (its `url_ok`, for --url and --downloads) and the only ones templated
 * into it: http(s), a host name or bracketed IPv6 address, a port, a path of characters no shell
 * treats specially. custos-server's /install.sh and scripts/publish-agent-downloads.mjs use it.
 */
export const INSTALL_URL =
  /^https?:\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?(\/[A-Za-z0-9._~%/-]*)?$/;

export interface InstallFiles {
  /**
   * Where install.sh and downloads/ are served when that is not the API: in the cloud the
   * dashboard's static host (scripts/publish-agent-downloads.mjs puts them there), while agents
   * register with the Supabase project. Absent or equal to the API's URL: the API serves them.
   */
  filesUrl?: string | undefined;
}

/**
 * The one line that downloads install.sh and runs it as root with `key`, registering with
 * `baseUrl`. install.sh and the binaries come from `baseUrl` too (custos-server serves both),
 * or from `filesUrl` (`--downloads <filesUrl>/downloads`). `-f`: an HTTP error fails curl instead
 * of piping an error page into bash.
 */
export function installCommand(baseUrl: string, key: string, options: InstallFiles = {}): string {
  const base = trimSlash(baseUrl);
  const files = options.filesUrl ? trimSlash(options.filesUrl) : base;
  const command = `curl -fsSL ${shellQuote(`${files}/install.sh`)} | ${AS_ROOT} bash -s -- --api-key=${shellQuote(key)} --url ${shellQuote(base)}`;
  return files === base ? command : `${command} --downloads ${shellQuote(`${files}/downloads`)}`;
}

/** For a host that already has custos-agent: register it with this key. */
export function registerCommand(baseUrl: string, key: string): string {
  return `${AS_ROOT} custos-agent register --url ${shellQuote(trimSlash(baseUrl))} --api-key ${shellQuote(key)}`;
}

/**
 * Whether `url` names this machine only (localhost, 127.0.0.0/8, ::1, 0.0.0.0): pasted on another
 * server it reaches that server itself, not Custos. Unparseable URLs count as loopback (they work
 * nowhere else either).
 */
export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return true;
  }
  return (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    /^127(\.\d{1,3}){3}$/.test(host) ||
    host === "0.0.0.0" ||
    host === "[::1]" ||
    host === "[::]" ||
    // IPv4-mapped 127.x.y.z, which URL normalises to hex
    /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(host)
  );
}
