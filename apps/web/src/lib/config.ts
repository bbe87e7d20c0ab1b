import { buildEnv } from "../env.ts";

/**
 * Where the dashboard finds auth and the API. One base URL serves both (`/auth/v1/...`,
 * `/functions/v1/api/...`), in the cloud (Supabase) and self-hosted (custos-server).
 */
export interface RuntimeConfig {
  /** Base URL of auth and API, without a trailing slash. */
  supabaseUrl: string;
  /** Sent as `apikey` (Supabase's anon key; custos-server accepts its own). */
  anonKey: string;
  /** Base URL agents should talk to (goes into the install command). */
  agentUrl: string;
  /**
   * Cloud: where install.sh and the agent binaries are, this static host (the page's origin;
   * scripts/publish-agent-downloads.mjs puts them there). The API builds the same command from
   * CUSTOS_PUBLIC_URL. Absent self-hosted: custos-server serves them at agentUrl.
   */
  filesUrl?: string;
  /**
   * Self-hosted without CUSTOS_PUBLIC_URL: custos-server's own address as other machines likely
   * reach it, suggested when agentUrl is loopback (and used in notification links).
   */
  ownUrl?: string;
  mode: "cloud" | "self-hosted";
}

/** The anon key a self-hosted dashboard sends when custos-server does not name one. */
export const SELF_HOSTED_ANON_KEY = "custos-self-hosted";

/** What custos-server answers at `/config.json` (snake_case like the rest of the wire). */
export interface ConfigJson {
  supabase_url?: string | null;
  anon_key?: string | null;
  agent_url?: string | null;
  own_url?: string | null;
  mode?: "cloud" | "self-hosted";
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

/** Pure: combines build-time env, the optional /config.json answer and the page origin. */
export function resolveConfig(
  origin: string,
  env: { supabaseUrl: string | undefined; supabaseAnonKey: string | undefined },
  json: ConfigJson | undefined,
): RuntimeConfig {
  if (env.supabaseUrl && env.supabaseAnonKey) {
    const base = trimSlash(env.supabaseUrl);
    return {
      supabaseUrl: base,
      anonKey: env.supabaseAnonKey,
      agentUrl: base,
      filesUrl: trimSlash(origin),
      mode: "cloud",
    };
  }
  const base = trimSlash(json?.supabase_url || origin);
  return {
    supabaseUrl: base,
    anonKey: json?.anon_key || SELF_HOSTED_ANON_KEY,
    agentUrl: trimSlash(json?.agent_url || base),
    mode: json?.mode ?? "self-hosted",
    ...(json?.own_url ? { ownUrl: trimSlash(json.own_url) } : {}),
  };
}

let pending: Promise<RuntimeConfig> | undefined;

/** Loads the configuration once per page load (browser only). */
export function loadConfig(): Promise<RuntimeConfig> {
  pending ??= (async () => {
    const env = buildEnv();
    if (env.supabaseUrl && env.supabaseAnonKey) return resolveConfig(window.location.origin, env, undefined);
    let json: ConfigJson | undefined;
    try {
      const res = await fetch("/config.json", { cache: "no-store" });
      if (res.ok && res.headers.get("content-type")?.includes("json"))
        json = (await res.json()) as ConfigJson;
    } catch {
      // not served (a plain static host): the page's origin is the base URL
    }
    return resolveConfig(window.location.origin, env, json);
  })();
  return pending;
}
