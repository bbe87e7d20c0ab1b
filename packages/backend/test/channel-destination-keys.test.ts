import { destinationKeys, destinationNames } from "@custos/protocol";
import { describe, expect, it } from "vitest";
import { channelDestinationKeys } from "../src/channels/destination-keys.ts";

describe("destination keys of the chat and paging channels", () => {
  it("keys a Discord channel by its webhook URL, from the secret", async () => {
    const url = "https://discord.com/api/webhooks/1/s3cr3t";
    const [key] = await channelDestinationKeys("discord", {}, { webhook_url: url });
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect([key]).toEqual(await destinationKeys(destinationNames("discord", { url })));
    expect(await channelDestinationKeys("discord", {}, null)).toEqual([]);
  });

  it("keys a Telegram channel by its chat, whichever bot posts to it", async () => {
    const a = await channelDestinationKeys("telegram", { chat_id: "@Custos_Alerts" }, { bot_token: "1:a" });
    const b = await channelDestinationKeys("telegram", { chat_id: "@custos_alerts" }, { bot_token: "2:b" });
    expect(a).toHaveLength(1);
    expect(a).toEqual(b);
  });

  it("keys a Gotify channel by server and application, so two apps on one server differ", async () => {
    const server = "https://gotify.example.com/";
    const one = await channelDestinationKeys("gotify", { server }, { app_token: "AppOne.token" });
    const same = await channelDestinationKeys(
      "gotify",
      { server: "https://gotify.example.com" },
      { app_token: "AppOne.token" },
    );
    const two = await channelDestinationKeys("gotify", { server }, { app_token: "AppTwo.token" });
    expect(one).toHaveLength(1);
    expect(same).toEqual(one);
    expect(two).not.toEqual(one);
    expect(one[0]).not.toContain("AppOne");
  });

  it("keys a Pushover channel by its user key, whichever application sends", async () => {
    const a = await channelDestinationKeys(
      "pushover",
      {},
      { app_token: "a".repeat(30), user_key: "u".repeat(30) },
    );
    const b = await channelDestinationKeys(
      "pushover",
      { device: "phone" },
      { app_token: "b".repeat(30), user_key: "u".repeat(30) },
    );
    expect(a).toHaveLength(1);
    expect(b).toEqual(a);
    expect(
      await channelDestinationKeys("pushover", {}, { app_token: "a".repeat(30), user_key: "v".repeat(30) }),
    ).not.toEqual(a);
  });

  it("keys a PagerDuty channel by its integration key, from the secret", async () => {
    const [key] = await channelDestinationKeys("pagerduty", {}, { routing_key: "k".repeat(32) });
    expect([key]).toEqual(await destinationKeys(destinationNames("pagerduty", { token: "k".repeat(32) })));
    expect(await channelDestinationKeys("pagerduty", {}, { routing_key: "j".repeat(32) })).not.toEqual([key]);
    expect(await channelDestinationKeys("pagerduty", {}, null)).toEqual([]);
  });

  it("keys a Matrix channel by homeserver and room, whichever account posts", async () => {
    const a = await channelDestinationKeys(
      "matrix",
      { homeserver: "https://matrix.example.org/", room_id: "!ops:example.org" },
      { access_token: "one" },
    );
    const b = await channelDestinationKeys(
      "matrix",
      { homeserver: "https://matrix.example.org", room_id: "!ops:example.org" },
      { access_token: "two" },
    );
    const other = await channelDestinationKeys(
      "matrix",
      { homeserver: "https://matrix.example.org", room_id: "!dev:example.org" },
      { access_token: "one" },
    );
    expect(a).toHaveLength(1);
    expect(b).toEqual(a);
    expect(other).not.toEqual(a);
  });

  it("keys a Teams channel by its workflow URL, from the secret", async () => {
    const url = "https://prod-01.westus.logic.azure.com/workflows/1/triggers/manual/paths/invoke?sig=s3cr3t";
    const [key] = await channelDestinationKeys("teams", {}, { webhook_url: url });
    expect([key]).toEqual(await destinationKeys(destinationNames("teams", { url })));
    expect(key).not.toContain("s3cr3t");
  });
});
