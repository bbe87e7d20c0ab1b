/** A GET against the Docker Engine API over its unix socket (node:http with socketPath). */
import http from "node:http";

export interface EngineAnswer {
  status: number;
  body: string;
}

/** Why the socket could not be used: unsupported (this host cannot run the plugin) or down. */
export interface SocketProblem {
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

export function engineGet(socketPath: string, path: string, timeoutMs: number, signal: AbortSignal) {
  return new Promise<EngineAnswer>((resolve, reject) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const request = http.request(
      {
        socketPath,
        path,
        method: "GET",
        headers: { host: "docker", "user-agent": "custos-agent" },
        signal: AbortSignal.any([signal, timeout]),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
        );
        response.on("error", (error) => reject(new SocketError(undefined, error.message)));
      },
    );
    request.on("error", (error: NodeJS.ErrnoException) => {
      if (timeout.aborted) reject(new SocketError("ETIMEDOUT", `no answer within ${timeoutMs} ms`));
      else reject(new SocketError(error.code, error.message));
    });
    request.end();
  });
}
