import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../log.ts";
import { KV } from "../store/kv.ts";
import { openStore, type Store } from "../store/store.ts";
import { startDashboard } from "./server.ts";

const dir = mkdtempSync(join(tmpdir(), "custos-dash-"));
let store: Store;
let dashboard: Awaited<ReturnType<typeof startDashboard>>;

beforeAll(async () => {
  store = openStore(join(dir, "state.db"));
  const now = Date.now();
  store.transaction(() => {
    for (let i = 0; i < 30; i++) {
      store.history.add('cpu_percent{core="0"}', now - i * 60_000, 10 + i);
      store.history.add("memory.total_bytes", now - i * 60_000, 100e9);
      store.history.add('disk.used_percent{mount="/"}', now - i * 60_000, 41);
      store.history.add("cpu.percent", now - i * 60_000, 0.1);
      store.history.add("net.rx_bytes_per_s", now - i * 60_000, 650e6 + i * 30e6);
    }
    store.outbox.enqueue(
      "metrics",
      ['{"ts":1,"name":"a","value":1}', '{"ts":2,"name":"a","value":2}'],
      now - 90_000,
    );
    store.monitors.put({
      monitor: "http:<api>",
      parent: "http:<api>",
      type: "http",
      status: "down",
      statusSince: now - 120_000,
      lastCheckedAt: now,
      lastMessage: "HTTP 500 <b>bold</b>",
      lastLatencyMs: 12,
      consecutiveFailures: 3,
      failingSince: now - 120_000,
      consecutiveSuccesses: 0,
      succeedingSince: null,
      alertState: "down",
      incidentStartedAt: now - 120_000,
      incidentKey: "k",
      incidentPaged: true,
      recentChanges: [now - 120_000],
      flappingNotifiedAt: null,
    });
    store.kv.set(KV.backendFailingSince, now - 30_000);
    store.kv.set(KV.backendLastError, "fetch failed");
  });
  dashboard = await startDashboard({
    store,
    serverName: "web-1",
    bind: "127.0.0.1",
    port: 0,
    log: silentLogger,
  });
});
afterAll(async () => {
  await dashboard.close();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("local dashboard", () => {
  it("listens on loopback", () => {
    expect(dashboard.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it("shows monitors, buffer, backend state and 24 h charts in one self-contained page", async () => {
    const response = await fetch(dashboard.url);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = await response.text();
    expect(html).toContain("http:&lt;api&gt;");
    expect(html).toContain("HTTP 500 &lt;b&gt;bold&lt;/b&gt;");
    expect(html).not.toContain("<b>bold</b>");
    expect(html).toContain('<span class="s down">down</span>');
    expect(html).toContain("2 samples, 0 check results");
    expect(html).toContain("unreachable");
    expect(html).toMatch(/<svg [^>]*aria-label="cpu_percent\{core=&quot;0&quot;\} \(%\)"/);
    expect(html).toMatch(/<polyline points="[\d., ]+"/);
    // no external asset: no script, no link, no remote URL
    expect(html).not.toMatch(/<script|<link|src="http/);
  });

  it("draws CPU, disk and network first with their units, and folds the rest under All metrics", async () => {
    const html = await (await fetch(dashboard.url)).text();
    const labels = [...html.matchAll(/<svg [^>]*aria-label="([^"]*)"/g)].map((m) => m[1]);
    expect(labels).toEqual([
      "cpu.percent (%)",
      "disk.used_percent{mount=&quot;/&quot;} (%)",
      "net.rx_bytes_per_s (bytes/s)",
      "cpu_percent{core=&quot;0&quot;} (%)",
      "memory.total_bytes (bytes)",
    ]);
    const folded = html.slice(html.indexOf("<details>"));
    expect(folded).toContain("<summary>All metrics (2)</summary>");
    expect(folded).toContain('aria-label="memory.total_bytes (bytes)"');
    expect(folded).not.toContain('aria-label="cpu.percent (%)"');
    // one unit per axis from its max, round distinct ticks: 100 GB is "100 GB", not "00.0 GB"
    const memory = html.slice(html.indexOf('aria-label="memory.total_bytes'));
    const ticks = (svg: string) =>
      [...svg.slice(0, svg.indexOf("</svg>")).matchAll(/text-anchor="end">([^<]*)<\/text>/g)]
        .map((m) => m[1])
        .filter((t) => t !== "now" && !t?.startsWith("now "));
    expect(ticks(memory)).toEqual(["0\u00a0GB", "50\u00a0GB", "100\u00a0GB"]);
    const cpu = ticks(html.slice(html.indexOf('aria-label="cpu.percent')));
    expect(new Set(cpu).size).toBe(cpu.length);
    expect(cpu).toEqual(["0.00%", "0.05%", "0.10%"]);
    // charts scale with the screen instead of a fixed 560 px
    expect(html).not.toMatch(/<svg [^>]*width="/);
    expect(html).toContain("svg{display:block;width:100%;height:auto}");
  });

  it("serves the same state as JSON at /api/status", async () => {
    const status = await (await fetch(`${dashboard.url}api/status`)).json();
    expect(status.buffer).toMatchObject({ pending_samples: 2, pending_checks: 0 });
    expect(status.buffer.oldest_age_seconds).toBeGreaterThanOrEqual(89);
    expect(status.monitors[0]).toMatchObject({ monitor: "http:<api>", status: "down", alert_state: "down" });
    expect(status.backend).toMatchObject({ last_error: "fetch failed" });
  });

  it("is read-only", async () => {
    const response = await fetch(dashboard.url, { method: "POST", body: "x" });
    expect(response.status).toBe(405);
    expect((await fetch(`${dashboard.url}nope`)).status).toBe(404);
  });
});
