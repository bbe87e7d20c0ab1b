/**
 * The API's answers compressed for clients that accept it (src/compress.ts), mounted as http.ts
 * mounts it: GET answers under /functions/v1, with real zlib and real Responses.
 */
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { Hono } from "hono";
import { beforeAll, describe, expect, it } from "vitest";
import { chooseEncoding, compressAnswers, MIN_COMPRESS_BYTES } from "../src/compress.ts";

const rows = Array.from({ length: 400 }, (_, i) => ({
  id: i,
  name: `node-${i}`,
  cpu_percent: (i * 7) % 100,
}));
const big = JSON.stringify({ servers: rows });
const csvLines = Array.from(
  { length: 5000 },
  (_, i) => `2026-12-06T00:00:${String(i % 60).padStart(2, "0")}Z,${i}\n`,
);

let app: Hono;
beforeAll(() => {
  app = new Hono();
  app.get("/functions/v1/*", compressAnswers());
  app.get("/functions/v1/big", (c) => c.json(JSON.parse(big)));
  app.get("/functions/v1/small", (c) => c.json({ ok: true }));
  app.get("/functions/v1/missing", (c) =>
    c.json({ error: { code: "NOT_FOUND", detail: "x".repeat(2000) } }, 404),
  );
  app.get("/functions/v1/vary", (c) => c.json(JSON.parse(big), 200, { vary: "origin" }));
  app.get("/functions/v1/png", (c) => c.body(new Uint8Array(4096), 200, { "content-type": "image/png" }));
  app.get("/functions/v1/encoded", (c) =>
    c.body(new Uint8Array(4096), 200, { "content-type": "application/json", "content-encoding": "gzip" }),
  );
  app.get(
    "/functions/v1/export.csv",
    () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            // a download streams in chunks, like exports/response.ts
            for (let i = 0; i < csvLines.length; i += 500)
              controller.enqueue(new TextEncoder().encode(csvLines.slice(i, i + 500).join("")));
            controller.close();
          },
        }),
        {
          headers: {
            "content-type": "text/csv; charset=utf-8; header=present",
            "content-disposition": 'attachment; filename="checks.csv"',
          },
        },
      ),
  );
  app.post("/functions/v1/big", (c) => c.json(JSON.parse(big)));
});

const get = (path: string, acceptEncoding?: string, method = "GET") =>
  app.request(`/functions/v1/${path}`, {
    method,
    headers: acceptEncoding === undefined ? {} : { "accept-encoding": acceptEncoding },
  });

async function bytes(res: Response): Promise<Buffer> {
  return Buffer.from(await res.arrayBuffer());
}

describe("choosing the encoding from Accept-Encoding", () => {
  it("prefers brotli, falls back to gzip, honours q-values and wildcards, and answers plain otherwise", () => {
    expect(chooseEncoding("gzip, deflate, br, zstd")).toBe("br");
    expect(chooseEncoding("gzip, deflate")).toBe("gzip");
    expect(chooseEncoding("br;q=0.5, gzip")).toBe("gzip");
    expect(chooseEncoding("br;q=0, gzip;q=0")).toBeNull();
    expect(chooseEncoding("*")).toBe("br");
    expect(chooseEncoding("*;q=0.1, br;q=0")).toBe("gzip");
    expect(chooseEncoding("identity")).toBeNull();
    expect(chooseEncoding("")).toBeNull();
    expect(chooseEncoding(undefined)).toBeNull();
  });

  it("answers plain for a malformed or hostile header instead of failing", () => {
    expect(chooseEncoding(";;;,,,")).toBeNull();
    expect(chooseEncoding("gzip;q=-1")).toBeNull();
    expect(chooseEncoding("x,".repeat(10_000))).toBeNull();
    expect(chooseEncoding('"br", \u0000gzip')).toBeNull();
    expect(chooseEncoding("BR")).toBe("br");
    expect(chooseEncoding("br;q=0.001")).toBe("br");
    // an unreadable q-value is ignored (Hono's Accept parser), as if the encoding were listed bare
    expect(chooseEncoding("br;q=abc")).toBe("br");
  });
});

describe("compressing the API's answers", () => {
  it("sends a large JSON answer as brotli to a browser, smaller, with its length, decoding to the same JSON", async () => {
    const res = await get("big", "gzip, deflate, br, zstd");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-encoding")).toBe("br");
    expect(res.headers.get("vary")).toBe("accept-encoding");
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const body = await bytes(res);
    expect(Number(res.headers.get("content-length"))).toBe(body.length);
    expect(body.length).toBeLessThan(big.length / 3);
    expect(JSON.parse(brotliDecompressSync(body).toString())).toEqual(JSON.parse(big));
  });

  it("sends gzip to a client that accepts only gzip (the agent, curl --compressed)", async () => {
    const res = await get("big", "gzip, deflate");
    expect(res.headers.get("content-encoding")).toBe("gzip");
    expect(JSON.parse(gunzipSync(await bytes(res)).toString())).toEqual(JSON.parse(big));
  });

  it("sends the answer plain, untouched, to a client that accepts no compression", async () => {
    for (const accept of [undefined, "identity", "br;q=0, gzip;q=0"]) {
      const res = await get("big", accept);
      expect(res.headers.get("content-encoding"), String(accept)).toBeNull();
      expect(JSON.parse((await bytes(res)).toString())).toEqual(JSON.parse(big));
    }
  });

  it(`leaves answers under ${MIN_COMPRESS_BYTES} bytes plain but still varies on Accept-Encoding`, async () => {
    const res = await get("small", "br");
    expect(res.headers.get("content-encoding")).toBeNull();
    expect(res.headers.get("vary")).toBe("accept-encoding");
    expect(await res.json()).toEqual({ ok: true });
    expect(Number(res.headers.get("content-length"))).toBe('{"ok":true}'.length);
  });

  it("compresses an error answer with its status, and keeps an existing Vary", async () => {
    const missing = await get("missing", "br");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-encoding")).toBe("br");
    const error = JSON.parse(brotliDecompressSync(await bytes(missing)).toString());
    expect(error.error.code).toBe("NOT_FOUND");
    const vary = await get("vary", "gzip");
    expect(vary.headers.get("vary")).toBe("origin, accept-encoding");
  });

  it("does not touch images, answers already encoded, HEAD requests or POST answers", async () => {
    const png = await get("png", "br");
    expect(png.headers.get("content-encoding")).toBeNull();
    expect((await bytes(png)).length).toBe(4096);
    const encoded = await get("encoded", "br");
    expect(encoded.headers.get("content-encoding")).toBe("gzip");
    expect((await bytes(encoded)).length).toBe(4096);
    const head = await get("big", "br", "HEAD");
    expect(head.headers.get("content-encoding")).toBeNull();
    const post = await get("big", "br", "POST");
    expect(post.headers.get("content-encoding")).toBeNull();
    expect(JSON.parse((await bytes(post)).toString())).toEqual(JSON.parse(big));
  });

  it("compresses a download as it streams, keeping its file name, and it decodes to every line", async () => {
    const res = await get("export.csv", "gzip, br");
    expect(res.headers.get("content-encoding")).toBe("br");
    expect(res.headers.get("content-length")).toBeNull();
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="checks.csv"');
    const body = await bytes(res);
    expect(body.length).toBeLessThan(csvLines.join("").length / 3);
    expect(brotliDecompressSync(body).toString()).toBe(csvLines.join(""));
    const gz = await get("export.csv", "gzip");
    expect(gunzipSync(await bytes(gz)).toString()).toBe(csvLines.join(""));
  });
});
