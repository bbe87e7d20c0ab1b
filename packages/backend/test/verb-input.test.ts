import { randomUUID } from "node:crypto";
import type { Sql } from "postgres";
import { describe, expect, it } from "vitest";
import { ApiKeyCache } from "../src/api-keys/authenticate.ts";
import { createApiKey } from "../src/api-keys/create.ts";
import { revokeApiKey } from "../src/api-keys/revoke.ts";
import { AppError } from "../src/errors.ts";
import { createAckLink } from "../src/incidents/create-ack-link.ts";
import { createOrganization } from "../src/orgs/create.ts";
import { createProbe } from "../src/probes/create.ts";
import { approveServer } from "../src/servers/approve.ts";

/** A handle no statement may reach: every verb here must refuse its input first. */
const sql = new Proxy(() => undefined, {
  get: () => {
    throw new Error("the database was reached");
  },
  apply: () => {
    throw new Error("the database was reached");
  },
}) as unknown as Sql;

async function refusal(work: () => Promise<unknown>) {
  const error = await work().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("verbs the service side calls too", () => {
  it.each([
    ["createOrganization", () => createOrganization({ ctx: { sql }, input: { name: "" } }), "name"],
    [
      "createApiKey",
      () => createApiKey({ ctx: { sql }, input: { org_id: randomUUID(), scope: "root" as never } }),
      "scope",
    ],
    [
      "revokeApiKey",
      () =>
        revokeApiKey({
          ctx: { sql, keys: new ApiKeyCache(1000) },
          input: { org_id: randomUUID(), key_id: "nope" },
        }),
      "key_id",
    ],
    [
      "approveServer",
      () => approveServer({ ctx: { sql }, input: { org_id: "nope", server_id: randomUUID() } }),
      "org_id",
    ],
    [
      "createProbe",
      () =>
        createProbe({
          ctx: { sql },
          input: { org_id: randomUUID(), name: "p", config: { kind: "http", url: "ftp://x" } as never },
        }),
      "config.url",
    ],
    [
      "createAckLink",
      () =>
        createAckLink({
          ctx: { sql },
          input: { incident_id: randomUUID(), outbox_id: "nope", channel_kind: "email" },
        }),
      "outbox_id",
    ],
  ])("%s refuses bad input as a 400 naming the field, before any statement", async (_, work, field) => {
    const error = await refusal(work);
    expect(error).toMatchObject({ code: "VALIDATION", field });
    expect(error.message).toContain(field);
  });
});
