import type { Ctx } from "../../context.ts";
import { acknowledgeIncident } from "../../incidents/acknowledge.ts";
import { addIncidentNote } from "../../incidents/add-note.ts";
import { deleteIncidentNote } from "../../incidents/delete-note.ts";
import { getIncident } from "../../incidents/detail.ts";
import { listIncidents } from "../../incidents/list.ts";
import { resolveIncident } from "../../incidents/resolve.ts";
import type { RegisterRoute } from "./route.ts";

export function incidentRoutes(route: RegisterRoute, ctx: Ctx) {
  route("incidents", ({ caller, params, query }) =>
    listIncidents({ ctx, caller, input: { ...params, query } }),
  );
  route("incident", ({ caller, params }) => getIncident({ ctx, caller, input: params }));
  route("acknowledge", ({ caller, params }) => acknowledgeIncident({ ctx, caller, input: params }));
  route("resolve", ({ caller, params }) => resolveIncident({ ctx, caller, input: params }));
  route("addIncidentNote", ({ caller, params, body }) =>
    addIncidentNote({ ctx, caller, input: { ...params, note: body } }),
  );
  route("deleteIncidentNote", ({ caller, params }) => deleteIncidentNote({ ctx, caller, input: params }));
}
