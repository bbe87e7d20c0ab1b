import type { Sql, TransactionSql } from "postgres";

/**
 * The current state of the schema as readable SQL, from the catalog of a migrated database:
 * enum types, then every table of `public` and `private` (partitions left out: their names
 * carry dates) with its columns, constraints, indexes, row-level security and policies, then the
 * functions' signatures. Deterministic (sorted, no dates or oids), so supabase/schema.sql can
 * be compared with it byte for byte. Function bodies stay in the migrations.
 */
export async function describeSchema(sql: Sql): Promise<string> {
  // an empty search_path makes the catalog functions name every type and table with its schema
  return (await sql.begin(async (tx) => {
    await tx`set local search_path = ''`;
    return describe(tx);
  })) as string;
}

async function describe(sql: TransactionSql): Promise<string> {
  const out: string[] = [
    "-- The schema as the migrations leave it, generated from a migrated database by",
    "-- packages/backend/test/schema-file.test.ts (UPDATE_SCHEMA_SQL=1 rewrites it). Read it to",
    "-- see a table whole; change the schema with a new migration, never here.",
    "",
  ];

  const enums = await sql<{ name: string; labels: string[] }[]>`
    select n.nspname || '.' || t.typname as name, array_agg(e.enumlabel order by e.enumsortorder) as labels
    from pg_type t join pg_namespace n on n.oid = t.typnamespace join pg_enum e on e.enumtypid = t.oid
    where n.nspname in ('public', 'private')
    group by 1 order by 1`;
  for (const e of enums)
    out.push(`create type ${e.name} as enum (${e.labels.map((l) => `'${l}'`).join(", ")});`);
  if (enums.length) out.push("");

  const tables = await sql<{ oid: number; name: string; rls: boolean; partitioned: boolean }[]>`
    select c.oid::int as oid, n.nspname || '.' || c.relname as name, c.relrowsecurity as rls,
           c.relkind = 'p' as partitioned
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname in ('public', 'private') and c.relkind in ('r', 'p') and not c.relispartition
    order by n.nspname, c.relname`;
  for (const table of tables) {
    const columns = await sql<{ line: string }[]>`
      select '  ' || quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod)
             || case when a.attnotnull then ' not null' else '' end
             || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
             || case when a.attgenerated = 's' then ' generated' else '' end as line
      from pg_attribute a left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
      where a.attrelid = ${table.oid} and a.attnum > 0 and not a.attisdropped
      order by a.attnum`;
    const constraints = await sql<{ line: string }[]>`
      select '  constraint ' || quote_ident(conname) || ' ' || pg_get_constraintdef(oid) as line
      from pg_constraint where conrelid = ${table.oid} and contype <> 'n'
      order by contype, conname`;
    const body = [...columns, ...constraints].map((r) => r.line).join(",\n");
    const partition = table.partitioned
      ? await sql<{ key: string }[]>`select pg_get_partkeydef(${table.oid}) as key`
      : [];
    out.push(
      `create table ${table.name} (\n${body}\n)${partition[0] ? ` partition by ${partition[0].key}` : ""};`,
    );
    const indexes = await sql<{ def: string }[]>`
      select pg_get_indexdef(i.indexrelid) as def
      from pg_index i join pg_class c on c.oid = i.indexrelid
      where i.indrelid = ${table.oid}
        and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid and k.conrelid = ${table.oid})
      order by c.relname`;
    for (const index of indexes) out.push(`${index.def};`);
    if (table.rls) out.push(`alter table ${table.name} enable row level security;`);
    const policies = await sql<{ line: string }[]>`
      select 'create policy ' || quote_ident(p.polname) || ' on ${sql.unsafe(table.name)}'
             || case when not p.polpermissive then ' as restrictive' else '' end
             || ' for ' || case p.polcmd when 'r' then 'select' when 'a' then 'insert' when 'w' then 'update'
                                         when 'd' then 'delete' else 'all' end
             || ' to ' || coalesce((select string_agg(r.rolname, ', ' order by r.rolname) from pg_roles r
                                    where r.oid = any (p.polroles)), 'public')
             || coalesce(' using (' || pg_get_expr(p.polqual, p.polrelid) || ')', '')
             || coalesce(' with check (' || pg_get_expr(p.polwithcheck, p.polrelid) || ')', '') || ';' as line
      from pg_policy p where p.polrelid = ${table.oid}
      order by p.polname`;
    for (const policy of policies) out.push(policy.line);
    out.push("");
  }

  const functions = await sql<{ line: string }[]>`
    select '-- ' || n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')'
           || ' returns ' || pg_get_function_result(p.oid)
           || case when p.prosecdef then ' security definer' else '' end as line
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname in ('public', 'private') and p.prokind = 'f'
      and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
    order by 1`;
  out.push("-- functions (bodies in supabase/migrations):");
  for (const f of functions) out.push(f.line);
  return `${out.join("\n")}\n`;
}
