/**
 * Hostile variants of a valid request, one change at a time, for the contract fuzz suite: a valid
 * example (which the contract accepts) is mutated at one body path, query parameter or path
 * parameter, or replaced as a whole body, so a failure points at one field.
 */
import fc from "fast-check";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Segment = string | number;

/** A request as sent: path and query already encoded (hostile ones on purpose). */
export interface Sent {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** What changed, for the error's `field` check and the failure message. */
export interface Mutation {
  where: "body" | "query" | "path" | "raw";
  /** dotted path of the changed input (`samples.0.ts`, `q`, `org_id`, `body`) */
  field: string;
  description: string;
}

/** Stands in for a JSON token that JSON.stringify cannot write (1e400 parses to Infinity). */
const RAW = "\u0001raw:";

function text(n: number, unit = "x") {
  return unit.repeat(n);
}

function nested(depth: number, leaf: Json = 1): Json {
  let v: Json = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

/** Strings PostgreSQL, JS dates or the routes' parsers have stumbled over. */
const HOSTILE_STRINGS = [
  "\u0000",
  "a\u0000b",
  "\uD800",
  "x\uDFFFy",
  "\uDBFF\uDBFF",
  "",
  " ",
  "NaN",
  "Infinity",
  "-1",
  "1e400",
  "0000-01-01T00:00:00Z",
  "0000-01-01T00:00:00.000+00:00",
  "9999-12-31T23:59:59.999-23:59",
  "+275760-09-13T00:00:00.000Z",
  "2026-02-30T00:00:00Z",
  "not-a-uuid",
  "00000000-0000-0000-0000-000000000000",
  "ffffffff-ffff-ffff-ffff-ffffffffffff",
  "%00",
  "../../etc/passwd",
  "' or 1=1 --",
  "\u202e\u0301",
  "__proto__",
];

const HOSTILE_NUMBERS = [
  -1,
  0,
  0.5,
  -0.000001,
  1e308,
  -1e308,
  8_700_000_000_000_000,
  8_640_000_000_000_000,
  Number.MAX_SAFE_INTEGER + 2,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 63,
  5e-324,
];

/** Any JSON value a hostile client could put in one place. */
export const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(...HOSTILE_STRINGS),
  fc.constantFrom<Json>(...HOSTILE_NUMBERS),
  fc.constantFrom<Json>(`${RAW}1e400`, `${RAW}-1e400`, `${RAW}-0`, `${RAW}1E+999999`),
  fc.constantFrom<Json>(true, false, null, [], {}, [null], { a: "\u0000" }, ["\uD800"], { "\u0000": 1 }),
  fc.constantFrom<Json>(nested(9), nested(40), nested(300)),
  fc.constantFrom<Json>(text(100_000), text(3_000, "\u0000"), text(20_000, "\uD83D\uDE00")),
  fc.constantFrom<Json>(
    Array.from({ length: 6_000 }, () => 1),
    Array.from({ length: 300 }, () => "\u0000"),
  ),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 12 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Encoded query values: decoded by the server into NUL, a lone surrogate, or not decodable at all. */
export const hostileQueryValue = fc.constantFrom(
  "%00",
  "a%00b",
  "%ED%A0%80",
  "%C0%80",
  "%",
  "%zz",
  "%E2%82",
  "",
  "0000-01-01T00%3A00%3A00Z",
  "9999-12-31T23%3A59%3A59.999%2B23%3A59",
  "1e400",
  "-1",
  "NaN",
  "0x10",
  text(10_000, "y"),
  "cpu.percent,%00",
  "%2C%2C%2C",
);

/** Encoded path segments. */
export const hostilePathSegment = fc.constantFrom(
  "not-a-uuid",
  "%00",
  "a%00",
  "%ED%A0%80",
  "%",
  "%zz",
  "00000000-0000-0000-0000-000000000000",
  "7d3f0c1e-0000-4000-8000-000000000000",
  "7D3F0C1E-0000-4000-8000-00000000000G",
  text(3_000, "a"),
  "%2e%2e",
  "%2F",
  "1e400",
  "-1",
);

/** Every path in a JSON value to an object member or array element, outermost first. */
export function pathsOf(value: Json, prefix: Segment[] = []): Segment[][] {
  const out: Segment[][] = [];
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      out.push([...prefix, i], ...pathsOf(v, [...prefix, i]));
    });
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) out.push([...prefix, k], ...pathsOf(v, [...prefix, k]));
  }
  return out;
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

function parentOf(root: Json, path: Segment[]): { parent: Json; key: Segment } {
  let parent: Json = root;
  for (const seg of path.slice(0, -1)) parent = (parent as Record<string, Json>)[seg as string] as Json;
  return { parent, key: path[path.length - 1] as Segment };
}

/** replace a value, delete a member, add an extra member, or list an array element twice (batch
 * inserts with ON CONFLICT fail when one statement meets the same key twice). */
export type BodyOp =
  | { op: "replace"; value: Json }
  | { op: "delete" }
  | { op: "extra"; value: Json }
  | { op: "duplicate" };

/** The body with one change at `path`. */
export function mutateBody(body: Json, path: Segment[], change: BodyOp): Json {
  const copy = clone(body);
  const { parent, key } = parentOf(copy, path);
  if (Array.isArray(parent)) {
    if (change.op === "replace") parent[key as number] = change.value;
    else if (change.op === "delete") parent.splice(key as number, 1);
    else if (change.op === "duplicate") parent.push(clone(parent[key as number] as Json));
    else parent.push(change.value);
  } else {
    const object = parent as Record<string, Json>;
    if (change.op === "replace") object[key as string] = change.value;
    else if (change.op === "delete") delete object[key as string];
    else if (change.op === "duplicate")
      object[`zz_extra_${String(key)}`] = clone(object[key as string] as Json);
    else object[`zz_extra_${String(key)}`] = change.value;
  }
  return copy;
}

/** JSON text, with RAW placeholders written as the bare tokens they stand for. */
export function toJsonText(value: Json): string {
  return JSON.stringify(value).replace(new RegExp(`"${RAW}([^"]*)"`, "g"), "$1");
}

/** Whole bodies that are not the contract's shape at all. */
export const hostileRawBody = fc.constantFrom<{ text: string; type?: string; description: string }>(
  { text: `${"[".repeat(100_000)}${"]".repeat(100_000)}`, description: "arrays nested 100,000 deep" },
  { text: `${'{"a":'.repeat(5_000)}1${"}".repeat(5_000)}`, description: "objects nested 5,000 deep" },
  { text: "", description: "empty body" },
  { text: "null", description: "null" },
  { text: "[]", description: "an array" },
  { text: '"\\u0000"', description: "a string with NUL" },
  { text: "{", description: "truncated JSON" },
  { text: '{"a":1}'.padEnd(1_100_000, " "), description: "over 1 MiB" },
  { text: "{}", type: "text/plain", description: "text/plain" },
  { text: "\u0000\u0000", description: "NUL bytes" },
  { text: '{"__proto__":{"polluted":1}}', description: "__proto__ key" },
);

export function fieldOf(path: Segment[]): string {
  return path.map(String).join(".");
}
