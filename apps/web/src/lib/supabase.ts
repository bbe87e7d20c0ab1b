import type { SupabaseClient } from "@supabase/supabase-js";
import { loadConfig, type RuntimeConfig } from "./config.ts";

/** Where supabase-js keeps the session (localStorage), also read by lib/early-requests.ts. */
export const SESSION_STORAGE_KEY = "custos.auth";

let client: Promise<{ supabase: SupabaseClient; config: RuntimeConfig }> | undefined;

/**
 * The one supabase-js client of the page. Only its auth part is used: sign-up, password sign-in,
 * refresh and sign-out against `/auth/v1` (Supabase Auth, or custos-server's subset). Sessions
 * live in localStorage; the client refreshes the access token before it expires.
 */
export function getSupabase(): Promise<{ supabase: SupabaseClient; config: RuntimeConfig }> {
  // supabase-js (~58 KiB compressed, ~240 KiB of script) is its own chunk, fetched alongside
  // /config.json: it is no longer evaluated before the page can start (issue 17, decision 0049)
  client ??= Promise.all([loadConfig(), import("@supabase/supabase-js")]).then(
    ([config, { createClient }]) => ({
      config,
      supabase: createClient(config.supabaseUrl, config.anonKey, {
        auth: {
          persistSession: true,
          autoRefreshToken: true,
          detectSessionInUrl: false,
          storageKey: SESSION_STORAGE_KEY,
        },
      }),
    }),
  );
  return client;
}
