import { configVersion } from "@custos/protocol";
import { describe, expect, it } from "vitest";
import { plugins } from "../plugins/registry.ts";
import { validateCentral } from "./central.ts";

async function doc(monitors: unknown[], thresholds: unknown[] = []) {
  return { version: await configVersion({ monitors, thresholds }), monitors, thresholds };
}

const validate = (document: unknown, env: Record<string, string> = {}) =>
  validateCentral(document, { plugins, env });

describe("validating a central configuration document", () => {
  it("resolves monitors with the plugins' own schemas and thresholds with their durations", async () => {
    const result = await validate(
      await doc(
        [
          {
            type: "http",
            name: "site",
            check_interval: "30s",
            options: { url: "https://example.com/", method: "head" },
          },
        ],
        [{ metric: "memory.used_percent", crit_above: 90, for: "5m", missing_after: "2m" }],
      ),
    );
    if (!result.ok) throw new Error(result.reason);
    const [site] = result.settings.monitors;
    expect(site).toMatchObject({ name: "site", type: "http", intervalMs: 30_000, enabled: true });
    expect(site?.options).toMatchObject({ url: "https://example.com/", method: "HEAD", retries: 1 });
    expect(result.settings.thresholds).toEqual([
      {
        threshold: { metric: "memory.used_percent", crit_above: 90, missing_after: 120_000 },
        forMs: 300_000,
      },
    ]);
  });

  it("substitutes ${VAR} references from the agent's environment, typed as agent.yaml types them", async () => {
    const monitors = [{ type: "http", name: "site", options: { url: "${SITE_URL}", retries: "${RETRIES}" } }];
    const result = await validate(await doc(monitors), { SITE_URL: "https://intra.example/", RETRIES: "3" });
    if (!result.ok) throw new Error(result.reason);
    expect(result.settings.monitors[0]?.options).toMatchObject({ url: "https://intra.example/", retries: 3 });
  });

  it.each([
    [
      "an invalid option, named as the dashboard wrote it",
      [
        { type: "http", name: "a", options: { url: "https://a.example/" } },
        { type: "http", name: "b", options: { url: "ftp://x" } },
      ],
      "monitors[1].options.url: url must be an http:// or https:// URL",
    ],
    [
      "an unknown option",
      [{ type: "http", name: "a", options: { url: "https://a.example/", colour: 1 } }],
      "monitors[0].options.colour: unknown key",
    ],
    [
      "an unknown type",
      [{ type: "telnet", name: "t", options: {} }],
      'monitors[0].type: unknown monitor type "telnet"',
    ],
    [
      "a common key among the options",
      [{ type: "system", name: "s", options: { timeout: "1s" } }],
      "monitors[0].options.timeout: is a monitor key",
    ],
    [
      "two monitors of one name",
      [
        { type: "system", name: "s" },
        { type: "system", name: "s" },
      ],
      'duplicate monitor name "s"',
    ],
    [
      "a reference to a variable the agent does not have",
      [{ type: "http", name: "a", options: { url: "${NOPE}" } }],
      "monitors[0].options.url: environment variable NOPE is not set",
    ],
  ])("refuses %s with a reason that says where", async (_what, monitors, reason) => {
    const result = await validate(await doc(monitors));
    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.reason).toContain(reason);
  });

  it("refuses a threshold the backend would refuse too, and a document whose version does not match", async () => {
    const bad = await validate(await doc([], [{ metric: "cpu.percent", warn_above: 9, crit_above: 5 }]));
    expect(bad.ok ? "" : bad.reason).toContain("thresholds[0].warn_above");
    const tampered = { ...(await doc([])), monitors: [{ type: "system", name: "s" }] };
    expect(
      (await validate(tampered)).ok ? "" : ((await validate(tampered)) as { reason: string }).reason,
    ).toContain("does not match its version");
    for (const junk of [
      null,
      "text",
      { version: "x" },
      { version: "a".repeat(64), monitors: {}, thresholds: [] },
    ]) {
      expect((await validate(junk)).ok).toBe(false);
    }
  });

  it("keeps an over-long reason within what the backend stores (2000 characters)", async () => {
    const monitors = Array.from({ length: 150 }, (_, i) => ({
      type: "http",
      name: `m${i}`,
      options: { url: "ftp://x" },
    }));
    const result = await validate(await doc(monitors));
    expect(result.ok ? 0 : result.reason.length).toBeLessThanOrEqual(2000);
  });
});
