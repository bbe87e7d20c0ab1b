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

  it("types a column as postgres.js returns it, configured as the backend configures it (no `types`)", async () => {
    const [row] = await h.sql<Record<string, unknown>[]>`
      select 1::int2 as int2, 1::int4 as int4, 1.5::float4 as float4, 1.5::float8 as float8,
             1::int8 as int8, 1.5::numeric as numeric, true as bool, now() as timestamptz,
             current_date as date, '{"a": 1}'::jsonb as jsonb, '\\x00ff'::bytea as bytea,
             gen_random_uuid() as uuid, '1 hour'::interval as interval, 'ok'::public.check_status as enum,
             array[1.5]::real[] as real_array, array['ok']::public.check_status[] as enum_array,
             array[now()] as timestamptz_array`;
    expect(row).toEqual({
      int2: 1,
      int4: 1,
      float4: 1.5,
      float8: 1.5,
      int8: "1",
      numeric: "1.5",
      bool: true,
      timestamptz: expect.any(Date),
      date: expect.any(Date),
      jsonb: { a: 1 },
      bytea: expect.any(Uint8Array),
      uuid: expect.any(String),
      interval: "01:00:00",
      enum: "ok",
      real_array: [1.5],
      enum_array: ["ok"],
      timestamptz_array: [expect.any(Date)],
    });
  });
});
