import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import { loadConfig, type RuntimeConfig } from "./config.ts";

let client: Promise<{ supabase: SupabaseClient; config: RuntimeConfig }> | undefined;

/**
 * The one supabase-js client of the page. Only its auth part is used: sign-up, password sign-in,
 * refresh and sign-out against `/auth/v1` (Supabase Auth, or custos-server's subset). Sessions
 * live in localStorage; the client refreshes the access token before it expires.
 */
export function getSupabase(): Promise<{ supabase: SupabaseClient; config: RuntimeConfig }> {
  client ??= loadConfig().then((config) => ({
    config,
    supabase: createClient(config.supabaseUrl, config.anonKey, {
      auth: {
        persistSession: true,
        autoRefreshToken: true,
        detectSessionInUrl: false,
        storageKey: "custos.auth",
      },
    }),
  }));
  return client;
}
