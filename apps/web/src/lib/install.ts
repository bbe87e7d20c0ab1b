/** Quotes a value for a POSIX shell when it needs it (keys and plain URLs do not). */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

function base(url: string): string {
  return url.replace(/\/+$/, "");
}

/** The one-line install (same shape as the API's `install_command`, used when it is absent). */
export function installCommand(url: string, key: string): string {
  const b = base(url);
  return `curl -sSL ${shellQuote(`${b}/install.sh`)} | sudo bash -s -- --api-key=${shellQuote(key)} --url ${shellQuote(b)}`;
}

/** For a host that already has custos-agent: register it with this key. */
export function registerCommand(url: string, key: string): string {
  return `sudo custos-agent register --url ${shellQuote(base(url))} --api-key ${shellQuote(key)}`;
}
