/**
 * `custos-server admin set-plan` and `admin plans` end to end: the real CLI against a real
 * custos-server's database, the change seen by the agent API (a registration over the new limit
 * refused with 402, the servers already there kept).
 */
import { fileURLToPath } from "node:url";
import { type CustosServerHandle, startCustosServer } from "@custos/testkit";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { registerMachine } from "./e2e/session.ts";
import { runToEnd } from "./helpers/run.ts";

const CLI = fileURLToPath(new URL("../src/cli.ts", import.meta.url));

let server: CustosServerHandle;
let sql: postgres.Sql;
beforeAll(async () => {
  server = await startCustosServer({ adminUrl: inject("pgAdminUrl"), env: { CUSTOS_SCHEDULER: "off" } });
  sql = postgres(server.databaseUrl, { max: 2, onnotice: () => undefined });
});
afterAll(async () => {
  await sql?.end();
  await server?.close();
});

function admin(args: string[]) {
  return runToEnd(process.execPath, [CLI, "admin", ...args], {
    env: { ...process.env, DATABASE_URL: server.databaseUrl },
  });
}

async function planOf(orgId: string) {
  const [row] = await sql<{ plan_id: string }[]>`select plan_id from organizations where id = ${orgId}`;
  return row?.plan_id;
}

describe("admin plans", () => {
  it("lists every plan with its limits, '-' for none, and the default marked", async () => {
    const result = await admin(["plans"]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^ID\s+NAME\s+DEFAULT\s+SERVERS\s+MEMBERS\s+PROBES\s+CHANNELS/);
    expect(lines.find((l) => l.startsWith("free "))).toMatch(
      /^free\s+Free\s+1\s+2\s+3\s+\*:0,email:3\s+7\/7\/7\/7\s+\d+$/,
    );
    expect(lines.find((l) => l.startsWith("unlimited "))).toMatch(
      /^unlimited\s+Unlimited \(self-hosted\)\s+yes\s+-\s+-\s+-\s+-\s+3650\/8\/35\/3650/,
    );
    const json = JSON.parse((await admin(["plans", "--json"])).stdout) as {
      id: string;
      max_servers: number | null;
    }[];
    expect(json.map((p) => p.id).sort()).toEqual(["enterprise", "free", "pro", "unlimited"]);
  }, 300_000);
});

describe("admin set-plan", () => {
  it("moves an organization (by id or exact name) to a plan; a downgrade keeps its servers, says what is over, and refuses a new one", async () => {
    const orgId = await server.createOrg("Acme Plans");
    const key = await server.createKey(orgId, "agent");
    expect(await registerMachine(server, key, "one")).toBe(200);
    expect(await registerMachine(server, key, "two")).toBe(200);

    const down = await admin(["set-plan", "--org", "Acme Plans", "--plan", "free"]);
    expect(down.code).toBe(0);
    expect(down.stdout).toBe(`Acme Plans (${orgId}): plan unlimited -> free\n`);
    expect(down.stderr).toContain("over plan.max_servers: 2 in use, the plan allows 1; nothing is deleted");
    expect(await planOf(orgId)).toBe("free");
    const [servers] = await sql`select count(*)::int as n from servers where org_id = ${orgId}`;
    expect(servers?.n).toBe(2);
    expect(await registerMachine(server, key, "three")).toBe(402);
    expect(await registerMachine(server, key, "one")).toBe(200);

    const again = await admin(["set-plan", "--org", orgId, "--plan", "free"]);
    expect(again.stdout).toBe(`Acme Plans (${orgId}) is already on plan free\n`);
    const up = await admin(["set-plan", "--org", orgId, "--plan", "pro"]);
    expect(up.code).toBe(0);
    expect(up.stderr).toBe("");
    expect(await registerMachine(server, key, "three")).toBe(200);
  }, 300_000);

  it("exits 2 naming the flag for a missing, malformed, unknown or ambiguous value, and changes nothing", async () => {
    const orgId = await server.createOrg("Twin");
    await server.createOrg("Twin");
    const cases: [string[], string][] = [
      [["set-plan", "--plan", "free"], "--org"],
      [["set-plan", "--org", orgId], "--plan"],
      [
        ["set-plan", "--org", orgId, "--plan", "Free; drop table plans"],
        '--plan: "Free; drop table plans" is not a plan id',
      ],
      [["set-plan", "--org", orgId, "--plan", "x".repeat(500)], "--plan:"],
      [["set-plan", "--org", orgId, "--plan", "gold"], '--plan: no plan "gold" (plans: '],
      [
        ["set-plan", "--org", "No Such Org", "--plan", "free"],
        '--org: no organization with the id or name "No Such Org"',
      ],
      [
        ["set-plan", "--org", "00000000-0000-4000-8000-000000000000", "--plan", "free"],
        "--org: no organization",
      ],
      [["set-plan", "--org", "Twin", "--plan", "free"], '--org: two organizations are named "Twin"'],
      [["set-plan", "--org", "' or 1=1 --", "--plan", "free"], "--org: no organization"],
      [["set-plan", "--org", "   ", "--plan", "free"], "--org: give an organization id or its exact name"],
    ];
    for (const [args, expected] of cases) {
      const result = await admin(args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr, args.join(" ")).toContain(expected);
    }
    expect(await planOf(orgId)).toBe("unlimited");
    const [changed] =
      await sql`select count(*)::int as n from organizations where plan_id <> 'unlimited' and name = 'Twin'`;
    expect(changed?.n).toBe(0);
  }, 300_000);
});
