import { NotificationChannelKind } from "@custos/protocol/dashboard";
import { describe, expect, it } from "vitest";
import { CHANNEL_FIELDS, channelPayload, channelTarget, KIND_LABEL } from "./channel-form.ts";

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
});
