/**
 * PagerDuty's Events API v2 as its documentation describes it (PagerDuty/developer-docs,
 * docs/events-API-v2/02-Trigger-Events.md and 01-Overview.md, see src/notify/pagerduty.ts):
 * POST /v2/enqueue, `{ routing_key, event_action, dedup_key, payload: { summary, source,
 * severity, ... }, links, client, client_url }`; acknowledge and resolve carry only routing_key,
 * dedup_key and event_action. 202 `{ status: "success", message: "Event processed", dedup_key }`;
 * 400 `{ status: "invalid event", message: "Event object is invalid", errors: [...] }`.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ChannelSettings, type NotificationMessage } from "../../src/notify/index.ts";
import { pagerduty } from "../../src/notify/pagerduty.ts";
import { channel, downMessage, failure, restoredMessage, type Sink, startSink, testEnv } from "./helpers.ts";

const ROUTING_KEY = "R0ut1ngK3yPagerDutyXXXXXXXXXXXXX";
const ACK_URL = "https://custos.example.com/ack/ak_0123456789abcdefghijklmnopqrstuv";
const KEY = "5b1f9d2e-0d7a-4c3b-8e6f-1a2b3c4d5e6f:heartbeat:2026-03-01T10:00:00.000Z";

const page: NotificationMessage = { ...downMessage, incident_key: KEY, ack_url: ACK_URL };

const accepted = (request: { body: string }) => ({
  status: 202,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({
    status: "success",
    message: "Event processed",
    dedup_key: JSON.parse(request.body).dedup_key,
  }),
});

describe("pagerduty notifier", () => {
  let sink: Sink;
  let env: ReturnType<typeof testEnv>;
  const service = () => channel("pagerduty", {}, { routing_key: ROUTING_KEY });
  beforeEach(async () => {
    sink = await startSink(accepted);
    env = testEnv({ pagerdutyBaseUrl: sink.url });
  });
  afterEach(() => sink.close());

  it("triggers on /v2/enqueue with the incident's shared key as dedup_key, the incident and acknowledge links", async () => {
    await pagerduty(service(), page, env);

    const [request] = sink.received;
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe("/v2/enqueue");
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(request?.body ?? "")).toEqual({
      routing_key: ROUTING_KEY,
      event_action: "trigger",
      dedup_key: KEY,
      payload: {
        summary: "DOWN: web-1 (heartbeat missed)",
        source: "web-1",
        severity: "critical",
        timestamp: "2026-03-01T10:00:00.000Z",
        component: "heartbeat",
        group: "Acme",
        class: "down",
        custom_details: { details: downMessage.text, incident_key: KEY, acknowledge_in_custos: ACK_URL },
      },
      links: [
        { href: downMessage.url, text: "Open in Custos" },
        { href: ACK_URL, text: "Acknowledge in Custos (stops escalation and reminders)" },
      ],
      client: "Custos",
      client_url: downMessage.url,
    });
  });

  it("resolves and acknowledges the same alert: only routing_key, dedup_key and event_action", async () => {
    await pagerduty(service(), page, env);
    await pagerduty(
      service(),
      { ...page, event: "acknowledged", severity: "critical", ack_url: undefined },
      env,
    );
    await pagerduty(service(), { ...restoredMessage, incident_key: KEY }, env);

    const bodies = sink.received.map((r) => JSON.parse(r.body));
    expect(bodies.map((b) => [b.event_action, b.dedup_key])).toEqual([
      ["trigger", KEY],
      ["acknowledge", KEY],
      ["resolve", KEY],
    ]);
    expect(bodies[1]).toEqual({ routing_key: ROUTING_KEY, event_action: "acknowledge", dedup_key: KEY });
    expect(bodies[2]).toEqual({ routing_key: ROUTING_KEY, event_action: "resolve", dedup_key: KEY });
  });

  it("re-triggers the same alert for a reminder and an escalation, with PagerDuty's severities", async () => {
    await pagerduty(service(), { ...page, event: "repeat", severity: "warning" }, env);
    await pagerduty(service(), { ...page, event: "escalation", severity: "info" }, env);
    const bodies = sink.received.map((r) => JSON.parse(r.body));
    expect(bodies.map((b) => [b.event_action, b.dedup_key, b.payload.severity])).toEqual([
      ["trigger", KEY, "warning"],
      ["trigger", KEY, "info"],
    ]);
  });

  it("keeps a dedup_key within PagerDuty's 255 characters, still one per incident", async () => {
    const long = `${"5b1f9d2e-0d7a-4c3b-8e6f-1a2b3c4d5e6f"}:${"m".repeat(200)}:2026-03-01T10:00:00.000Z`;
    await pagerduty(service(), { ...page, incident_key: long }, env);
    await pagerduty(service(), { ...restoredMessage, incident_key: long }, env);
    await pagerduty(service(), { ...page, incident_key: `${long.slice(0, -1)}1` }, env);
    const keys = sink.received.map((r) => JSON.parse(r.body).dedup_key as string);
    for (const key of keys) expect(key.length).toBeLessThanOrEqual(255);
    expect(keys[0]).toBe(keys[1]);
    expect(keys[2]).not.toBe(keys[0]);
  });

  it("triggers a test notification under a key of its own, at info severity", async () => {
    const test: NotificationMessage = {
      event: "test",
      severity: "info",
      title: "Custos test notification",
      text: "If you can read this, the channel works.",
      org: downMessage.org,
    };
    await pagerduty(service(), test, env);
    const body = JSON.parse(sink.received[0]?.body ?? "");
    expect(body).toMatchObject({ event_action: "trigger", payload: { severity: "info", source: "Acme" } });
    expect(body.dedup_key).toMatch(/^custos-test:/);
  });

  it("treats 400 as permanent, quoting PagerDuty's errors without the routing key", async () => {
    sink.reply((request) => ({
      status: 400,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        status: "invalid event",
        message: "Event object is invalid",
        errors: [`'routing_key' ${JSON.parse(request.body).routing_key} is invalid`],
      }),
    }));
    const error = await failure(pagerduty(service(), page, env));
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      "PagerDuty: HTTP 400: Event object is invalid: 'routing_key' [redacted] is invalid",
    );
  });

  it("retries 429 (too many events for the service), 5xx, and no answer", async () => {
    sink.reply(() => ({ status: 429, headers: { "retry-after": "30" }, body: "" }));
    const limited = await failure(pagerduty(service(), page, env));
    expect([limited.retryable, limited.message]).toEqual([true, "PagerDuty: HTTP 429; retry after 30 s"]);
    sink.reply(() => ({ status: 503, body: "upstream unavailable" }));
    expect((await failure(pagerduty(service(), page, env))).retryable).toBe(true);
    sink.reply(() => "hang");
    const slow = await failure(
      pagerduty(service(), page, testEnv({ pagerdutyBaseUrl: sink.url, timeoutMs: 200 })),
    );
    expect([slow.retryable, slow.message]).toEqual([true, "PagerDuty: no answer within 200 ms"]);
  });

  it("refuses to send without a well-formed routing key, naming the field", async () => {
    const error = await failure(pagerduty(channel("pagerduty", {}, { routing_key: "short" }), page, env));
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(
      /^pagerduty channel "pagerduty on call" has invalid settings: secret\.routing_key: /,
    );
    expect(sink.received).toHaveLength(0);
  });
});

describe("pagerduty settings", () => {
  it.each([
    [{ secret: {} }, ["secret", "routing_key"]],
    [{ secret: { routing_key: "x".repeat(31) } }, ["secret", "routing_key"]],
    [{ secret: { routing_key: "x".repeat(300) } }, ["secret", "routing_key"]],
    [{ secret: { routing_key: `${"x".repeat(31)}\n` } }, ["secret", "routing_key"]],
    [{ secret: { routing_key: `${"x".repeat(30)}"}` } }, ["secret", "routing_key"]],
    [{ secret: { routing_key: ROUTING_KEY, url: "https://evil.example" } }, ["secret"]],
    [{ config: { routing_key: ROUTING_KEY }, secret: { routing_key: ROUTING_KEY } }, ["config"]],
  ])("rejects %j, naming %j", (settings, path) => {
    const result = ChannelSettings.safeParse({ kind: "pagerduty", ...settings });
    expect(result.error?.issues[0]?.path).toEqual(path);
  });

  it("accepts a service's integration key and an orchestration's R... key", () => {
    expect(
      ChannelSettings.safeParse({ kind: "pagerduty", secret: { routing_key: ROUTING_KEY } }).success,
    ).toBe(true);
    expect(
      ChannelSettings.safeParse({
        kind: "pagerduty",
        secret: { routing_key: "0123456789abcdef0123456789abcdef" },
      }).success,
    ).toBe(true);
  });
});
