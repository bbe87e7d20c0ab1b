import { createChannel } from "../../channels/create.ts";
import { deleteChannel } from "../../channels/delete.ts";
import { listChannels } from "../../channels/list.ts";
import { testChannel } from "../../channels/send-test.ts";
import { updateChannel } from "../../channels/update.ts";
import type { Ctx } from "../../context.ts";
import type { RegisterRoute } from "./route.ts";

export function channelRoutes(route: RegisterRoute, ctx: Ctx) {
  route("channels", ({ caller, params }) => listChannels({ ctx, caller, input: params }));
  route("createChannel", ({ caller, params, body }) =>
    createChannel({ ctx, caller, input: { ...params, channel: body } }),
  );
  route("updateChannel", ({ caller, params, body }) =>
    updateChannel({ ctx, caller, input: { ...params, changes: body } }),
  );
  route("deleteChannel", ({ caller, params }) => deleteChannel({ ctx, caller, input: params }));
  route("testChannel", ({ caller, params }) => testChannel({ ctx, caller, input: params }));
}
