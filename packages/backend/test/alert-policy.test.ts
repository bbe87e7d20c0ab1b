import { ALERT_POLICY_DEFAULTS } from "@custos/protocol";
import { createTestDatabase } from "@custos/testkit";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

/**
 * One alert policy for both paths: the agent's local alerts take their defaults from
 * ALERT_POLICY_DEFAULTS; the engine's are column defaults in SQL, which cannot import it.
 */
let sql: postgres.Sql;
beforeAll(async () => {
  sql = postgres(await createTestDatabase(inject("pgAdminUrl")), { max: 1, onnotice: () => undefined });
});
afterAll(() => sql?.end());

async function columnDefault(table: string, column: string): Promise<number> {
  const [row] = await sql<{ column_default: string | null }[]>`
    select column_default from information_schema.columns
    where table_schema = 'public' and table_name = ${table} and column_name = ${column}`;
  return Number(row?.column_default);
}

describe("the alert policy", () => {
  it("has the same defaults in the engine's schema as in the agent's (2 to open, 2 to resolve, flapping above 5 changes in 30 min)", async () => {
    expect({
      failuresToOpen: await columnDefault("monitors", "failures_to_open"),
      successesToResolve: await columnDefault("monitors", "successes_to_resolve"),
      flapThreshold: await columnDefault("organizations", "flap_threshold"),
      flapWindowMinutes: await columnDefault("organizations", "flap_window_minutes"),
    }).toEqual(ALERT_POLICY_DEFAULTS);
  });
});
