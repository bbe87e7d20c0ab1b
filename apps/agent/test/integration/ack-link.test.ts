/**
 * The acknowledge link in the agent's own page works end to end: a real agent pages DOWN through
 * its webhook and ntfy channels (loopback sinks), the link in the page is the one the real
 * custos-server announced in a heartbeat answer, and POSTing it acknowledges the server's
 * incident for that check, recorded as acknowledged through the agent's channel.
 */
import { WebhookPayload } from "@custos/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.ts";
import { silentLogger } from "../../src/log.ts";
import { startAgent } from "../../src/runtime.ts";
import { agentDir, waitFor } from "../helpers/agent-files.ts";
import { type RealBackend, startRealBackend } from "../helpers/real-backend.ts";
import { type HttpSink, startHttpSink } from "../helpers/sinks.ts";
import { script, testPlugins } from "../helpers/test-plugins.ts";

describe("acknowledge links in the agent's own pages at a real custos-server", () => {
  let backend: RealBackend;
  let sink: HttpSink;
  const files = agentDir();

  beforeAll(async () => {
    backend = await startRealBackend("ack-links");
    sink = await startHttpSink();
  });
  afterAll(async () => {
    await sink?.close();
    await backend?.close();
    files.remove();
  });

  it("acknowledges the backend's incident from the link in the agent's webhook page", async () => {
    // ok long enough for the first heartbeat to announce the link base, then down for good
    script.set("api", { statuses: [...Array(8).fill("ok"), "down"] });
    const yaml = `
api_key: ${backend.apiKey}
url: ${backend.url}
server_name: web-1
heartbeat_interval: 300ms
metrics_push_interval: 300ms
monitors:
  - type: scripted
    key: api
    check_interval: 200ms
local_alerts:
  failures_before_alert: 2
  channels:
    - type: webhook
      url: ${sink.url}/hook
    - type: ntfy
      server: ${sink.url}
      topic: oncall
buffer:
  path: ${files.statePath}
`;
    const agent = await startAgent(parseConfig(files.configPath, yaml, { plugins: testPlugins, env: {} }), {
      log: silentLogger,
      backoff: { baseMs: 100, capMs: 500 },
      alertBackoff: { baseMs: 100, capMs: 500 },
    });
    try {
      const page = await waitFor(
        () =>
          sink.requests
            .filter((r) => r.path === "/hook")
            .map((r) => WebhookPayload.parse(JSON.parse(r.body)))
            .find((p) => p.event === "down"),
        20_000,
        "the agent's DOWN page",
      );
      const base = `${backend.url}/functions/v1/api/ack/`;
      expect(page.ack_url?.startsWith(`${base}a1.`), String(page.ack_url)).toBe(true);
      const ntfy = await waitFor(
        () => sink.requests.find((r) => r.path === "/oncall"),
        10_000,
        "the agent's ntfy page",
      );
      expect(String(ntfy.headers.actions)).toMatch(
        new RegExp(`^http, Acknowledge, ${base.replace(/[.]/g, "\\.")}a1\\.\\S+, method=POST,`),
      );

      const incident = async () =>
        (
          await backend.sql<{ status: string; acknowledged_via: string | null }[]>`
            select i.status::text as status, i.acknowledged_via from public.incidents i
            join public.monitors m on m.id = i.monitor_id
            where i.org_id = ${backend.orgId} and m.name = 'scripted:api'`
        )[0];
      await waitFor(async () => (await incident())?.status === "open", 20_000, "the backend's incident");
      const preview = await fetch(page.ack_url as string);
      expect(preview.status).toBe(200);
      expect(await preview.text()).toContain("Acknowledge this incident?");
      expect((await incident())?.status).toBe("open");

      const answer = await fetch(page.ack_url as string, {
        method: "POST",
        headers: { accept: "application/json" },
      });
      expect(answer.status).toBe(200);
      expect(await answer.json()).toMatchObject({ outcome: "acknowledged" });
      expect(await incident()).toEqual({
        status: "acknowledged",
        acknowledged_via: "link in webhook notification from the agent",
      });
    } finally {
      await agent.stop();
      script.delete("api");
    }
  });
});
