/** Invitation tokens: 256 random bits, base64url, shown once; stored as SHA-256 (like API keys). */
export function generateInvitationToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return `inv_${btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")}`;
}

export async function hashInvitationToken(token: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token)));
}

/**
 * Where the invitee accepts: the token in the fragment stays out of server and proxy logs.
 * `dashboardUrl` is `dashboardLinkBase(config)` (the configured URL, else custos-server's own
 * address); null only in the cloud without one, where the dashboard uses its own origin.
 */
export function acceptUrl(dashboardUrl: string | undefined, token: string): string | null {
  return dashboardUrl ? `${dashboardUrl.replace(/\/+$/, "")}/invite#token=${token}` : null;
}
