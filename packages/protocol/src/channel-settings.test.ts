import { describe, expect, it } from "vitest";
import { CHANNEL_SECRET_KEYS } from "./channel-secrets.ts";
import { ChannelSettings, SETTINGS_BY_KIND } from "./channel-settings.ts";
import { NotificationChannelKind } from "./dashboard.ts";

describe("channel settings", () => {
  it("list for the browser exactly the secret keys of each kind's schema", () => {
    for (const kind of NotificationChannelKind.options) {
      expect([...CHANNEL_SECRET_KEYS[kind]].sort(), kind).toEqual(
        Object.keys(SETTINGS_BY_KIND[kind].secret.shape).sort(),
      );
    }
  });

  it("have a schema for every channel kind; only a webhook's headers are both plain and secret", () => {
    expect(Object.keys(SETTINGS_BY_KIND).sort()).toEqual([...NotificationChannelKind.options].sort());
    const both = NotificationChannelKind.options.flatMap((kind) => {
      const config = Object.keys(SETTINGS_BY_KIND[kind].config.shape);
      return CHANNEL_SECRET_KEYS[kind].filter((key) => config.includes(key)).map((key) => `${kind}.${key}`);
    });
    expect(both).toEqual(["webhook.headers"]);
  });

  it("refuse an unknown kind, naming the kind", () => {
    expect(
      ChannelSettings.safeParse({ kind: "opsgenie", config: {}, secret: {} }).error?.issues[0]?.path,
    ).toEqual(["kind"]);
  });
});
