import { describe, expect, it } from "vitest";
import { routePath } from "./routes.ts";

describe("typed routes", () => {
  it("fills in path parameters, encoded", () => {
    expect(routePath("me", {})).toBe("/v1/me");
    expect(routePath("metrics", { org_id: "o1", server_id: "s1" })).toBe("/v1/orgs/o1/servers/s1/metrics");
    expect(routePath("publicStatusPage", { slug: "a b/c" })).toBe("/v1/status/a%20b%2Fc");
  });
});
