import { AS_ROOT, installCommand } from "@custos/protocol/install";
import { describe, expect, it } from "vitest";
import { resolveConfig, SELF_HOSTED_ANON_KEY } from "./config.ts";

const none = { supabaseUrl: undefined, supabaseAnonKey: undefined };

describe("runtime config", () => {
  it("uses the page's origin self-hosted when custos-server names nothing", () => {
    expect(
      resolveConfig("http://10.0.0.5:8080", none, {
        supabase_url: null,
        anon_key: null,
        mode: "self-hosted",
      }),
    ).toEqual({
      supabaseUrl: "http://10.0.0.5:8080",
      anonKey: SELF_HOSTED_ANON_KEY,
      agentUrl: "http://10.0.0.5:8080",
      mode: "self-hosted",
    });
  });

  it("falls back to the origin when /config.json is not served (plain static host)", () => {
    expect(resolveConfig("https://status.example.com", none, undefined).supabaseUrl).toBe(
      "https://status.example.com",
    );
  });

  it("puts CUSTOS_PUBLIC_URL (agent_url) into the install command", () => {
    const config = resolveConfig("http://localhost:8080", none, { agent_url: "https://mon.example.com/" });
    expect(config.agentUrl).toBe("https://mon.example.com");
    expect(config.supabaseUrl).toBe("http://localhost:8080");
  });

  it("keeps custos-server's own address to suggest when the dashboard is opened on loopback", () => {
    const config = resolveConfig("http://localhost:8080", none, { own_url: "http://192.0.2.2:8080/" });
    expect(config.agentUrl).toBe("http://localhost:8080");
    expect(config.ownUrl).toBe("http://192.0.2.2:8080");
  });

  it("prefers the build-time cloud project over anything at run time", () => {
    const config = resolveConfig(
      "https://app.example.com",
      { supabaseUrl: "https://abc.supabase.co", supabaseAnonKey: "anon" },
      { supabase_url: "http://elsewhere" },
    );
    expect(config).toEqual({
      supabaseUrl: "https://abc.supabase.co",
      anonKey: "anon",
      agentUrl: "https://abc.supabase.co",
      filesUrl: "https://app.example.com",
      mode: "cloud",
    });
  });

  it("cloud: the fallback install command takes install.sh and the binaries from this static host", () => {
    const config = resolveConfig(
      "https://app.example.com",
      { supabaseUrl: "https://abc.supabase.co/", supabaseAnonKey: "anon" },
      undefined,
    );
    // what the API answers with CUSTOS_PUBLIC_URL=https://app.example.com (backend installFilesUrl)
    expect(installCommand(config.agentUrl, "cus_abc", { filesUrl: config.filesUrl })).toBe(
      `curl -fsSL https://app.example.com/install.sh | ${AS_ROOT} bash -s -- --api-key=cus_abc --url https://abc.supabase.co --downloads https://app.example.com/downloads`,
    );
  });

  it("self-hosted: no files URL, the install command is custos-server's alone", () => {
    const config = resolveConfig("http://10.0.0.5:8080", none, { agent_url: "https://mon.example.com" });
    expect(config.filesUrl).toBeUndefined();
    expect(installCommand(config.agentUrl, "cus_abc", { filesUrl: config.filesUrl })).toBe(
      `curl -fsSL https://mon.example.com/install.sh | ${AS_ROOT} bash -s -- --api-key=cus_abc --url https://mon.example.com`,
    );
  });
});
