import { describe, expect, it } from "vitest";
import { EnvError, parseBuildEnv } from "./env.ts";

describe("build-time env", () => {
  it("is empty for a self-hosted build (no variables)", () => {
    expect(parseBuildEnv({ url: undefined, anonKey: undefined })).toEqual({
      supabaseUrl: undefined,
      supabaseAnonKey: undefined,
    });
    expect(parseBuildEnv({ url: " ", anonKey: "" }).supabaseUrl).toBeUndefined();
  });

  it("takes a cloud project's URL (without trailing slash) and anon key", () => {
    expect(parseBuildEnv({ url: "https://abc.supabase.co/", anonKey: "anon" })).toEqual({
      supabaseUrl: "https://abc.supabase.co",
      supabaseAnonKey: "anon",
    });
  });

  it("names the variable that is wrong", () => {
    expect(() => parseBuildEnv({ url: "not a url", anonKey: "k" })).toThrow(/NEXT_PUBLIC_SUPABASE_URL/);
    expect(() => parseBuildEnv({ url: "ftp://x", anonKey: "k" })).toThrow(EnvError);
    expect(() => parseBuildEnv({ url: "https://x.supabase.co", anonKey: undefined })).toThrow(
      /NEXT_PUBLIC_SUPABASE_ANON_KEY/,
    );
    expect(() => parseBuildEnv({ url: undefined, anonKey: "k" })).toThrow(/NEXT_PUBLIC_SUPABASE_URL/);
  });
});
