import type { Server } from "node:http";
import type { Duplex } from "node:stream";
import type { ApiError } from "@custos/protocol";

/** Node's parser errors (llhttp codes) that deserve more than a plain 400. */
const STATUS_BY_PARSER_CODE: Record<
  string,
  { status: number; reason: string; field: string; message: string }
> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    reason: "Request Header Fields Too Large",
    field: "headers",
    message: "request headers are too large",
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    reason: "Request Timeout",
    field: "request",
    message: "the request was not complete in time",
  },
  HPE_UNEXPECTED_CONTENT_LENGTH: {
    status: 400,
    reason: "Bad Request",
    field: "content-length",
    message: "a request must not carry both Content-Length and Transfer-Encoding: chunked",
  },
};

/**
 * Requests Node's HTTP parser refuses (bare CR or LF, folded headers, Content-Length together with
 * chunked, oversized headers, a stalled request) never reach the app; Node would answer them with
 * an empty 400. This answers them like every other error, with the JSON `ApiError` body, and
 * closes the connection (the parser cannot find where the next request starts).
 */
export function installClientErrorHandler(server: Server): void {
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => {
    // the peer is gone, or a response is already on its way: nothing useful can be written
    if (error.code === "ECONNRESET" || !socket.writable) {
      socket.destroy();
      return;
    }
    const known = error.code ? STATUS_BY_PARSER_CODE[error.code] : undefined;
    const { status, reason, field, message } = known ?? {
      status: 400,
      reason: "Bad Request",
      field: "request",
      message: "the request is not valid HTTP/1.1",
    };
    const body: ApiError = {
      error: { code: status === 431 ? "PAYLOAD_TOO_LARGE" : "VALIDATION", message, field },
    };
    const json = JSON.stringify(body);
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\n` +
        "Content-Type: application/json\r\n" +
        `Content-Length: ${Buffer.byteLength(json)}\r\n` +
        "Connection: close\r\n\r\n" +
        json,
    );
  });
}
