import { destinationKeys, destinationNames, type LocalAlertChannel } from "@custos/protocol";
import { describe, expect, it } from "vitest";
import { destinationKeysSync } from "./index.ts";

const CHANNELS: LocalAlertChannel[] = [
  {
    type: "email",
    host: "mx",
    port: 587,
    secure: false,
    from: "a@b.c",
    to: ["Ops@Example.com", "oncall@example.com"],
  },
  { type: "slack", webhook_url: "https://hooks.slack.com/services/T0/B0/secret" },
  { type: "webhook", url: "http://HA.local:8123/api/webhook/custos" },
  { type: "ntfy", server: "https://ntfy.sh/", topic: "custos-alerts" },
];

describe("the destinations a local channel reports", () => {
  it("are the protocol's keys, computed the same way the backend computes them for its channels", async () => {
    for (const config of CHANNELS) {
      const target = config.type === "slack" ? { url: config.webhook_url } : config;
      expect(destinationKeysSync(config)).toEqual(
        await destinationKeys(destinationNames(config.type, target)),
      );
    }
  });

  it("name one key per email address, case-insensitively, and one per URL or ntfy topic", () => {
    const [email, slack, webhook, ntfy] = CHANNELS.map(destinationKeysSync);
    expect(email).toHaveLength(2);
    expect(slack).toHaveLength(1);
    expect(webhook).toHaveLength(1);
    expect(ntfy).toEqual(
      destinationKeysSync({ type: "ntfy", server: "https://ntfy.sh", topic: "custos-alerts" }),
    );
    expect(
      destinationKeysSync({
        ...(CHANNELS[0] as LocalAlertChannel & { type: "email" }),
        to: "ops@example.com",
      }),
    ).toEqual(email?.slice(0, 1));
    for (const key of [email, slack, webhook, ntfy].flat()) expect(key).toMatch(/^[0-9a-f]{32}$/);
  });
});
