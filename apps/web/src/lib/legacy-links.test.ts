import { describe, expect, it } from "vitest";
import { legacyTarget } from "./legacy-links.ts";

describe("legacy deep links", () => {
  it("forwards a notification's /incidents/<id> and /servers/<id> to the detail pages", () => {
    const id = "0b5c3a3e-6b1f-4f5e-9a51-7d4a0f3b2c11";
    expect(legacyTarget(`/incidents/${id}`)).toBe(`/incidents/detail?id=${id}`);
    expect(legacyTarget(`/servers/${id}/`)).toBe(`/servers/detail?id=${id}`);
  });
  it("forwards /status/<slug>", () => {
    expect(legacyTarget("/status/acme-lab")).toBe("/status?slug=acme-lab");
  });
  it("leaves other unknown paths alone", () => {
    expect(legacyTarget("/nope")).toBeUndefined();
    expect(legacyTarget("/incidents/not-a-uuid")).toBeUndefined();
  });
});
