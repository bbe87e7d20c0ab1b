import { CreateChannelRequest, UpdateChannelRequest } from "@custos/protocol";
import type { Hono } from "hono";
import { createChannel } from "../../channels/create.ts";
import { deleteChannel } from "../../channels/delete.ts";
import { listChannels } from "../../channels/list.ts";
import { testChannel } from "../../channels/send-test.ts";
import { updateChannel } from "../../channels/update.ts";
import type { Ctx } from "../../context.ts";
import { bodyOf, type DashboardEnv, pathIds } from "./http.ts";

export function channelRoutes(app: Hono<DashboardEnv>, ctx: Ctx) {
  app.get("/orgs/:org_id/channels", async (c) => {
    const input = pathIds(c, "org_id");
    return c.json(await listChannels({ ctx, caller: c.get("caller"), input }));
  });

  app.post("/orgs/:org_id/channels", async (c) => {
    const { org_id } = pathIds(c, "org_id");
    const channel = await bodyOf(c, CreateChannelRequest);
    return c.json(await createChannel({ ctx, caller: c.get("caller"), input: { org_id, channel } }), 201);
  });

  app.patch("/orgs/:org_id/channels/:channel_id", async (c) => {
    const ids = pathIds(c, "org_id", "channel_id");
    const changes = await bodyOf(c, UpdateChannelRequest);
    return c.json(await updateChannel({ ctx, caller: c.get("caller"), input: { ...ids, changes } }));
  });

  app.delete("/orgs/:org_id/channels/:channel_id", async (c) => {
    const input = pathIds(c, "org_id", "channel_id");
    return c.json(await deleteChannel({ ctx, caller: c.get("caller"), input }));
  });

  app.post("/orgs/:org_id/channels/:channel_id/test", async (c) => {
    const input = pathIds(c, "org_id", "channel_id");
    return c.json(await testChannel({ ctx, caller: c.get("caller"), input }));
  });
}
