/**
 * The dashboard's only environment, read in this one place. Both variables are inlined at build
 * time (Next.js replaces `process.env.NEXT_PUBLIC_*` literals) and are only for the cloud build:
 * self-hosted, the dashboard asks custos-server for `/config.json` and otherwise uses the page's
 * own origin (see lib/config.ts).
 */
export interface BuildEnv {
  /** Supabase project URL, e.g. https://abc.supabase.co (cloud builds). */
  supabaseUrl: string | undefined;
  /** The project's anon (publishable) key (cloud builds). */
  supabaseAnonKey: string | undefined;
}

export class EnvError extends Error {
  readonly variable: string;
  constructor(variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = "EnvError";
    this.variable = variable;
  }
}

function blankToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

/** Parses the build-time variables; throws an EnvError naming the variable when one is wrong. */
export function parseBuildEnv(raw: { url: string | undefined; anonKey: string | undefined }): BuildEnv {
  const supabaseUrl = blankToUndefined(raw.url);
  const supabaseAnonKey = blankToUndefined(raw.anonKey);
  if (supabaseUrl !== undefined) {
    let parsed: URL;
    try {
      parsed = new URL(supabaseUrl);
    } catch {
      throw new EnvError("NEXT_PUBLIC_SUPABASE_URL", `"${supabaseUrl}" is not a URL`);
    }
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
      throw new EnvError("NEXT_PUBLIC_SUPABASE_URL", "must be an http(s) URL");
    }
    if (supabaseAnonKey === undefined) {
      throw new EnvError("NEXT_PUBLIC_SUPABASE_ANON_KEY", "is required when NEXT_PUBLIC_SUPABASE_URL is set");
    }
  } else if (supabaseAnonKey !== undefined) {
    throw new EnvError("NEXT_PUBLIC_SUPABASE_URL", "is required when NEXT_PUBLIC_SUPABASE_ANON_KEY is set");
  }
  return { supabaseUrl: supabaseUrl?.replace(/\/+$/, ""), supabaseAnonKey };
}

export function buildEnv(): BuildEnv {
  return parseBuildEnv({
    // literal accesses: Next.js inlines exactly these expressions into the browser bundle
    url: process.env.NEXT_PUBLIC_SUPABASE_URL,
    anonKey: process.env.NEXT_PUBLIC_SUPABASE_ANON_KEY,
  });
}
