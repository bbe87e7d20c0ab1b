import { SETTINGS_BY_KIND } from "@custos/protocol";
import { NotificationChannelKind } from "@custos/protocol/dashboard";
import { describe, expect, it } from "vitest";
import {
  CHANNEL_FIELDS,
  channelFormValues,
  channelPayload,
  channelTarget,
  channelUpdate,
  KIND_LABEL,
} from "./channel-form.ts";

describe("channel form", () => {
  it("offers every channel kind the API accepts, each with a label and at least one field", () => {
    expect(Object.keys(KIND_LABEL).sort()).toEqual([...NotificationChannelKind.options].sort());
    for (const kind of NotificationChannelKind.options) {
      expect(CHANNEL_FIELDS[kind].length, kind).toBeGreaterThan(0);
    }
  });

  it("sends a Discord webhook URL as a secret and describes the channel without it", () => {
    const url = "https://discord.com/api/webhooks/123456789012345678/s3cr3t-token";
    expect(KIND_LABEL.discord).toBe("Discord");
    expect(channelPayload("discord", { webhook_url: ` ${url} ` })).toEqual({
      config: {},
      secret: { webhook_url: url },
    });
    expect(channelTarget("discord", {})).toBe("Discord webhook");
  });

  it("sends a Telegram chat id as config and the bot token as a secret", () => {
    expect(KIND_LABEL.telegram).toBe("Telegram");
    expect(
      channelPayload("telegram", { chat_id: " -1001234567890 ", bot_token: "123456789:AAE-token" }),
    ).toEqual({ config: { chat_id: "-1001234567890" }, secret: { bot_token: "123456789:AAE-token" } });
    expect(CHANNEL_FIELDS.telegram.find((f) => f.key === "bot_token")?.type).toBe("password");
    expect(channelTarget("telegram", { chat_id: "@custos_alerts" })).toBe("Telegram chat @custos_alerts");
  });

  it("sends a Gotify server as config and the application token as a secret", () => {
    expect(KIND_LABEL.gotify).toBe("Gotify");
    expect(channelPayload("gotify", { server: "https://push.example.com", app_token: "AqG0t1fy.x" })).toEqual(
      {
        config: { server: "https://push.example.com" },
        secret: { app_token: "AqG0t1fy.x" },
      },
    );
    expect(channelTarget("gotify", { server: "https://push.example.com" })).toBe(
      "Gotify https://push.example.com",
    );
  });

  it("sends Pushover's user key and application token as secrets and the devices as config", () => {
    expect(KIND_LABEL.pushover).toBe("Pushover");
    expect(
      channelPayload("pushover", { user_key: "u".repeat(30), app_token: "a".repeat(30), device: "" }),
    ).toEqual({
      config: {},
      secret: { user_key: "u".repeat(30), app_token: "a".repeat(30) },
    });
    expect(
      channelPayload("pushover", { user_key: "u", app_token: "a", device: "phone, tablet" }).config,
    ).toEqual({
      device: "phone, tablet",
    });
    expect(channelTarget("pushover", { device: "phone,tablet" })).toBe("Pushover (phone,tablet)");
    expect(channelTarget("pushover", {})).toBe("Pushover");
  });

  it("takes which settings are secrets from the protocol's schemas, for every kind", () => {
    for (const kind of NotificationChannelKind.options) {
      const { config, secret } = SETTINGS_BY_KIND[kind];
      const secretKeys = Object.keys(secret.shape);
      const configKeys = Object.keys(config.shape);
      for (const field of CHANNEL_FIELDS[kind]) {
        expect(secretKeys.includes(field.key) || configKeys.includes(field.key), `${kind}.${field.key}`).toBe(
          true,
        );
        expect(field.secret, `${kind}.${field.key}`).toBe(secretKeys.includes(field.key));
      }
    }
  });

  it("sends PagerDuty's integration key, Matrix's access token and the Teams workflow URL as secrets", () => {
    expect(channelPayload("pagerduty", { routing_key: "k".repeat(32) })).toEqual({
      config: {},
      secret: { routing_key: "k".repeat(32) },
    });
    expect(
      channelPayload("matrix", {
        homeserver: "https://matrix.example.org",
        room_id: "!ops:example.org",
        access_token: "syt_x",
      }),
    ).toEqual({
      config: { homeserver: "https://matrix.example.org", room_id: "!ops:example.org" },
      secret: { access_token: "syt_x" },
    });
    const url = "https://prod-01.westus.logic.azure.com/workflows/1/triggers/manual/paths/invoke?sig=s";
    expect(channelPayload("teams", { webhook_url: url })).toEqual({
      config: {},
      secret: { webhook_url: url },
    });
    expect(channelTarget("matrix", { room_id: "!ops:example.org" })).toBe("Matrix !ops:example.org");
    expect(channelTarget("teams", {})).toBe("Teams workflow");
    expect(channelTarget("pagerduty", {})).toBe("PagerDuty service");
  });

  it("fills an edit form from the stored config and leaves every secret field empty", () => {
    expect(channelFormValues("sms", { to: ["+14155550123", "+14155550199"], from: "+14155550100" })).toEqual({
      to: "+14155550123, +14155550199",
      from: "+14155550100",
    });
    expect(
      channelFormValues("webhook", { url: "https://example.com/h", headers: { "X-Team": "ops" } }),
    ).toEqual({
      url: "https://example.com/h",
    });
  });

  it("sends an edit without a secret when no secret field was typed in, so the stored one is kept", () => {
    const stored = { to: ["+14155550123"], from: "+14155550100" };
    expect(channelUpdate("sms", stored, { to: "+14155550123, +14155550199", from: "+14155550100" })).toEqual({
      config: { to: ["+14155550123", "+14155550199"], from: "+14155550100" },
    });
    expect(channelUpdate("sms", stored, { to: "+14155550123", auth_token: " new-token " })).toEqual({
      config: { to: ["+14155550123"] },
      secret: { auth_token: "new-token" },
    });
  });

  it("keeps config the form does not show (a webhook's plain headers) when editing", () => {
    const stored = { url: "https://example.com/old", headers: { "X-Team": "ops" } };
    expect(channelUpdate("webhook", stored, { url: "https://example.com/new" })).toEqual({
      config: { url: "https://example.com/new", headers: { "X-Team": "ops" } },
    });
  });
});
