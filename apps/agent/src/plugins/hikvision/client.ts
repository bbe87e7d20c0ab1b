/**
 * A minimal ISAPI HTTP client: GET with HTTP Digest authentication (digest.ts), through the
 * agent's HTTP client (util/http-client.ts), reusing the server's nonce with an increasing nonce
 * count until it goes stale.
 */
import { randomBytes } from "node:crypto";
import { httpRequest } from "../../util/http-client.ts";
import { authorizationHeader, type DigestChallenge, parseDigestChallenge } from "./digest.ts";

const MAX_BODY_BYTES = 4 * 1024 * 1024;

export class AuthError extends Error {
  override name = "AuthError";
}

interface IsapiResponse {
  status: number;
  body: string;
}

interface IsapiClientOptions {
  baseUrl: string;
  username: string;
  password: string;
  tlsSkipVerify: boolean;
}

export class IsapiClient {
  readonly #options: IsapiClientOptions;
  #challenge: DigestChallenge | undefined;
  #nc = 0;

  constructor(options: IsapiClientOptions) {
    this.#options = { ...options, baseUrl: options.baseUrl.replace(/\/+$/, "") };
  }

  /** GET an ISAPI path; throws AuthError when the device rejects the credentials. */
  async get(path: string, signal: AbortSignal): Promise<IsapiResponse> {
    let sentAuth = false;
    for (let attempt = 0; attempt < 3; attempt++) {
      const headers: Record<string, string> = { accept: "application/xml" };
      if (this.#challenge) {
        this.#nc += 1;
        headers.authorization = authorizationHeader(this.#challenge, {
          username: this.#options.username,
          password: this.#options.password,
          method: "GET",
          uri: path,
          nc: this.#nc,
          cnonce: randomBytes(16).toString("hex"),
        });
        sentAuth = true;
      }
      const response = await this.#send(path, headers, signal);
      if (response.status !== 401) return { status: response.status, body: response.body };
      const challenge = parseDigestChallenge(response.wwwAuthenticate);
      if (!challenge) {
        throw new AuthError("the device refused the request and offers no digest authentication we support");
      }
      if (sentAuth && !challenge.stale) {
        this.#challenge = undefined;
        throw new AuthError("the device rejected the username or password (HTTP 401)");
      }
      this.#challenge = challenge;
      this.#nc = 0;
    }
    throw new AuthError("the device kept asking for authentication");
  }

  async #send(
    path: string,
    headers: Record<string, string>,
    signal: AbortSignal,
  ): Promise<{ status: number; body: string; wwwAuthenticate: string | string[] | undefined }> {
    const response = await httpRequest(this.#options.baseUrl + path, {
      headers,
      signal,
      maxBodyBytes: MAX_BODY_BYTES,
      rejectUnauthorized: !this.#options.tlsSkipVerify,
    });
    if (response.truncated) throw new Error(`reply larger than ${MAX_BODY_BYTES} bytes`);
    return {
      status: response.status,
      body: response.body.toString("utf8"),
      wwwAuthenticate: response.headers["www-authenticate"],
    };
  }
}
