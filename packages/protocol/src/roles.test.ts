import { describe, expect, it } from "vitest";
import { OrgRole } from "./dashboard.ts";
import { ORG_ROLES, roleAtLeast } from "./roles.ts";

describe("roles", () => {
  it("are the contract's enum, strongest first", () => {
    expect(OrgRole.options).toEqual([...ORG_ROLES]);
  });

  it.each([
    ["owner", "admin", true],
    ["admin", "admin", true],
    ["member", "admin", false],
    ["viewer", "member", false],
    ["member", "viewer", true],
    ["admin", "owner", false],
  ] as const)("%s at least %s: %s", (role, needed, allowed) => {
    expect(roleAtLeast(role, needed)).toBe(allowed);
  });
});
