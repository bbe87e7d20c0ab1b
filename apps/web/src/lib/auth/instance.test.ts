import { describe, expect, it } from "vitest";
import { loadInstanceSettings, parseInstanceSettings } from "./instance.ts";

describe("the instance's sign-up settings", () => {
  it("reads custos-server's answer", () => {
    expect(
      parseInstanceSettings({
        disable_signup: false,
        custos: { signups: "invite-only", has_users: false },
      }),
    ).toEqual({ signups: "invite-only", hasUsers: false });
    expect(parseInstanceSettings({ custos: { signups: "closed", has_users: true } })).toEqual({
      signups: "closed",
      hasUsers: true,
    });
  });

  it("is undefined for Supabase Auth's answer, which has no custos key, so the cloud dashboard is unchanged", () => {
    expect(
      parseInstanceSettings({
        external: { email: true },
        disable_signup: false,
        mailer_autoconfirm: false,
      }),
    ).toBeUndefined();
  });

  it("ignores answers it does not understand instead of guessing", () => {
    for (const json of [
      null,
      "text",
      [],
      { custos: null },
      { custos: "open" },
      { custos: { signups: "maybe", has_users: false } },
      { custos: { signups: "open", has_users: "no" } },
      { custos: { signups: "open" } },
      { custos: { has_users: false } },
    ]) {
      expect(parseInstanceSettings(json), JSON.stringify(json)).toBeUndefined();
    }
  });

  it("treats a failed or refused request as no information", async () => {
    const failing = (async () => {
      throw new TypeError("Failed to fetch");
    }) as unknown as typeof fetch;
    expect(await loadInstanceSettings("http://x", "k", failing)).toBeUndefined();
    const notFound = (async () => new Response("{}", { status: 404 })) as unknown as typeof fetch;
    expect(await loadInstanceSettings("http://x", "k", notFound)).toBeUndefined();
    const notJson = (async () => new Response("<html>", { status: 200 })) as unknown as typeof fetch;
    expect(await loadInstanceSettings("http://x", "k", notJson)).toBeUndefined();
    let asked = "";
    const ok = (async (url: string) => {
      asked = url;
      return Response.json({ custos: { signups: "open", has_users: true } });
    }) as unknown as typeof fetch;
    expect(await loadInstanceSettings("http://custos.test", "k", ok)).toEqual({
      signups: "open",
      hasUsers: true,
    });
    expect(asked).toBe("http://custos.test/auth/v1/settings");
  });
});
