/**
 * HTTP Digest access authentication (RFC 7616, compatible with RFC 2617), pure: parse a
 * `WWW-Authenticate` challenge, compute the `Authorization` header for one request. Hikvision
 * devices answer `Digest qop="auth", realm="IP Camera(C5654)", nonce="...", stale="FALSE"`;
 * some put a Basic challenge in the same header, which is skipped.
 */
import { createHash } from "node:crypto";

export interface DigestChallenge {
  realm: string;
  nonce: string;
  /** Offered qop values, lower-cased; empty for the RFC 2069 form without qop. */
  qop: string[];
  opaque?: string;
  /** Upper-cased; MD5 when the challenge names none. */
  algorithm: string;
  /** The server says the nonce expired: retry with the new one, the password was fine. */
  stale: boolean;
  userhash: boolean;
}

const ALGORITHMS: Record<string, string> = {
  MD5: "md5",
  "MD5-SESS": "md5",
  "SHA-256": "sha256",
  "SHA-256-SESS": "sha256",
  "SHA-512-256": "sha512-256",
  "SHA-512-256-SESS": "sha512-256",
};

/**
 * The first Digest challenge in a `WWW-Authenticate` value with an algorithm we support, or
 * undefined when there is none. Accepts several challenges (comma-separated or repeated headers).
 */
export function parseDigestChallenge(header: string | string[] | undefined): DigestChallenge | undefined {
  const values = Array.isArray(header) ? header : header === undefined ? [] : [header];
  for (const value of values) {
    for (const challenge of splitChallenges(value)) {
      if (challenge.scheme.toLowerCase() !== "digest") continue;
      const p = challenge.params;
      const algorithm = (p.algorithm ?? "MD5").toUpperCase();
      if (!p.realm || !p.nonce || !(algorithm in ALGORITHMS)) continue;
      return {
        realm: p.realm,
        nonce: p.nonce,
        qop: (p.qop ?? "")
          .split(",")
          .map((q) => q.trim().toLowerCase())
          .filter(Boolean),
        ...(p.opaque !== undefined ? { opaque: p.opaque } : {}),
        algorithm,
        stale: (p.stale ?? "").toLowerCase() === "true",
        userhash: (p.userhash ?? "").toLowerCase() === "true",
      };
    }
  }
  return undefined;
}

interface RawChallenge {
  scheme: string;
  params: Record<string, string>;
}

/** Tokenizes `Scheme k=v, k="quoted, with commas", Scheme2 k=v` into challenges. */
function splitChallenges(header: string): RawChallenge[] {
  const challenges: RawChallenge[] = [];
  let current: RawChallenge | undefined;
  let pos = 0;
  const skip = () => {
    while (pos < header.length && /[\s,]/.test(header[pos] as string)) pos++;
  };
  while (pos < header.length) {
    skip();
    const tokenMatch = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/.exec(header.slice(pos));
    if (!tokenMatch) {
      pos++;
      continue;
    }
    const token = tokenMatch[0];
    pos += token.length;
    while (header[pos] === " " || header[pos] === "\t") pos++;
    if (header[pos] === "=") {
      pos++;
      while (header[pos] === " " || header[pos] === "\t") pos++;
      let value = "";
      if (header[pos] === '"') {
        pos++;
        while (pos < header.length && header[pos] !== '"') {
          if (header[pos] === "\\" && pos + 1 < header.length) pos++;
          value += header[pos];
          pos++;
        }
        pos++;
      } else {
        const raw = /^[^\s,]*/.exec(header.slice(pos))?.[0] ?? "";
        value = raw;
        pos += raw.length;
      }
      if (current) current.params[token.toLowerCase()] = value;
    } else {
      current = { scheme: token, params: {} };
      challenges.push(current);
    }
  }
  return challenges;
}

interface DigestRequest {
  username: string;
  password: string;
  method: string;
  /** The request-target exactly as sent: path plus query. */
  uri: string;
  /** Nonce count, 1 for the first request with this nonce. */
  nc: number;
  /** Client nonce; random per request in production, fixed in tests. */
  cnonce: string;
}

export function hash(algorithm: string, text: string): string {
  const name = ALGORITHMS[algorithm.toUpperCase()];
  if (!name) throw new Error(`unsupported digest algorithm ${algorithm}`);
  return createHash(name).update(text, "utf8").digest("hex");
}

/** The `response` value of RFC 7616 §3.4.1 (qop=auth, or the RFC 2069 form without qop). */
export function digestResponse(challenge: DigestChallenge, request: DigestRequest): string {
  const algorithm = challenge.algorithm;
  const h = (text: string) => hash(algorithm, text);
  let ha1 = h(`${request.username}:${challenge.realm}:${request.password}`);
  if (algorithm.endsWith("-SESS")) ha1 = h(`${ha1}:${challenge.nonce}:${request.cnonce}`);
  const ha2 = h(`${request.method}:${request.uri}`);
  if (!challenge.qop.includes("auth")) return h(`${ha1}:${challenge.nonce}:${ha2}`);
  return h(`${ha1}:${challenge.nonce}:${formatNc(request.nc)}:${request.cnonce}:auth:${ha2}`);
}

/** The full `Authorization` header value for one request. */
export function authorizationHeader(challenge: DigestChallenge, request: DigestRequest): string {
  const username = challenge.userhash
    ? hash(challenge.algorithm, `${request.username}:${challenge.realm}`)
    : request.username;
  const parts = [
    `username="${quote(username)}"`,
    `realm="${quote(challenge.realm)}"`,
    `nonce="${quote(challenge.nonce)}"`,
    `uri="${quote(request.uri)}"`,
    `algorithm=${challenge.algorithm}`,
    `response="${digestResponse(challenge, request)}"`,
  ];
  if (challenge.opaque !== undefined) parts.push(`opaque="${quote(challenge.opaque)}"`);
  if (challenge.qop.includes("auth")) {
    parts.push("qop=auth", `nc=${formatNc(request.nc)}`, `cnonce="${quote(request.cnonce)}"`);
  }
  if (challenge.userhash) parts.push("userhash=true");
  return `Digest ${parts.join(", ")}`;
}

/** Parses an `Authorization: Digest ...` header (what a server, like the test NVR, receives). */
export function parseAuthorization(header: string | undefined): Record<string, string> | undefined {
  if (!header) return undefined;
  const [challenge] = splitChallenges(header);
  if (challenge?.scheme.toLowerCase() !== "digest") return undefined;
  return challenge.params;
}

function formatNc(nc: number): string {
  return nc.toString(16).padStart(8, "0");
}

function quote(value: string): string {
  return value.replace(/(["\\])/g, "\\$1");
}
