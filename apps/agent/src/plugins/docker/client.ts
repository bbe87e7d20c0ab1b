/** A GET against the Docker Engine API over its unix socket (the agent's HTTP client with socketPath). */
import { HttpError, httpRequest } from "../../util/http-client.ts";

/** A container list of thousands of containers is a few MB; nothing the engine sends is near this. */
const MAX_ANSWER_BYTES = 64 * 1_048_576;

interface EngineAnswer {
  status: number;
  body: string;
}

/** Why the socket could not be used: unsupported (this host cannot run the plugin) or down. */
interface SocketProblem {
  unsupported: boolean;
  message: string;
}

/** Maps a connection error on the socket to what the user should be told. */
export function socketProblem(code: string | undefined, socketPath: string, detail: string): SocketProblem {
  switch (code) {
    case "ENOENT":
      return {
        unsupported: true,
        message: `no Docker socket at ${socketPath} (is Docker installed? set socket: if it lives elsewhere)`,
      };
    case "EACCES":
    case "EPERM":
      return {
        unsupported: true,
        message: `permission denied on ${socketPath}: add the custos user to the docker group (usermod -aG docker custos) and restart the agent`,
      };
    case "ENOTSOCK":
      return { unsupported: true, message: `${socketPath} is not a socket (check the socket: option)` };
    case "ECONNREFUSED":
      // The socket file is there but nothing listens: the engine is stopped.
      return {
        unsupported: false,
        message: `Docker engine not running: connection refused on ${socketPath}`,
      };
    default:
      return { unsupported: false, message: `cannot reach the Docker engine on ${socketPath}: ${detail}` };
  }
}

export class SocketError extends Error {
  readonly code: string | undefined;
  constructor(code: string | undefined, message: string) {
    super(message);
    this.name = "SocketError";
    this.code = code;
  }
}

export async function engineGet(
  socketPath: string,
  path: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<EngineAnswer> {
  try {
    const response = await httpRequest(`http://docker${path}`, {
      socketPath,
      headers: { "user-agent": "custos-agent" },
      timeoutMs,
      signal,
      maxBodyBytes: MAX_ANSWER_BYTES,
    });
    if (response.truncated) throw new SocketError(undefined, `answer larger than ${MAX_ANSWER_BYTES} bytes`);
    return { status: response.status, body: response.body.toString("utf8") };
  } catch (error) {
    if (error instanceof SocketError) throw error;
    if (error instanceof HttpError && error.reason === "timeout") {
      throw new SocketError("ETIMEDOUT", `no answer within ${timeoutMs} ms`);
    }
    const e = error as { code?: string; message: string; reason?: string };
    throw new SocketError(e.reason === "aborted" ? "ABORT_ERR" : e.code, e.message);
  }
}
