import { describe, expect, it } from "vitest";
import { classify } from "./client.ts";

const error = (code: string) => JSON.stringify({ error: { code, message: "m" } });

describe("answers from the agent API", () => {
  it.each([
    [200, '{"ok":true}', "ok"],
    [400, error("VALIDATION"), "rejected"],
    [413, error("PAYLOAD_TOO_LARGE"), "too_large"],
    [401, error("UNAUTHORIZED"), "auth"],
    [403, error("FORBIDDEN"), "auth"],
    [403, error("PENDING_APPROVAL"), "pending_approval"],
    [402, error("PLAN_LIMIT"), "plan_limit"],
    // a 402 that is not the backend's plan answer (a proxy's paywall page): retried like others
    [402, "<html>Payment Required</html>", "retry"],
    [422, error("VALIDATION"), "rejected"],
    // the batch id was stored for another kind: this id can never be accepted, so resending it
    // forever would only hold back the batches behind it
    [409, error("CONFLICT"), "rejected"],
    // not the batch's fault (a deleted server, a route an older backend lacks, a proxy that
    // mangles encodings): retried with backoff, never set aside
    [404, error("NOT_FOUND"), "retry"],
    [415, error("UNSUPPORTED_MEDIA_TYPE"), "retry"],
    [429, error("RATE_LIMITED"), "retry"],
    [500, "oops", "retry"],
    [503, "", "retry"],
  ])("classifies HTTP %i as %s", (status, body, kind) => {
    expect(classify(status, body, null).kind).toBe(kind);
  });

  it("honours Retry-After on 429 and counts only 5xx as the backend being unreachable", () => {
    expect(classify(429, error("RATE_LIMITED"), "7")).toMatchObject({
      kind: "retry",
      retryAfterMs: 7_000,
      unreachable: false,
    });
    expect(classify(502, "", null)).toMatchObject({ kind: "retry", unreachable: true });
  });

  it("carries the plan's refusal as the backend worded it, for the agent to log as is", () => {
    const body = JSON.stringify({
      error: {
        code: "PLAN_LIMIT",
        message:
          "the Free plan allows 1 server and this organization has 1: remove a server or change the plan",
        field: "plan.max_servers",
      },
    });
    expect(classify(402, body, null)).toEqual({
      kind: "plan_limit",
      status: 402,
      message:
        "the Free plan allows 1 server and this organization has 1: remove a server or change the plan",
    });
  });

  it("keeps the backend's error code, message and field for the log", () => {
    const body = JSON.stringify({
      error: { code: "VALIDATION", message: "expected number", field: "samples.3.value" },
    });
    expect(classify(400, body, null)).toMatchObject({
      message: "HTTP 400 VALIDATION: expected number at samples.3.value",
      error: { code: "VALIDATION", message: "expected number", field: "samples.3.value" },
    });
    expect(classify(400, "<html>bad gateway config</html>", null)).toMatchObject({
      error: { code: null, message: "<html>bad gateway config</html>", field: null },
    });
  });
});
