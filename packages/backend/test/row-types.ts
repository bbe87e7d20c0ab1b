import type { Sql } from "postgres";

/**
 * The TypeScript type of every row of every table and view in `public` and `private` (partitions
 * left out, as in supabase/schema.sql), read from the catalog of a migrated database, as
 * packages/backend/src/db/rows.ts: one interface `<PascalName>Row` per relation and one union
 * per enum; a text column whose check constraint lists its values is their union too. A column's type is what postgres.js hands back for it, as the backend configures it:
 * no `types` option anywhere (apps/server/src/runtime.ts, supabase/functions/api/index.ts), so
 * postgres.js's defaults (its src/types.js) decide, and every other type arrives as a string.
 * Deterministic, so rows.ts can be compared with it byte for byte; formatted as biome formats it.
 */
export async function describeRowTypes(sql: Sql): Promise<string> {
  const enums = await sql<{ oid: number; name: string; labels: string[] }[]>`
    select t.oid::int as oid, t.typname as name, array_agg(e.enumlabel order by e.enumsortorder) as labels
    from pg_type t join pg_namespace n on n.oid = t.typnamespace join pg_enum e on e.enumtypid = t.oid
    where n.nspname in ('public', 'private')
    group by t.oid, n.nspname, t.typname order by n.nspname desc, t.typname`;
  const relations = await sql<{ oid: number; schema: string; name: string; kind: string }[]>`
    select c.oid::int as oid, n.nspname as schema, c.relname as name,
           case c.relkind when 'v' then 'view' when 'm' then 'materialized view' else 'table' end as kind
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname in ('public', 'private') and c.relkind in ('r', 'p', 'v', 'm') and not c.relispartition
    order by n.nspname desc, c.relname`;
  // a domain is its base type; an array names its element type
  const columns = await sql<
    { relation: number; name: string; type: number; element: number | null; not_null: boolean }[]
  >`
    select a.attrelid::int as relation, a.attname as name,
           b.oid::int as type,
           case when b.typcategory = 'A' then b.typelem::int end as element,
           a.attnotnull as not_null
    from pg_attribute a
    join pg_type t on t.oid = a.atttypid
    join pg_type b on b.oid = case when t.typtype = 'd' then t.typbasetype else t.oid end
    where a.attrelid = any (${relations.map((r) => r.oid)}::oid[]) and a.attnum > 0 and not a.attisdropped
    order by a.attrelid, a.attnum`;

  // a text column whose check lists its values, `check (kind in ('a', 'b'))`, is their union too
  const checks = await sql<{ relation: number; def: string }[]>`
    select conrelid::int as relation, pg_get_constraintdef(oid) as def
    from pg_constraint
    where conrelid = any (${relations.map((r) => r.oid)}::oid[]) and contype = 'c'
    order by conrelid, conname`;
  const listed = new Map<string, string[]>();
  for (const check of checks) {
    const match = /^CHECK \(\((\w+) = ANY \(ARRAY\[((?:'[^']*'::text(?:, )?)+)\]\)\)\)$/.exec(check.def);
    if (!match?.[1] || !match[2]) continue;
    const labels = [...match[2].matchAll(/'([^']*)'::text/g)].map((m) => JSON.stringify(m[1]));
    listed.set(`${check.relation}.${match[1]}`, labels);
  }

  const enumName = new Map(enums.map((e) => [e.oid, pascal(e.name)]));
  const tsType = (oid: number): string => enumName.get(oid) ?? POSTGRES_JS_TYPES.get(oid) ?? "string";

  const out = [
    "// Generated from the migrated database by packages/backend/test/schema-file.test.ts: do not edit.",
    "// After a migration, in packages/backend:",
    "//   UPDATE_SCHEMA_SQL=1 UPDATE_ROW_TYPES=1 npx vitest run test/schema-file.test.ts",
    "// One interface per table and view of `public` and `private`, each column typed as postgres.js",
    "// returns it: int8 and numeric as strings, timestamps as Dates, jsonb as unknown (say its shape",
    "// where you read it), an enum or a text column whose check lists its values as their union.",
    '// Type a query with the columns it selects, `Pick<ServersRow, "id" | "name">`, and anything it',
    "// computes beside them: `& { server_time: Date }`.",
    "",
  ];
  if (new Set(enumName.values()).size !== enums.length) throw new Error("two enums share a TypeScript name");
  for (const e of enums) out.push(unionType(pascal(e.name), e.labels), "");
  const seen = new Set<string>();
  for (const relation of relations) {
    const name = `${pascal(relation.name)}Row`;
    if (seen.has(name)) throw new Error(`${relation.schema}.${relation.name}: ${name} is taken`);
    seen.add(name);
    out.push(`/** ${relation.schema}.${relation.name} (${relation.kind}) */`, `export interface ${name} {`);
    for (const column of columns.filter((c) => c.relation === relation.oid)) {
      const types = listed.get(`${relation.oid}.${column.name}`) ?? [
        column.element === null ? tsType(column.type) : `${tsType(column.element)}[]`,
      ];
      out.push(member(column.name, column.not_null ? types : [...types, "null"]));
    }
    out.push("}", "");
  }
  return `${out.join("\n").trimEnd()}\n`;
}

/**
 * What postgres.js parses by default (src/types.js, by type oid); anything else it returns as the
 * text PostgreSQL sends. Arrays of any of them come back as arrays (it reads the array types when
 * it connects). schema-file.test.ts checks these against the installed postgres.js.
 */
const POSTGRES_JS_TYPES = new Map<number, string>([
  [21, "number"], // int2
  [23, "number"], // int4
  [26, "number"], // oid
  [700, "number"], // float4
  [701, "number"], // float8
  [16, "boolean"],
  [114, "unknown"], // json
  [3802, "unknown"], // jsonb
  [1082, "Date"], // date
  [1114, "Date"], // timestamp
  [1184, "Date"], // timestamptz
  [17, "Uint8Array"], // bytea: a Buffer under Node, a Uint8Array wherever the backend runs
]);

function pascal(snake: string): string {
  return snake
    .split("_")
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join("");
}

// unions on one line when they fit biome's 110 columns, else one member per line, as biome has them

function unionType(name: string, labels: string[]): string {
  const literals = labels.map((label) => JSON.stringify(label));
  const line = `export type ${name} = ${literals.join(" | ")};`;
  if (line.length <= 110) return line;
  return `export type ${name} =\n${literals.map((l) => `  | ${l}`).join("\n")};`;
}

function member(name: string, types: string[]): string {
  const line = `  ${name}: ${types.join(" | ")};`;
  if (line.length <= 110) return line;
  return `  ${name}:\n${types.map((t) => `    | ${t}`).join("\n")};`;
}
