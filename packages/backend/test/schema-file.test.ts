import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { setup } from "./harness.ts";
import { describeSchema } from "./schema-dump.ts";

const SCHEMA_FILE = fileURLToPath(new URL("../../../supabase/schema.sql", import.meta.url));

describe("supabase/schema.sql", () => {
  it("is the schema the migrations build, table by table (UPDATE_SCHEMA_SQL=1 rewrites it)", async () => {
    const h = await setup();
    try {
      const current = await describeSchema(h.sql);
      if (process.env.UPDATE_SCHEMA_SQL === "1") writeFileSync(SCHEMA_FILE, current);
      expect(
        readFileSync(SCHEMA_FILE, "utf8"),
        "run UPDATE_SCHEMA_SQL=1 on this test after a migration",
      ).toBe(current);
    } finally {
      await h.close();
    }
  });
});
