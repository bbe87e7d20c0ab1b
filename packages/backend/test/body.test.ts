import { gunzipSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { Gunzip } from "../src/context.ts";
import { AppError } from "../src/errors.ts";
import { fieldIssues, parseInput, readJsonBody } from "../src/http/body.ts";

/** What custos-server injects (apps/server/src/gunzip.ts), written here for the backend alone. */
const zlibGunzip: Gunzip = (bytes, max) => {
  try {
    return gunzipSync(bytes, { maxOutputLength: max });
  } catch (error) {
    if ((error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") return "too_large";
    throw error;
  }
};

type Mode = { name: string; declared: boolean; gunzip?: Gunzip };
const MODES: Mode[] = [
  { name: "streamed (no Content-Length)", declared: false },
  { name: "declared, DecompressionStream", declared: true },
  { name: "declared, injected gunzip", declared: true, gunzip: zlibGunzip },
];

function request(body: Uint8Array | string, mode: Mode, headers: Record<string, string> = {}): Request {
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  const all: Record<string, string> = { "content-type": "application/json", ...headers };
  if (mode.declared) all["content-length"] = String(bytes.byteLength);
  // a stream body keeps undici from adding a length of its own
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream();
  return new Request("http://x/api/agent/metrics", {
    method: "POST",
    headers: all,
    body: stream,
    duplex: "half",
  } as RequestInit);
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe.each(MODES)("request bodies, $name", (mode) => {
  const read = (body: Uint8Array | string, headers?: Record<string, string>) =>
    readJsonBody(request(body, mode, headers), mode.gunzip);

  it("parses plain JSON", async () => {
    expect(await read('{"a":1}')).toEqual({ a: 1 });
  });

  it("inflates gzip JSON", async () => {
    expect(await read(gzipSync('{"a":[1,2,3]}'), { "content-encoding": "gzip" })).toEqual({ a: [1, 2, 3] });
  });

  it("answers 413 for a gzip bomb past 8 MiB inflated", async () => {
    const bomb = gzipSync(JSON.stringify({ pad: "0".repeat(9_000_000) }));
    expect(bomb.byteLength).toBeLessThan(20_000);
    const error = await failure(read(bomb, { "content-encoding": "gzip" }));
    expect(error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(error.message).toContain("after gzip");
  });

  it("answers 400 for bytes that are not gzip under a gzip header", async () => {
    const error = await failure(read('{"a":1}', { "content-encoding": "gzip" }));
    expect(error.code).toBe("VALIDATION");
    expect(error.message).toContain("gzip");
  });

  it("answers 400 for an empty body and for JSON that does not parse", async () => {
    expect((await failure(read(""))).message).toContain("empty");
    expect((await failure(read("{nope"))).message).toContain("not valid JSON");
  });

  it("answers 413 for a body over 1 MiB", async () => {
    const error = await failure(read(JSON.stringify({ pad: "x".repeat(1_100_000) })));
    expect(error.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("answers 400 naming the body for JSON nested 500,000 deep, before parsing it", async () => {
    const error = await failure(read(`${"[".repeat(500_000)}${"]".repeat(500_000)}`));
    expect(error.code).toBe("VALIDATION");
    expect(error.field).toBe("body");
    expect(error.message).toContain("deeper than 32");
  });

  it("accepts 32 levels and brackets inside strings, which do not nest", async () => {
    const deep = `${"[".repeat(32)}${"]".repeat(32)}`;
    expect(await read(deep)).toBeTruthy();
    expect(await read(JSON.stringify({ s: '[[[[\\"{{{{'.repeat(100) }))).toBeTruthy();
    // escaped backslashes right before a closing quote, then brackets that do nest
    expect(await read(JSON.stringify({ s: "\\", t: ["\\\\", "[[["], u: [[[1]]] }))).toBeTruthy();
    expect((await failure(read(`{"s":"\\\\","a":${"[".repeat(40)}${"]".repeat(40)}}`))).message).toContain(
      "deeper",
    );
  });
});

describe("refused input (one mapper for the agent API, the dashboard API and /auth/v1)", () => {
  const Schema = z.strictObject({ name: z.string(), config: z.strictObject({ port: z.number() }) });
  const refusal = (value: unknown) => {
    const result = Schema.safeParse(value);
    if (result.success) throw new Error("expected a refusal");
    return fieldIssues(result.error);
  };

  it("names the first offending field by its dotted path", () => {
    expect(refusal({ name: "a", config: { port: "80" } })).toMatchObject({
      field: "config.port",
      message: "config.port: Invalid input: expected number, received string",
    });
  });

  it("names an unknown key by its own path, not its object's", () => {
    expect(refusal({ name: "a", config: { port: 80, bogus: 1 } })).toEqual({
      field: "config.bogus",
      message: "config.bogus: unknown field",
      issues: [{ path: "config.bogus", message: "unknown field" }],
    });
  });

  it("names the body when the input as a whole is wrong", () => {
    expect(refusal("text")).toMatchObject({ field: "body" });
  });

  it("throws VALIDATION with the field and every issue", () => {
    const error = (() => {
      try {
        parseInput(Schema, { name: 1, config: { port: 80 }, extra: true });
      } catch (caught) {
        return caught as AppError;
      }
      throw new Error("expected a refusal");
    })();
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe("VALIDATION");
    expect(error.field).toBe("name");
    expect(error.issues?.map((i) => i.path)).toEqual(["name", "extra"]);
  });
});
