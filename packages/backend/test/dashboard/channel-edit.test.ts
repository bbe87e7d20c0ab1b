import { randomUUID } from "node:crypto";
import { ChannelItem } from "@custos/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Dashboard, expectContract, setupDashboard } from "./helpers.ts";

let d: Dashboard;
const SID = `AC${"0123456789abcdef".repeat(2)}`;

beforeAll(async () => {
  d = await setupDashboard();
});
afterAll(() => d.close());

async function create(body: Record<string, unknown>, org = d.orgA, as = d.users.admin) {
  const res = await d.api("POST", `/orgs/${org}/channels`, { as, body });
  expect(res.status, res.text).toBe(201);
  return res.body.id as string;
}
const stored = async (id: string) =>
  (await d.sql`select secret from channel_secrets where channel_id = ${id}`)[0]?.secret;
const row = async (id: string) =>
  (await d.sql`select name, config, enabled from channels where id = ${id}`)[0];
const patch = (id: string, body: unknown, as = d.users.admin, org = d.orgA) =>
  d.api("PATCH", `/orgs/${org}/channels/${id}`, { as, body });

describe("editing a channel in place", () => {
  it("changes name and settings of the same channel and keeps the secret when none is given", async () => {
    const id = await create({
      name: "pager sms",
      kind: "sms",
      config: { to: ["+14155550123"], from: "+14155550100" },
      secret: { account_sid: SID, auth_token: "first-token" },
    });
    const res = await patch(id, {
      name: "on-call sms",
      config: { to: ["+14155550123", "+14155550199"], from: "+14155550100" },
    });
    const item = expectContract(res, 200, ChannelItem);
    expect(item).toMatchObject({ id, name: "on-call sms", config: { to: ["+14155550123", "+14155550199"] } });
    expect(item.secret_fields.sort()).toEqual(["account_sid", "auth_token"]);
    expect(await stored(id)).toEqual({ account_sid: SID, auth_token: "first-token" });
    expect(res.text).not.toContain("first-token");
  });

  it("replaces only the secret keys given, keeping the others (a new token without retyping the account)", async () => {
    const id = await create({
      name: "sms 2",
      kind: "sms",
      config: { to: ["+14155550123"], from: "+14155550100" },
      secret: { account_sid: SID, auth_token: "old-token" },
    });
    const res = await patch(id, { secret: { auth_token: "new-token" } });
    expect(res.status, res.text).toBe(200);
    expect(res.text).not.toContain("new-token");
    expect(await stored(id)).toEqual({ account_sid: SID, auth_token: "new-token" });
  });

  it("removes an optional secret key given as null, and refuses removing a required one naming it", async () => {
    const id = await create({
      name: "push",
      kind: "ntfy",
      config: { topic: "ops" },
      secret: { token: "tk_abc" },
    });
    const removed = expectContract(await patch(id, { secret: { token: null } }), 200, ChannelItem);
    expect(removed.secret_fields).toEqual([]);
    expect(await stored(id)).toEqual({});

    const sms = await create({
      name: "sms 3",
      kind: "sms",
      config: { to: ["+14155550123"], from: "+14155550100" },
      secret: { account_sid: SID, auth_token: "keep-me" },
    });
    const res = await patch(sms, { secret: { account_sid: null } });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe("secret.account_sid");
    expect(await stored(sms)).toEqual({ account_sid: SID, auth_token: "keep-me" });
  });

  it.each([
    ["an unknown secret key", { secret: { bogus: "x" } }, "secret"],
    ["a malformed secret value", { secret: { auth_token: "has spaces in it" } }, "secret.auth_token"],
    ["a malformed config", { config: { to: ["0123"] } }, "config.to.0"],
    ["an empty name", { name: "" }, "name"],
    ["a kind change", { kind: "email" }, "kind"],
    ["a secret that is not an object", { secret: "tk" }, "secret"],
  ])("refuses %s with 400 naming the field and changes nothing", async (_, body, field) => {
    const id = await create({
      name: `sms ${randomUUID().slice(0, 8)}`,
      kind: "sms",
      config: { to: ["+14155550123"], from: "+14155550100" },
      secret: { account_sid: SID, auth_token: "unchanged" },
    });
    const before = await row(id);
    const res = await patch(id, body);
    expect(res.status, res.text).toBe(400);
    expect(res.body.error.field.startsWith(field)).toBe(true);
    expect(await row(id)).toEqual(before);
    expect(await stored(id)).toEqual({ account_sid: SID, auth_token: "unchanged" });
  });

  it("never lets a __proto__ key reach the stored secret or any object's prototype", async () => {
    const id = await create({
      name: "sms proto",
      kind: "sms",
      config: { to: ["+14155550123"], from: "+14155550100" },
      secret: { account_sid: SID, auth_token: "unchanged" },
    });
    const res = await patch(id, { name: "sms proto" }, d.users.admin);
    expect(res.status).toBe(200);
    const hostile = await d.api("PATCH", `/orgs/${d.orgA}/channels/${id}`, {
      as: d.users.admin,
      body: '{"secret":{"__proto__":{"auth_token":"x","polluted":true}}}',
    });
    // dropped while parsing (nothing to change) or refused: either way nothing is stored
    expect([200, 400]).toContain(hostile.status);
    expect(await stored(id)).toEqual({ account_sid: SID, auth_token: "unchanged" });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("is for admins (403 for members) and 404 for another organization's channel", async () => {
    const id = await create({ name: "mail", kind: "email", config: { to: ["ops@a.example"] } });
    const byMember = await patch(id, { name: "mine now" }, d.users.member);
    expect(byMember.status).toBe(403);
    const channelB = await create(
      { name: "b mail", kind: "email", config: { to: ["ops@b.example"] } },
      d.orgB,
      d.users.ownerB,
    );
    const crossOrg = await patch(channelB, { name: "taken" });
    expect(crossOrg.status).toBe(404);
    expect(crossOrg.body.error.field).toBe("channel_id");
    const viaB = await patch(channelB, { name: "taken" }, d.users.admin, d.orgB);
    expect(viaB.status).toBe(404);
    expect((await row(channelB))?.name).toBe("b mail");
    expect((await row(id))?.name).toBe("mail");
  });
});
