import { Duplex } from "node:stream";
import { promisify } from "node:util";
import zlib from "node:zlib";
import type { MiddlewareHandler } from "hono";
import { parseAccept } from "hono/utils/accept";

/**
 * Compresses the API's answers for clients that accept it (decision 0051): the servers overview of
 * 1,000 servers is 630 KB of JSON, ~110 KB compressed, which is the difference between instant and
 * half a second on a phone or over a VPN. On Supabase the platform's proxy does this; custos-server
 * answers the browser itself.
 *
 * Fastest settings (brotli quality 1, gzip level 1): ~3–4.5 ms for 630 KB, off the event loop
 * (zlib's thread pool), against 7–9 ms for the defaults for 3–10 % fewer bytes.
 */

/** Below this, compression saves less than it costs: one packet carries it anyway. */
export const MIN_COMPRESS_BYTES = 1024;

/** What the API answers that compresses: JSON and CSV (answers and downloads). */
const COMPRESSIBLE = /^\s*(?:application\/json|text\/csv)\b/i;

export type Encoding = "br" | "gzip";

const BROTLI: zlib.BrotliOptions = { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1 } };
const GZIP: zlib.ZlibOptions = { level: 1 };
const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/**
 * The encoding to answer in: br when the client accepts it at least as much as gzip, else gzip;
 * null for neither (absent header, `identity`, or both refused with q=0). `*` stands for both.
 */
export function chooseEncoding(header: string | undefined): Encoding | null {
  if (!header) return null;
  const accepts = parseAccept(header);
  const q = (name: Encoding) =>
    accepts.find((a) => a.type.toLowerCase() === name)?.q ?? accepts.find((a) => a.type === "*")?.q ?? 0;
  const br = q("br");
  const gz = q("gzip");
  if (br > 0 && br >= gz) return "br";
  return gz > 0 ? "gzip" : null;
}

/**
 * The middleware: answers are compressed whole (they are already whole in memory); downloads
 * (`content-disposition: attachment`, the exports) are compressed as they stream, so a large export
 * is still never one buffer.
 */
export function compressAnswers(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const res = c.res;
    if (
      c.req.method === "HEAD" ||
      !res.body ||
      res.status === 206 ||
      res.headers.has("content-encoding") ||
      !COMPRESSIBLE.test(res.headers.get("content-type") ?? "")
    )
      return;
    addVary(res.headers);
    const encoding = chooseEncoding(c.req.header("accept-encoding"));
    if (!encoding) return;
    if (res.headers.get("content-disposition")?.startsWith("attachment")) {
      const encoder = encoding === "br" ? zlib.createBrotliCompress(BROTLI) : zlib.createGzip(GZIP);
      // node:stream/web's stream types and the DOM's are the same objects under two declarations
      const transform = Duplex.toWeb(encoder) as unknown as ReadableWritablePair<Uint8Array, Uint8Array>;
      c.res = new Response(res.body.pipeThrough(transform), res);
      c.res.headers.delete("content-length");
      c.res.headers.set("content-encoding", encoding);
      return;
    }
    const raw = new Uint8Array(await res.arrayBuffer());
    const small = raw.byteLength < MIN_COMPRESS_BYTES;
    const body = small ? raw : await (encoding === "br" ? brotli(raw, BROTLI) : gzip(raw, GZIP));
    c.res = new Response(body, res);
    c.res.headers.set("content-length", String(body.byteLength));
    if (!small) c.res.headers.set("content-encoding", encoding);
  };
}

/** Caches must keep one copy per encoding (even when this one went out plain). */
function addVary(headers: Headers) {
  const vary = headers.get("vary");
  if (vary === "*" || (vary && /(?:^|,)\s*accept-encoding\s*(?:,|$)/i.test(vary))) return;
  headers.set("vary", vary ? `${vary}, accept-encoding` : "accept-encoding");
}
