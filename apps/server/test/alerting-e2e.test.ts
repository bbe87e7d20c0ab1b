import { type CustosServerHandle, startCustosServer } from "@custos/testkit";
import postgres from "postgres";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { until } from "./helpers/agent-api.ts";
import { registerServerWithShortTimeout, sendHeartbeat } from "./helpers/alerting.ts";

/**
 * The dead man's switch end to end, in real processes: a custos-server, a real SMTP server on
 * loopback, an agent that heartbeats and then stops. Exactly one DOWN mail, then one RESTORED.
 */
const mails: { to: string[]; body: string }[] = [];
let smtp: SMTPServer;
let smtpPort: number;
let server: CustosServerHandle;
let sql: postgres.Sql;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, session, callback) {
      let body = "";
      stream.on("data", (c: Buffer) => {
        body += c.toString();
      });
      stream.on("end", () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), body });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  smtpPort = (smtp.server.address() as { port: number }).port;
  server = await startCustosServer({
    adminUrl: inject("pgAdminUrl"),
    env: { CUSTOS_SMTP_HOST: "127.0.0.1", CUSTOS_SMTP_PORT: String(smtpPort), CUSTOS_SMTP_SECURITY: "none" },
  });
  sql = postgres(server.databaseUrl, { max: 2, onnotice: () => undefined });
});
afterAll(async () => {
  await sql?.end();
  await server?.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

describe("custos-server alerting", () => {
  // waits for real sweeps (10-s timeout, its grace, the 10-s sweep): 30 s is too tight on a busy 2-core machine
  it("emails once when an agent goes silent past its timeout and once when it is back", async () => {
    const org = await server.createOrg("Mail");
    const key = await server.createKey(org, "agent");
    const [channel] =
      await sql`insert into channels (org_id, name, kind, config) values (${org}, 'ops mail', 'email', ${sql.json({ to: ["ops@example.com"] })}) returning id`;
    await sql`insert into alert_rules (org_id, name, channel_ids) values (${org}, 'all', ${[channel?.id]})`;
    const serverId = await registerServerWithShortTimeout(server.url, sql, key);
    const silentSince = Date.now();

    const down = await until("the DOWN mail", async () => mails.find((m) => m.body.includes("DOWN")), 45_000);
    // timeout 10 s, restart grace up to 10 s more, sweep every 10 s
    expect(Date.now() - silentSince).toBeGreaterThanOrEqual(10_000);
    expect(down.to).toEqual(["ops@example.com"]);
    expect(down.body).toContain("nas stopped sending heartbeats");

    await sendHeartbeat(server.url, key, serverId);
    const restored = await until(
      "the RESTORED mail",
      async () => mails.find((m) => m.body.includes("RESTORED")),
      15_000,
    );
    expect(restored.body).toMatch(/Back after \d+s/);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(mails.filter((m) => m.body.includes("DOWN"))).toHaveLength(1);
    expect(mails).toHaveLength(2);
  }, 120_000);
});
