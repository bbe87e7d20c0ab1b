import { WebhookPayload } from "@custos/protocol";
import { describe, expect, it } from "vitest";
import type { StoredAlert } from "../store/alerts.ts";
import { ntfyHeaders } from "./channels/ntfy.ts";
import { slackText } from "./channels/slack.ts";
import { webhookPayload } from "./channels/webhook.ts";
import { backendRestoredText, backendUnreachableText, downText, restoredText } from "./format.ts";

const started = Date.UTC(2026, 4, 1, 10, 0, 0);

describe("alert texts", () => {
  it("says what is down, where, since when and why", () => {
    const text = downText({
      monitor: "http:api",
      server: "web-1",
      startedAt: started,
      failures: 2,
      message: "HTTP 503",
      incidentKey: "s:http:api:t",
    });
    expect(text.title).toBe("DOWN: http:api on web-1");
    expect(text.body).toBe(
      "http:api on web-1 is down since 2026-05-01T10:00:00.000Z (2 failed checks in a row).\nHTTP 503\nIncident: s:http:api:t",
    );
  });

  it("gives the outage duration when restored", () => {
    const text = restoredText({
      monitor: "http:api",
      server: "web-1",
      startedAt: started,
      durationMs: 192_000,
      incidentKey: "k",
    });
    expect(text.title).toBe("RESTORED: http:api on web-1");
    expect(text.body).toContain("restored after 3m 12s (down since 2026-05-01T10:00:00.000Z)");
  });

  it("explains a backend outage and its end", () => {
    const down = backendUnreachableText({
      server: "web-1",
      startedAt: started,
      now: started + 330_000,
      lastError: "fetch failed: ECONNREFUSED",
      incidentKey: "k",
    });
    expect(down.title).toBe("Custos backend unreachable from web-1");
    expect(down.body).toContain("has not reached the Custos backend for 5m 30s");
    expect(down.body).toContain("Last error: fetch failed: ECONNREFUSED.");
    const back = backendRestoredText({
      server: "web-1",
      startedAt: started,
      durationMs: 720_000,
      incidentKey: "k",
    });
    expect(back.body).toContain("restored after 12m");
  });
});

describe("channel payloads", () => {
  const alert: StoredAlert = {
    id: 1,
    incidentKey: "srv:http:api:2026-05-01T10:00:00.000Z",
    monitor: "http:api",
    state: "restored",
    startedAt: started,
    createdAt: started + 192_000,
    title: "RESTORED: http:api on web-1",
    body: "http:api on web-1 restored after 3m 12s",
    durationMs: 192_000,
  };

  it("gives webhooks the shared payload: source agent, event, incident key, server, monitor, start and duration", () => {
    const sentAt = new Date(started + 193_000);
    const payload = webhookPayload({ alert, serverName: "web-1", serverId: "srv" }, sentAt);
    expect(payload).toEqual({
      source: "agent",
      event: "restored",
      title: "RESTORED: http:api on web-1",
      text: "http:api on web-1 restored after 3m 12s",
      incident_key: "srv:http:api:2026-05-01T10:00:00.000Z",
      server: { id: "srv", name: "web-1" },
      monitor: "http:api",
      started_at: "2026-05-01T10:00:00.000Z",
      duration_seconds: 192,
      duration: "3m 12s",
      ack_url: null,
      sent_at: "2026-05-01T10:03:13.000Z",
    });
    // what a receiver parses, with nothing it would drop
    expect(WebhookPayload.strict().parse(payload)).toEqual(payload);
  });

  it("sends a null server id from an agent that has not registered yet", () => {
    const payload = webhookPayload({ alert, serverName: "web-1", serverId: undefined }, new Date(started));
    expect(payload.server).toEqual({ id: null, name: "web-1" });
    expect(WebhookPayload.safeParse(payload).success).toBe(true);
  });

  it("gives Slack the title in bold over the body", () => {
    expect(slackText("DOWN: x", "body")).toBe("*DOWN: x*\nbody");
  });

  it("sets ntfy's Title, Priority and Tags, and the token when there is one", () => {
    expect(ntfyHeaders({ alert, serverName: "web-1", serverId: "srv" })).toMatchObject({
      Title: "RESTORED: http:api on web-1",
      Priority: "default",
      Tags: "white_check_mark",
    });
    const down = ntfyHeaders(
      {
        alert: { ...alert, state: "down", title: "DOWN: café on sérveur" },
        serverName: "s",
        serverId: undefined,
      },
      "tk_1",
    );
    expect(down).toMatchObject({ Priority: "high", Tags: "rotating_light", Authorization: "Bearer tk_1" });
    expect(down.Title).toBe(`=?UTF-8?B?${Buffer.from("DOWN: café on sérveur").toString("base64")}?=`);
  });
});
