#!/usr/bin/env node
// Keeps docs/deploy-supabase.md true to the repository. Plain Node ESM (20+), no dependencies.
//
//   node scripts/check-deploy-guide.mjs [guide.md]
//
// Exit 0: no mismatch. Exit 1: one line per mismatch on stderr. Exit 2: the guide cannot be read.
// What it compares (each rule is a function below):
//   - repository paths in inline `code` and relative links exist (generated outputs: their package);
//   - every NAME in `supabase secrets set|unset NAME=...` is read by the api function
//     (supabase/functions/api/env.ts, index.ts) and none starts with SUPABASE_ (reserved); every
//     variable the function reads is mentioned in the guide;
//   - `supabase functions deploy <name>` names a directory under supabase/functions with an index.ts;
//   - `pnpm --filter <pkg> [script]` names a workspace package (and one of its scripts);
//   - `node <file> [--option ...]` names a file of the repository, and each --option appears in it
//     (scripts/publish-agent-downloads.mjs, the step that publishes the agent installer);
//   - `/functions/v1/api/...` paths match a route of the Hono app (packages/backend/src/app.ts, and
//     the dashboard's from packages/protocol/src/dashboard-endpoints.ts);
//   - SQL: `private.|public.|published.<name>` objects are created by a migration, `custos-*` cron
//     jobs are scheduled by one, Vault names match what the migrations read (both ways), every
//     extension the migrations test for is enabled in the guide, and the guide tells to run
//     `select private.ensure_schedule();`, a function a migration creates;
//   - NEXT_PUBLIC_* names match apps/web/src/env.ts (both ways); one Supabase CLI version.
// Links resolve from the guide's directory; a guide outside the repository (a test's copy) is
// read as if it were docs/deploy-supabase.md.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const DEFAULT_GUIDE = join(ROOT, "docs", "deploy-supabase.md");
const FUNCTION_FILES = ["supabase/functions/api/env.ts", "supabase/functions/api/index.ts"];
const MIGRATIONS_DIR = join(ROOT, "supabase", "migrations");
const WEB_ENV = "apps/web/src/env.ts";
/** The dashboard API's routes (method and path of each; packages/backend registers them from it). */
const DASHBOARD_ENDPOINTS = "packages/protocol/src/dashboard-endpoints.ts";
/** Build outputs and CLI state the guide names but a fresh clone lacks: the part before must exist. */
const GENERATED = ["apps/web/out", "apps/agent/dist", "supabase/.temp"];
/** Schemas whose objects the migrations create (extension schemas like cron, net, vault are Supabase's). */
const OWN_SCHEMAS = ["private", "public", "published"];
const PATH_EXTENSIONS = /\.(ts|tsx|mjs|js|json|md|sql|sh|toml|ya?ml)$/;

const read = (path) => readFileSync(path, "utf8");
const exists = (rel) => existsSync(join(ROOT, rel));

// ---- the guide, parsed -----------------------------------------------------------------------

/** Fenced blocks (also indented inside list items), with their indentation removed. */
function fencedBlocks(markdown) {
  const blocks = [];
  const re = /^([ \t]*)(`{3,}|~{3,})([^\n]*)\n([\s\S]*?)^[ \t]*\2[ \t]*$/gm;
  for (const m of markdown.matchAll(re)) {
    const indent = m[1].length;
    const body = m[4]
      .split("\n")
      .map((line) => line.slice(Math.min(indent, line.length - line.trimStart().length)))
      .join("\n");
    blocks.push({ lang: m[3].trim().split(/\s+/)[0] ?? "", body });
  }
  return { blocks, prose: markdown.replace(re, "") };
}

function parseGuide(markdown) {
  const { blocks, prose } = fencedBlocks(markdown);
  const inline = [...prose.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]);
  const links = [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
  // shell commands: continuation lines joined, from blocks and inline spans alike
  const commands = [...blocks.map((b) => b.body.replace(/\\\n/g, " ")), ...inline]
    .flatMap((text) => text.split("\n"))
    .map((line) => line.trim());
  const sql = blocks.filter((b) => b.lang === "sql").map((b) => b.body);
  return { markdown, blocks, prose, inline, links, commands, sql };
}

// ---- the repository, read --------------------------------------------------------------------

function migrations() {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .map((f) => ({ name: f, text: read(join(MIGRATIONS_DIR, f)) }));
}

/** Names the api function reads: the keys of env.ts's schema and any literal Deno.env.get("X"). */
function functionEnv() {
  const names = new Set();
  for (const file of FUNCTION_FILES) {
    const text = read(join(ROOT, file));
    const schema = /const Env = z\.object\(\{([\s\S]*?)\n\}\);/.exec(text)?.[1];
    if (schema) for (const m of schema.matchAll(/^\s*([A-Z][A-Z0-9_]*)\s*:/gm)) names.add(m[1]);
    for (const m of text.matchAll(/Deno\.env\.get\(\s*["']([A-Z][A-Z0-9_]*)["']\s*\)/g)) names.add(m[1]);
  }
  return names;
}

function workspacePackages() {
  const yaml = read(join(ROOT, "pnpm-workspace.yaml"));
  const section = /^packages:\n((?:[ \t]+-[^\n]*\n?)+)/m.exec(yaml)?.[1] ?? "";
  const globs = [...section.matchAll(/-\s*["']?([^"'\n]+?)["']?\s*$/gm)].map((m) => m[1]);
  const dirs = globs.flatMap((glob) => {
    if (!glob.endsWith("/*")) return [glob];
    const parent = glob.slice(0, -2);
    if (!exists(parent)) return [];
    return readdirSync(join(ROOT, parent)).map((d) => `${parent}/${d}`);
  });
  const packages = new Map();
  for (const dir of dirs) {
    const manifest = join(ROOT, dir, "package.json");
    if (!existsSync(manifest)) continue;
    const json = JSON.parse(read(manifest));
    if (json.name) packages.set(json.name, { dir, scripts: Object.keys(json.scripts ?? {}) });
  }
  return packages;
}

/** Every route of the Hono app as segments under the function's URL (`/functions/v1/api`). */
function appRoutes() {
  const appFile = "packages/backend/src/app.ts";
  const text = read(join(ROOT, appFile));
  const routes = [];
  const verbs = /\.(?:get|post|put|patch|delete)\(\s*"([^"]+)"/g;
  for (const m of text.matchAll(verbs)) routes.push(m[1]);
  for (const m of text.matchAll(/\.route\(\s*"([^"]+)"\s*,\s*(\w+)\(/g)) {
    const [, prefix, fn] = m;
    const from = new RegExp(`import\\s*\\{[^}]*\\b${fn}\\b[^}]*\\}\\s*from\\s*"([^"]+)"`).exec(text)?.[1];
    if (!from) continue;
    const file = join(dirname(join(ROOT, appFile)), from);
    const files =
      basename(file) === "index.ts"
        ? readdirSync(dirname(file))
            .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
            .map((f) => join(dirname(file), f))
        : [file];
    for (const f of files) for (const r of read(f).matchAll(verbs)) routes.push(prefix + r[1]);
  }
  // the dashboard's routes are registered from the contract, where each path is written once
  for (const m of read(join(ROOT, DASHBOARD_ENDPOINTS)).matchAll(/\bpath:\s*"([^"]+)"/g)) routes.push(m[1]);
  return routes.map((r) => r.split("/").filter(Boolean));
}

// ---- the rules -------------------------------------------------------------------------------

function checkPaths(guide, guidePath, problems) {
  const candidates = new Set();
  for (const span of guide.inline) {
    const token = span.replace(/^\.\//, "").replace(/[.,:;]+$/, "");
    if (/\s|:\/\/|^[/@$~#]/.test(token) || token.includes("…")) continue;
    const first = token.split("/")[0];
    const looksLikeFile = PATH_EXTENSIONS.test(token) && token.includes("/");
    if ((first && exists(first) && token !== first) || looksLikeFile) candidates.add(token);
    else if (!token.includes("/") && PATH_EXTENSIONS.test(token) && exists(token)) candidates.add(token);
  }
  for (const rel of candidates) {
    // a placeholder segment (`supabase/functions/<name>`): check what comes before it
    const concrete = rel.split("/").filter(Boolean);
    const cut = concrete.findIndex((s) => /[<>]/.test(s));
    const path = (cut === -1 ? concrete : concrete.slice(0, cut)).join("/");
    const generated = GENERATED.find((g) => path === g || path.startsWith(`${g}/`));
    if (generated) {
      const owner = dirname(generated);
      if (!exists(owner)) problems.push(`path \`${rel}\`: ${owner} does not exist`);
    } else if (path.includes("*")) {
      const dir = dirname(path);
      const pattern = new RegExp(
        `^${basename(path)
          .replace(/[.+?^${}()|[\]\\]/g, "\\$&")
          .replace(/\*/g, ".*")}$`,
      );
      if (!exists(dir) || !readdirSync(join(ROOT, dir)).some((f) => pattern.test(f))) {
        problems.push(`path \`${rel}\` matches nothing in the repository`);
      }
    } else if (!exists(path)) {
      problems.push(`path \`${rel}\` does not exist in the repository`);
    }
  }
  const inside = !relative(ROOT, guidePath).startsWith("..");
  const base = inside ? dirname(guidePath) : join(ROOT, "docs");
  for (const link of guide.links) {
    if (/^[a-z]+:/i.test(link) || link.startsWith("#")) continue;
    const target = resolve(base, decodeURIComponent(link.split("#")[0]));
    if (!existsSync(target)) problems.push(`link (${link}) points to nothing (${relative(ROOT, target)})`);
  }
}

function checkSecrets(guide, problems) {
  const readByFunction = functionEnv();
  if (readByFunction.size === 0) {
    problems.push(`found no environment schema in ${FUNCTION_FILES.join(" or ")}`);
    return;
  }
  for (const line of guide.commands) {
    for (const m of line.matchAll(/\bsupabase(?:@[\w.-]+)?\s+secrets\s+(set|unset)\s+([^|;&#]*)/g)) {
      const names = m[2]
        .split(/\s+/)
        .filter((t) => t && !t.startsWith("-"))
        .map((t) =>
          m[1] === "set"
            ? /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(t)?.[1]
            : /^[A-Za-z_][A-Za-z0-9_]*$/.exec(t)?.[0],
        )
        .filter(Boolean);
      for (const name of names) {
        if (name.startsWith("SUPABASE_")) {
          problems.push(`secrets ${m[1]} ${name}: names starting with SUPABASE_ are reserved by Supabase`);
        } else if (!readByFunction.has(name)) {
          problems.push(
            `secrets ${m[1]} ${name}: the api function never reads ${name} (${FUNCTION_FILES.join(", ")})`,
          );
        }
      }
    }
  }
  for (const name of readByFunction) {
    if (!new RegExp(`\\b${name}\\b`).test(guide.markdown)) {
      problems.push(`env ${name}: read by the api function but not mentioned in the guide`);
    }
  }
}

function checkDeploy(guide, problems) {
  for (const line of guide.commands) {
    for (const m of line.matchAll(/\bsupabase(?:@[\w.-]+)?\s+functions\s+deploy\b((?:\s+[^\s|;&#]+)*)/g)) {
      const name = m[1].split(/\s+/).find((t) => t && !t.startsWith("-"));
      if (!name) continue;
      const dir = `supabase/functions/${name}`;
      if (!exists(dir)) problems.push(`functions deploy ${name}: no directory ${dir}`);
      else if (!exists(`${dir}/index.ts`)) problems.push(`functions deploy ${name}: ${dir} has no index.ts`);
    }
  }
}

function checkPnpmFilters(guide, problems) {
  const packages = workspacePackages();
  const builtins = new Set([
    "exec",
    "install",
    "add",
    "remove",
    "list",
    "ls",
    "why",
    "dlx",
    "update",
    "test",
  ]);
  for (const line of guide.commands) {
    for (const m of line.matchAll(/\bpnpm\b[^|;&]*?(?:--filter[= ]|-F\s*)(\S+)((?:\s+[^\s|;&#]+)*)/g)) {
      const name = m[1].replace(/^["']|["']$/g, "");
      const pkg = packages.get(name);
      if (!pkg) {
        problems.push(`pnpm --filter ${name}: no workspace package is named ${name}`);
        continue;
      }
      const words = m[2].split(/\s+/).filter((w) => w && !w.startsWith("-"));
      const script = words[0] === "run" ? words[1] : words[0];
      if (script && !builtins.has(script) && !pkg.scripts.includes(script)) {
        problems.push(`pnpm --filter ${name} ${script}: ${pkg.dir}/package.json has no script "${script}"`);
      }
    }
  }
}

function checkNodeScripts(guide, problems) {
  for (const line of guide.commands) {
    for (const m of line.matchAll(
      /(?:^|[\s;&|(])node\s+((?:\.\/)?[\w./-]+\.(?:mjs|cjs|js|ts))((?:\s+[^\s|;&#]+)*)/g,
    )) {
      const file = m[1].replace(/^\.\//, "");
      if (!exists(file)) {
        problems.push(`node ${file}: no such file in the repository`);
        continue;
      }
      const source = read(join(ROOT, file));
      for (const option of m[2].matchAll(/(?:^|\s)(--[a-z][a-z0-9-]*)/g)) {
        if (!source.includes(`"${option[1]}"`) && !source.includes(`${option[1]}=`)) {
          problems.push(`node ${file} ${option[1]}: ${file} has no option ${option[1]}`);
        }
      }
    }
  }
}

function checkRoutes(guide, problems) {
  const routes = appRoutes();
  const seen = new Set();
  for (const m of guide.markdown.matchAll(/\/functions\/v1\/api((?:\/[^\s`'"()|\]]*)?)/g)) {
    let raw = m[1].split("?")[0];
    // `.../agent/...`: any route under that prefix
    const open = /\/(\.\.\.|…)$/.test(raw);
    raw = open ? raw.replace(/\/(\.\.\.|…)$/, "") : raw.replace(/[.,:;]+$/, "");
    if ((!raw && !open) || seen.has(`${raw}${open}`)) continue;
    seen.add(`${raw}${open}`);
    const wanted = raw.split("/").filter(Boolean);
    const fits = (route) =>
      (open ? route.length >= wanted.length : route.length === wanted.length) &&
      wanted.every((s, i) => route[i].startsWith(":") || /^[<$*{]/.test(s) || s === route[i]);
    if (!routes.some(fits))
      problems.push(
        `route /functions/v1/api${raw}: no such route in packages/backend/src/app.ts or ${DASHBOARD_ENDPOINTS}`,
      );
  }
}

function checkSql(guide, problems) {
  const files = migrations();
  const all = files.map((f) => f.text).join("\n");
  const sqlText = guide.sql.join("\n");

  // objects of Custos' own schemas
  const objects = new Set();
  for (const m of sqlText.matchAll(new RegExp(`\\b(${OWN_SCHEMAS.join("|")})\\.([a-z_][a-z0-9_]*)`, "g"))) {
    objects.add(`${m[1]}.${m[2]}`);
  }
  for (const span of guide.inline) {
    const m = new RegExp(`^(${OWN_SCHEMAS.join("|")})\\.([a-z_][a-z0-9_]*)(\\(\\))?$`).exec(span);
    if (m) objects.add(`${m[1]}.${m[2]}`);
  }
  for (const object of objects) {
    const created = new RegExp(
      `create\\s+(?:or\\s+replace\\s+)?(?:unlogged\\s+)?(?:table|function|procedure|view|materialized\\s+view|type|sequence)\\s+(?:if\\s+not\\s+exists\\s+)?${object.replace(".", "\\.")}\\b`,
      "i",
    );
    if (!created.test(all)) problems.push(`sql ${object}: no migration creates it`);
  }

  // cron jobs named in the guide's SQL
  const scheduled = new Set([...all.matchAll(/'(custos-[a-z0-9-]+)'/g)].map((m) => m[1]));
  for (const m of sqlText.matchAll(/'(custos-[a-z0-9-]+)'/g)) {
    if (!scheduled.has(m[1])) problems.push(`sql cron job '${m[1]}': no migration schedules it`);
  }

  // Vault names, both ways
  const readByMigrations = new Set(
    [...all.matchAll(/vault\.decrypted_secrets\s+where\s+name\s*=\s*'([^']+)'/g)].map((m) => m[1]),
  );
  const createdByGuide = new Set(
    [...sqlText.matchAll(/vault\.create_secret\(\s*'[^']*'\s*,\s*'([^']+)'/g)].map((m) => m[1]),
  );
  for (const name of createdByGuide) {
    if (!readByMigrations.has(name))
      problems.push(`vault '${name}': created by the guide, read by no migration`);
  }
  for (const name of readByMigrations) {
    if (!createdByGuide.has(name))
      problems.push(`vault '${name}': read by the migrations, never created in the guide`);
  }

  // extensions the migrations test for must be enabled in the guide
  const enabled = new Set(
    [...sqlText.matchAll(/create\s+extension\s+(?:if\s+not\s+exists\s+)?"?([a-z_]+)"?/gi)].map((m) => m[1]),
  );
  const tested = new Set([...all.matchAll(/extname\s*=\s*'([a-z_]+)'/g)].map((m) => m[1]));
  for (const name of tested) {
    if (!enabled.has(name))
      problems.push(`extension ${name}: the migrations need it, the guide never enables it`);
  }

  // the schedule is made by private.ensure_schedule(), which the guide must tell users to run
  // (after enabling the extensions later than `db push`) and a migration must create
  const ensure = "private.ensure_schedule";
  if (!guide.markdown.includes(`select ${ensure}();`)) {
    problems.push(`sql ${ensure}(): the guide never tells to run \`select ${ensure}();\``);
  }
  if (!/create\s+(?:or\s+replace\s+)?function\s+private\.ensure_schedule\s*\(\s*\)/i.test(all)) {
    problems.push(`sql ${ensure}(): no migration creates it`);
  }
}

function checkWebEnv(guide, problems) {
  const webText = read(join(ROOT, WEB_ENV));
  const readByWeb = new Set(
    [...webText.matchAll(/process\.env\.(NEXT_PUBLIC_[A-Z0-9_]+)/g)].map((m) => m[1]),
  );
  const inGuide = new Set([...guide.markdown.matchAll(/\b(NEXT_PUBLIC_[A-Z0-9_]+)/g)].map((m) => m[1]));
  for (const name of inGuide) {
    if (!readByWeb.has(name)) problems.push(`env ${name}: the dashboard never reads it (${WEB_ENV})`);
  }
  for (const name of readByWeb) {
    if (!inGuide.has(name)) problems.push(`env ${name}: read by the dashboard build, not in the guide`);
  }
}

function checkCliVersion(guide, problems) {
  const versions = new Set([...guide.markdown.matchAll(/\bsupabase@([\w.-]+)/g)].map((m) => m[1]));
  if (versions.size > 1)
    problems.push(`supabase CLI: the guide uses several versions (${[...versions].join(", ")})`);
}

// ---- main ------------------------------------------------------------------------------------

export function checkGuide(guidePath = DEFAULT_GUIDE) {
  const guide = parseGuide(read(guidePath));
  const problems = [];
  checkPaths(guide, guidePath, problems);
  checkSecrets(guide, problems);
  checkDeploy(guide, problems);
  checkPnpmFilters(guide, problems);
  checkNodeScripts(guide, problems);
  checkRoutes(guide, problems);
  checkSql(guide, problems);
  checkWebEnv(guide, problems);
  checkCliVersion(guide, problems);
  return problems;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const guidePath = resolve(process.argv[2] ?? DEFAULT_GUIDE);
  const shown = relative(process.cwd(), guidePath) || guidePath;
  let problems;
  try {
    problems = checkGuide(guidePath);
  } catch (error) {
    console.error(`check-deploy-guide: ${shown}: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  }
  if (problems.length > 0) {
    console.error(`check-deploy-guide: ${shown} disagrees with the repository (${problems.length}):`);
    for (const p of problems) console.error(`  - ${p}`);
    process.exit(1);
  }
  console.log(`check-deploy-guide: ${shown} matches the repository`);
}
