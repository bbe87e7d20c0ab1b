import { OrgSettings, ServerInfo } from "@custos/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSweep } from "../../src/index.ts";
import { type Dashboard, expectContract, setupDashboard } from "./helpers.ts";

/**
 * A timeout below the agent's heartbeat interval paged falsely (30 s with a 60 s heartbeat:
 * DOWN/RESTORED every minute) and every server had its own copy of 120 s. The agent now reports
 * its interval; the timeout in force is the server's own or the organization's default, never
 * below twice the interval.
 */
let d: Dashboard;
beforeAll(async () => {
  d = await setupDashboard();
  // the sweep has been running: no restart grace in these tests
  await d.sql`insert into private.job_runs (job, last_run_at, resumed_at) values ('sweep', now(), now() - interval '1 day')`;
});
afterAll(() => d.close());

async function registerWithInterval(hostname: string, intervalSeconds: number) {
  const res = await d.agent("/register", {
    hostname,
    server_name: hostname,
    agent_version: "1.0.0",
    os: "linux",
    arch: "x64",
    heartbeat_interval_seconds: intervalSeconds,
  });
  expect(res.status).toBe(200);
  return res.body as { server_id: string; heartbeat_timeout_seconds: number };
}

const patchServer = (id: string, body: unknown) =>
  d.api("PATCH", `/orgs/${d.orgA}/servers/${id}`, { as: d.users.admin, body });
const patchSettings = (body: unknown) =>
  d.api("PATCH", `/orgs/${d.orgA}/settings`, { as: d.users.admin, body });

describe("heartbeat timeouts", () => {
  it("refuses a server timeout below twice the agent's heartbeat interval, naming the field and the minimum", async () => {
    const { server_id } = await registerWithInterval("slow-beat", 60);
    const refused = await patchServer(server_id, { heartbeat_timeout_seconds: 30 });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: "VALIDATION", field: "heartbeat_timeout_seconds" });
    expect(refused.body.error.message).toContain("at least 120 s");
    const accepted = expectContract(
      await patchServer(server_id, { heartbeat_timeout_seconds: 180 }),
      200,
      ServerInfo,
    );
    expect(accepted).toMatchObject({
      heartbeat_timeout_seconds: 180,
      heartbeat_timeout_override_seconds: 180,
      heartbeat_interval_seconds: 60,
    });
  });

  it("gives new servers the organization's default, and a changed default reaches every server without its own", async () => {
    const settings = expectContract(
      await patchSettings({ default_heartbeat_timeout_seconds: 300 }),
      200,
      OrgSettings,
    );
    expect(settings.default_heartbeat_timeout_seconds).toBe(300);
    const follows = await registerWithInterval("follows-default", 30);
    expect(follows.heartbeat_timeout_seconds).toBe(300);
    const own = await registerWithInterval("own-timeout", 30);
    await patchServer(own.server_id, { heartbeat_timeout_seconds: 90 });

    await patchSettings({ default_heartbeat_timeout_seconds: 150 });
    const rows = await d.sql<{ name: string; heartbeat_timeout_seconds: number }[]>`
      select name, heartbeat_timeout_seconds from servers where name in ('follows-default', 'own-timeout') order by name`;
    expect(rows).toEqual([
      { name: "follows-default", heartbeat_timeout_seconds: 150 },
      { name: "own-timeout", heartbeat_timeout_seconds: 90 },
    ]);
    // back to the default: null clears the server's own
    const cleared = expectContract(
      await patchServer(own.server_id, { heartbeat_timeout_seconds: null }),
      200,
      ServerInfo,
    );
    expect(cleared).toMatchObject({
      heartbeat_timeout_seconds: 150,
      heartbeat_timeout_override_seconds: null,
    });
  });

  it("never lets a default below twice an agent's interval page it: the derived timeout is the minimum", async () => {
    await patchSettings({ default_heartbeat_timeout_seconds: 30 });
    const { server_id, heartbeat_timeout_seconds } = await registerWithInterval("sixty-seconds", 60);
    expect(heartbeat_timeout_seconds).toBe(120);
    // silent for 90 s: past the 30 s default, within two heartbeat intervals
    await d.agent("/heartbeat", {
      server_id,
      sent_at: new Date().toISOString(),
      heartbeat_interval_seconds: 60,
    });
    await d.sql`update servers set last_heartbeat_at = now() - interval '90 seconds' where id = ${server_id}`;
    await runSweep({ ctx: d.app.ctx });
    expect((await d.sql`select status from servers where id = ${server_id}`)[0]?.status).toBe("up");
    // a longer interval reported in a heartbeat raises it further
    await d.agent("/heartbeat", {
      server_id,
      sent_at: new Date().toISOString(),
      heartbeat_interval_seconds: 300,
    });
    expect(
      (await d.sql`select heartbeat_timeout_seconds as t from servers where id = ${server_id}`)[0]?.t,
    ).toBe(600);
    // and past the derived timeout it does go down
    await d.sql`update servers set last_heartbeat_at = now() - interval '601 seconds' where id = ${server_id}`;
    await runSweep({ ctx: d.app.ctx });
    expect((await d.sql`select status from servers where id = ${server_id}`)[0]?.status).toBe("down");
  });
});
