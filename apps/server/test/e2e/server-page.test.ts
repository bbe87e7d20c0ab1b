/**
 * The server page in Chromium with what a real agent sends (system, sensors, docker and systemd
 * metrics under the names the plugins emit), against a real custos-server, on a desktop and a
 * phone viewport: curated sections in order, the raw names only under "All metrics", no chart
 * tick label clipped or repeated, and the page's height. Screenshots: test-artifacts/dashboard/
 * server-page-*.png; the heights: test-artifacts/dashboard/server-page-heights.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type CustosServerHandle, startCustosServer } from "@custos/testkit";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ARTIFACTS, type Browser, ensureDashboardBuilt, openBrowser, shoot, waitFor } from "./browser.ts";
import * as session from "./session.ts";

let server: CustosServerHandle;

beforeAll(async () => {
  ensureDashboardBuilt();
  server = await startCustosServer({ adminUrl: inject("pgAdminUrl") });
}, 180_000);
afterAll(async () => {
  await server?.close();
});

const api = <T>(token: string, path: string, init: RequestInit = {}) =>
  session.api<T>(server, token, path, init);
const agent = <T>(key: string, path: string, body: unknown) => session.agent<T>(server, key, path, body);

type Sample = { ts: string; name: string; value: number; labels?: Record<string, string> };

/** Five minutes of a real host: 100 GB of memory, two mounts, two NICs, sensors, docker, systemd. */
function hostSamples(now: number): Sample[] {
  const samples: Sample[] = [];
  for (let k = 0; k < 20; k++) {
    const ts = new Date(now - (19 - k) * 15_000).toISOString();
    const add = (name: string, value: number, labels?: Record<string, string>) =>
      samples.push({ ts, name, value, ...(labels ? { labels } : {}) });
    add("cpu.percent", 12 + (k % 4));
    add("cpu.iowait_percent", 0.1);
    add("cpu.steal_percent", 0);
    for (const core of ["0", "1"]) add("cpu.core.percent", 10 + k, { core });
    add("load.1", 0.4 + k / 100);
    add("load.5", 0.35);
    add("load.15", 0.3);
    add("memory.used_percent", 65);
    add("memory.used_bytes", 65e9);
    add("memory.available_bytes", 35e9);
    add("memory.total_bytes", 100e9);
    add("swap.used_percent", 0);
    add("swap.used_bytes", 0);
    add("swap.total_bytes", 0);
    add("uptime.seconds", 864_000 + k * 15);
    for (const [mount, used] of [
      ["/", 41],
      ["/data", 87],
    ] as const) {
      add("disk.used_percent", used, { mount });
      add("disk.used_bytes", used * 1e9, { mount });
      add("disk.free_bytes", (100 - used) * 1e9, { mount });
      add("disk.total_bytes", 100e9, { mount });
      add("disk.inodes_used_percent", 3, { mount });
    }
    add("disk.read_bytes_per_s", 650e6, { device: "sda" });
    add("disk.write_bytes_per_s", 1.3e9, { device: "sda" });
    for (const iface of ["eth0", "eth1"]) {
      add("net.rx_bytes_per_s", 650e6 + k * 1e6, { iface });
      add("net.tx_bytes_per_s", 120e6, { iface });
      add("net.rx_packets_per_s", 4000, { iface });
      add("net.tx_packets_per_s", 3000, { iface });
    }
    add("sensors.temperature_c", 48 + (k % 3), { chip: "coretemp-isa-0000", sensor: "Package id 0" });
    add("sensors.temperature_c", 39, { chip: "nvme-pci-0100", sensor: "Composite" });
    add("sensors.fan_rpm", 1200, { chip: "nct6775-isa-0290", sensor: "fan1" });
    add("docker.containers.running", 3);
    add("docker.containers.stopped", 1);
    add("docker.containers.total", 4);
    add("docker.containers.unhealthy", 0);
    for (const [container, running] of [
      ["web", 1],
      ["db", 1],
      ["cache", 1],
      ["old-cron", 0],
    ] as const)
      add("docker.container.running", running, { container });
    add("systemd.failed_units", 1);
    for (const [unit, active] of [
      ["nginx.service", 1],
      ["backup.service", 0],
    ] as const) {
      add("systemd.unit.active", active, { unit });
      add("systemd.unit.failed", 1 - active, { unit });
      add("systemd.unit.restarts", active ? 0 : 3, { unit });
    }
    add("agent_rss_bytes", 48e6);
  }
  return samples;
}

/** Every axis tick label: clipped by its chart's svg box, and axes showing one label twice. */
async function tickProblems(page: Page): Promise<{ clipped: string[]; repeated: string[]; ticks: number }> {
  return page.evaluate(() => {
    const clipped: string[] = [];
    const repeated: string[] = [];
    let ticks = 0;
    // recharts draws each axis' labels in a group of their own (a z-index layer of the chart's svg)
    for (const axis of document.querySelectorAll(".recharts-cartesian-axis-tick-labels")) {
      // the chart's own svg: a label outside it is cut off
      const svg = axis.closest("svg");
      if (!svg) continue;
      const box = svg.getBoundingClientRect();
      const labels: string[] = [];
      for (const text of axis.querySelectorAll(".recharts-cartesian-axis-tick-value")) {
        ticks++;
        const t = text.getBoundingClientRect();
        const label = text.textContent ?? "";
        labels.push(label);
        if (
          t.left < box.left - 0.5 ||
          t.right > box.right + 0.5 ||
          t.top < box.top - 0.5 ||
          t.bottom > box.bottom + 0.5
        )
          clipped.push(
            `${label} (${Math.round(t.left - box.left)}..${Math.round(t.right - box.left)} of ${Math.round(box.width)})`,
          );
      }
      if (new Set(labels).size !== labels.length) repeated.push(labels.join(" | "));
    }
    return { clipped, repeated, ticks };
  });
}

/** The page once every chart has drawn (no skeleton left) and the layout has settled. */
async function settled(page: Page): Promise<number> {
  await page.getByRole("heading", { name: "Monitors" }).waitFor();
  await waitFor(
    async () => (await page.locator(".animate-pulse").count()) === 0,
    20_000,
    "every chart loaded",
  );
  await page.waitForTimeout(500);
  return page.evaluate(() => document.documentElement.scrollHeight);
}

describe("the server page in Chromium", () => {
  let desktop: Browser;
  let phone: Browser;
  let email: string;
  let serverId: string;
  const heights: Record<string, number> = {};

  beforeAll(async () => {
    desktop = await openBrowser();
    phone = await openBrowser({ width: 390, height: 844, mobile: true });
  });
  afterAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, "server-page-heights.json"), `${JSON.stringify(heights, null, 2)}\n`);
    await desktop?.close();
    await phone?.close();
  });

  it("shows the host's sections in order, the raw metrics only under All metrics, and clean axes", async () => {
    // someone owns the instance already, so the browser's sign-up is an ordinary one
    await session.signUpByApi(server);
    const { page } = desktop;
    email = `serverpage${Date.now()}@example.com`;
    const { token, orgId } = await session.signUpInBrowser(server, page, email);
    const { key } = await api<{ key: string }>(token, `/orgs/${orgId}/api-keys`, {
      method: "POST",
      body: JSON.stringify({ name: "nas", scope: "agent" }),
    });
    serverId = (
      await agent<{ server_id: string }>(key, "register", {
        hostname: "nas.lan",
        server_name: "nas",
        agent_version: "0.9.3",
        os: "linux",
        arch: "x64",
      })
    ).server_id;
    await agent(key, "heartbeat", { server_id: serverId, sent_at: new Date().toISOString() });
    await agent(key, "metrics", {
      server_id: serverId,
      batch_id: crypto.randomUUID(),
      samples: hostSamples(Date.now()),
    });
    // the rollup job (every 30 s) makes the 1-minute points the 1-hour charts read
    await waitFor(
      async () => {
        const res = await api<{ series: { points: unknown[] }[] }>(
          token,
          `/orgs/${orgId}/servers/${serverId}/metrics?names=cpu.percent,systemd.unit.active&range=1h`,
        );
        return res.series.length === 3 && res.series.every((s) => s.points.length > 0);
      },
      90_000,
      "the host's metrics in the 1-minute rollup",
    );

    const metricRequests: string[] = [];
    page.on("request", (r) => {
      if (new URL(r.url()).pathname.endsWith(`/servers/${serverId}/metrics`)) metricRequests.push(r.url());
    });
    await page.goto(`${server.url}/servers/detail?id=${serverId}`);
    heights.desktop = await settled(page);
    await shoot(page, "server-page-desktop");

    // at a glance: network, temperature and the agent's version next to CPU, memory and disk
    const glance = page.getByRole("list", { name: "At a glance" });
    for (const label of ["CPU", "Memory", "Disk (fullest)", "Network", "Temperature", "Agent"])
      await glance.getByText(label, { exact: true }).waitFor();
    expect(await glance.textContent()).toContain("0.9.3");
    expect(await glance.textContent()).toContain("°C");

    // the curated sections, in order, each with its meaningful charts
    const sections = await page.locator("section[data-plugin] > header h2").allTextContents();
    expect(sections).toEqual(["System", "Docker", "systemd"]);
    const system = page.locator('section[data-plugin="system"]');
    const systemCharts = await system.getByRole("heading", { level: 3 }).allTextContents();
    expect(systemCharts).toEqual(["CPU", "Memory", "Disk used", "Network", "Load average", "Temperatures"]);
    expect(await system.textContent()).toContain("/data");
    const docker = page.locator('section[data-plugin="docker"]');
    expect(await docker.textContent()).toMatch(/old-cron\s*stopped/);
    const systemd = page.locator('section[data-plugin="systemd"]');
    expect(await systemd.textContent()).toMatch(/backup\.service\s*inactive/);
    // the page's curated series came in one request (the charts and the glance share it; the same
    // request again is its 30-second refresh)
    expect(new Set(metricRequests).size).toBe(1);

    // the raw names show nowhere until "All metrics" is opened, and then each with its unit
    const rawTitle = (name: string) => page.getByRole("heading", { name, exact: true, level: 3 });
    expect(await rawTitle("memory.total_bytes").count()).toBe(0);
    expect(await rawTitle("uptime.seconds").count()).toBe(0);
    const all = page.locator("details", { has: page.getByText("All metrics", { exact: true }) });
    expect(await all.getAttribute("open")).toBeNull();

    const axes = await tickProblems(page);
    expect(axes.ticks).toBeGreaterThan(20);
    expect(axes.clipped).toEqual([]);
    expect(axes.repeated).toEqual([]);

    await page.getByText("All metrics", { exact: true }).click();
    await rawTitle("memory.total_bytes").waitFor();
    await rawTitle("uptime.seconds").waitFor();
    const totalCard = rawTitle("memory.total_bytes").locator("xpath=../..");
    await waitFor(
      async () => /100 GB/.test((await totalCard.textContent()) ?? ""),
      20_000,
      "memory.total_bytes: 100 GB",
    );
    expect(await totalCard.textContent()).toContain("bytes");
    await waitFor(
      async () => (await page.locator(".animate-pulse").count()) === 0,
      20_000,
      "all metrics loaded",
    );
    await page.waitForTimeout(300);
    const open = await tickProblems(page);
    expect(open.clipped).toEqual([]);
    expect(open.repeated).toEqual([]);
    await shoot(page, "server-page-desktop-all-metrics");
    expect(desktop.problems).toEqual([]);
  }, 240_000);

  it("fits a phone: no sideways scroll, clean axes, and every settings tab readable", async () => {
    const { page } = phone;
    await session.signIn(server, page, email);
    await page.goto(`${server.url}/servers/detail?id=${serverId}`);
    heights.phone = await settled(page);
    expect(await session.fitsWidth(page)).toBe(true);
    const axes = await tickProblems(page);
    expect(axes.clipped).toEqual([]);
    expect(axes.repeated).toEqual([]);
    await shoot(page, "server-page-phone");

    await page.goto(`${server.url}/settings`);
    const tabs = page.getByRole("navigation", { name: "Settings" }).getByRole("link");
    await tabs.first().waitFor();
    const cut = await tabs.evaluateAll((links) =>
      links
        .filter((a) => {
          const r = a.getBoundingClientRect();
          return r.left < 0 || r.right > window.innerWidth || a.scrollWidth > a.clientWidth;
        })
        .map((a) => a.textContent),
    );
    expect(cut).toEqual([]);
    expect(await tabs.count()).toBeGreaterThanOrEqual(8);
    await shoot(page, "server-page-phone-settings-tabs", { fullPage: false });
    expect(phone.problems).toEqual([]);
  }, 120_000);
});
