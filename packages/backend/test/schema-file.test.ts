import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setup } from "./harness.ts";
import { describeRowTypes } from "./row-types.ts";
import { describeSchema } from "./schema-dump.ts";

const SCHEMA_FILE = fileURLToPath(new URL("../../../supabase/schema.sql", import.meta.url));
const ROW_TYPES_FILE = fileURLToPath(new URL("../src/db/rows.ts", import.meta.url));

let h: Awaited<ReturnType<typeof setup>>;
beforeAll(async () => {
  h = await setup();
});
afterAll(() => h?.close());

describe("supabase/schema.sql", () => {
  it("is the schema the migrations build, table by table (UPDATE_SCHEMA_SQL=1 rewrites it)", async () => {
    const current = await describeSchema(h.sql);
    if (process.env.UPDATE_SCHEMA_SQL === "1") writeFileSync(SCHEMA_FILE, current);
    expect(readFileSync(SCHEMA_FILE, "utf8"), "run UPDATE_SCHEMA_SQL=1 on this test after a migration").toBe(
      current,
    );
  });
});

describe("packages/backend/src/db/rows.ts", () => {
  it("types every column of every table as the migrations build it (UPDATE_ROW_TYPES=1 rewrites it)", async () => {
    const current = await describeRowTypes(h.sql);
    if (process.env.UPDATE_ROW_TYPES === "1") writeFileSync(ROW_TYPES_FILE, current);
    expect(
      readFileSync(ROW_TYPES_FILE, "utf8"),
      "run UPDATE_ROW_TYPES=1 on this test after a migration",
    ).toBe(current);
  });
});
