/**
 * Deep links in path form (a notification's `/incidents/<id>`, a shared `/status/<slug>`) -> the
 * static export's query-string routes. Used by the not-found page, which every static host
 * serves for unknown paths.
 */
export function legacyTarget(pathname: string): string | undefined {
  const m = /^\/(incidents|servers)\/([0-9a-fA-F-]{36})\/?$/.exec(pathname);
  if (m) return `/${m[1]}/detail?id=${m[2]}`;
  const s = /^\/status\/([A-Za-z0-9_-]{1,100})\/?$/.exec(pathname);
  if (s) return `/status?slug=${s[1]}`;
  return undefined;
}
