import {
  destinationKeys,
  destinationNames,
  type LocalAlertChannel,
  settingsDestinationNames,
} from "@custos/protocol";
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

const PROVIDERS: LocalAlertChannel[] = [
  { type: "discord", webhook_url: "https://discord.com/api/webhooks/1/t0ken" },
  { type: "telegram", chat_id: "@Custos_Alerts", bot_token: "1:AAAAAAAAAAAAAAAAAAAAAAAA" },
  { type: "gotify", server: "https://push.example.com/", app_token: "AppToken.1" },
  { type: "pushover", app_token: "a".repeat(30), user_key: "u".repeat(30) },
  { type: "pagerduty", routing_key: "k".repeat(32) },
  {
    type: "matrix",
    homeserver: "https://matrix.example.org",
    room_id: "!ops:example.org",
    access_token: "t",
  },
  { type: "teams", webhook_url: "https://prod-01.westus.logic.azure.com/workflows/1?sig=s" },
];

describe("the destinations a local channel reports", () => {
  it("are the protocol's keys, computed the same way the backend computes them for its channels", async () => {
    for (const config of [...CHANNELS, ...PROVIDERS]) {
      expect(destinationKeysSync(config)).toEqual(
        await destinationKeys(settingsDestinationNames(config.type, config)),
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

  it("name the same destination the backend's channel of the kind names: a chat, a room, a service", async () => {
    const [discord, telegram, gotify, pushover, pagerduty, matrix, teams] =
      PROVIDERS.map(destinationKeysSync);
    const expected = await Promise.all([
      destinationKeys(destinationNames("discord", { url: "https://discord.com/api/webhooks/1/t0ken" })),
      destinationKeys(destinationNames("telegram", { chat_id: "@custos_alerts" })),
      destinationKeys(
        destinationNames("gotify", { server: "https://push.example.com", token: "AppToken.1" }),
      ),
      destinationKeys(destinationNames("pushover", { user: "u".repeat(30) })),
      destinationKeys(destinationNames("pagerduty", { token: "k".repeat(32) })),
      destinationKeys(
        destinationNames("matrix", { server: "https://matrix.example.org/", room: "!ops:example.org" }),
      ),
      destinationKeys(
        destinationNames("teams", { url: "https://prod-01.westus.logic.azure.com/workflows/1?sig=s" }),
      ),
    ]);
    expect([discord, telegram, gotify, pushover, pagerduty, matrix, teams]).toEqual(expected);
  });
});
