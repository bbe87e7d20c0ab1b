import { CreatedInvitation } from "@custos/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dashboardLinkBase } from "../../src/links.ts";
import { type Dashboard, expectContract, setupDashboard } from "./helpers.ts";

let d: Dashboard;
beforeAll(async () => {
  // custos-server without CUSTOS_PUBLIC_URL: only its own address is known
  d = await setupDashboard({ fallbackDashboardUrl: "http://192.0.2.2:8080/" });
});
afterAll(() => d.close());

describe("links without a configured public URL", () => {
  it("gives the invitation link custos-server's own address", async () => {
    const created = expectContract(
      await d.api("POST", `/orgs/${d.orgA}/invitations`, {
        as: d.users.admin,
        body: { email: "someone@a.example", role: "viewer" },
      }),
      201,
      CreatedInvitation,
    );
    expect(created.accept_url).toBe(`http://192.0.2.2:8080/invite#token=${created.token}`);
  });

  it("prefers the configured URL, and has none only when neither is known (cloud without one)", () => {
    expect(
      dashboardLinkBase({
        dashboardUrl: "https://mon.example.org/",
        fallbackDashboardUrl: "http://10.0.0.1:8080",
      }),
    ).toBe("https://mon.example.org");
    expect(dashboardLinkBase({ fallbackDashboardUrl: "http://10.0.0.1:8080" })).toBe("http://10.0.0.1:8080");
    expect(dashboardLinkBase({})).toBeUndefined();
  });
});
