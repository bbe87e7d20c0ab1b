import type { Ctx } from "../../context.ts";
import { createProbe } from "../../probes/create.ts";
import { deleteProbe } from "../../probes/delete.ts";
import { listProbes } from "../../probes/list.ts";
import { testProbe } from "../../probes/test.ts";
import { updateProbe } from "../../probes/update.ts";
import type { RegisterRoute } from "./route.ts";

export function probeRoutes(route: RegisterRoute, ctx: Ctx) {
  route("probes", ({ caller, params }) => listProbes({ ctx, caller, input: params }));
  route("createProbe", ({ params, body, inOrg }) =>
    inOrg("member", (sql) => createProbe({ ctx: { sql }, input: { ...params, ...body } })),
  );
  route("updateProbe", ({ caller, params, body }) =>
    updateProbe({ ctx, caller, input: { ...params, changes: body } }),
  );
  route("testProbe", ({ caller, params, body }) => testProbe({ ctx, caller, input: { ...params, ...body } }));
  route("deleteProbe", ({ caller, params }) => deleteProbe({ ctx, caller, input: params }));
}
