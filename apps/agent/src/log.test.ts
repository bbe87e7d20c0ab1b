import { describe, expect, it } from "vitest";
import { createLogger, redactText } from "./log.ts";

describe("logger", () => {
  it("writes one JSON object per line with time, level, message and fields", () => {
    const lines: string[] = [];
    const log = createLogger({ write: (l) => lines.push(l), now: () => 0 }).child({ component: "push" });
    log.info("pushed", { batches: 2 });
    log.debug("hidden");
    expect(lines).toEqual([
      '{"ts":"1970-01-01T00:00:00.000Z","level":"info","msg":"pushed","component":"push","batches":2}\n',
    ]);
  });

  it("never writes secrets: secret-named fields, URL credentials and bearer tokens", () => {
    const lines: string[] = [];
    const log = createLogger({ write: (l) => lines.push(l) });
    log.error("failed https://user:hunter2@example.com/x with Bearer ck_live_abc", {
      api_key: "ck_live_abc",
      password: "hunter2",
      nested: {
        token: "t0k",
        webhook_url: "https://hooks.slack.com/services/T/B/S",
        url: "postgres://u:pw@db/x",
      },
      error: new Error("connect to https://a:b@host failed"),
    });
    const text = lines.join("");
    for (const secret of ["hunter2", "ck_live_abc", "t0k", "hooks.slack.com", ":pw@", "a:b@"])
      expect(text).not.toContain(secret);
    expect(text).toContain("https://***@example.com/x");
    expect(text).toContain("postgres://***@db/x");
  });

  it("masks credentials in free text", () => {
    expect(redactText("GET http://admin:pw@10.0.0.1/ISAPI")).toBe("GET http://***@10.0.0.1/ISAPI");
  });
});
