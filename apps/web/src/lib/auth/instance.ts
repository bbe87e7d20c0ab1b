/**
 * What custos-server says about its sign-ups in GET /auth/v1/settings (`custos`, decision 0017).
 * Supabase Auth answers the same endpoint without that key: then this is undefined and the
 * dashboard behaves as it always has (sign-in first, sign-up open).
 */
export interface InstanceSettings {
  signups: "open" | "invite-only" | "closed";
  hasUsers: boolean;
}

const POLICIES = new Set<string>(["open", "invite-only", "closed"]);

/** Pure: the `custos` part of a /settings answer, or undefined when absent or not understood. */
export function parseInstanceSettings(json: unknown): InstanceSettings | undefined {
  if (typeof json !== "object" || json === null) return undefined;
  const custos = (json as { custos?: unknown }).custos;
  if (typeof custos !== "object" || custos === null) return undefined;
  const { signups, has_users } = custos as { signups?: unknown; has_users?: unknown };
  if (typeof signups !== "string" || !POLICIES.has(signups) || typeof has_users !== "boolean")
    return undefined;
  return { signups: signups as InstanceSettings["signups"], hasUsers: has_users };
}

/**
 * Fetches the settings; any failure (offline, an old server, a slow answer) is undefined, so the
 * sign-in form is never held back by it for more than a moment.
 */
export async function loadInstanceSettings(
  supabaseUrl: string,
  anonKey: string,
  fetcher: typeof fetch = fetch,
): Promise<InstanceSettings | undefined> {
  try {
    const res = await fetcher(`${supabaseUrl}/auth/v1/settings`, {
      headers: { apikey: anonKey },
      cache: "no-store",
      signal: AbortSignal.timeout(3000),
    });
    if (!res.ok) return undefined;
    return parseInstanceSettings(await res.json());
  } catch {
    return undefined;
  }
}
