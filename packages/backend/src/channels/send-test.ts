import type { ChannelTestResult } from "@custos/protocol";
import { buildMessage } from "../alerting/message.ts";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import type { ChannelsRow } from "../db/rows.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../http/body.ts";
import { dashboardLinkBase } from "../links.ts";
import { type Channel, DeliveryError } from "../notify/index.ts";
import { inOrg } from "../orgs/access.ts";
import { ChannelByUserInput } from "./delete.ts";

/**
 * An admin sends a test notification through the channel now, with the same notifier the
 * dispatcher uses (ctx.notify.deliver), and sees the outcome: delivered, or the provider's error
 * (secrets redacted by the notifier) and whether retrying could help. The channel and its secret
 * are read as the caller (admins only, by policy); the delivery runs after that transaction.
 */
export async function testChannel({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql" | "notify" | "config" | "now">;
  caller: CallerClaims;
  input: ChannelByUserInput;
}): Promise<ChannelTestResult> {
  const { org_id, channel_id } = parseInput(ChannelByUserInput, input);
  const { channel, orgName } = await inOrg(ctx, caller, org_id, "admin", async (tx) => {
    const [row] = await tx<
      (Pick<ChannelsRow, "id" | "kind" | "name"> & {
        config: Record<string, unknown>;
        secret: Record<string, unknown> | null;
        org_name: string;
      })[]
    >`
      select c.id, c.kind, c.name, c.config, cs.secret, o.name as org_name
      from public.channels c
      join public.organizations o on o.id = c.org_id
      left join public.channel_secrets cs on cs.channel_id = c.id
      where c.id = ${channel_id} and c.org_id = ${org_id}`;
    if (!row) throw new AppError("NOT_FOUND", `channel ${channel_id} not found`, { field: "channel_id" });
    const channel: Channel = {
      id: row.id,
      kind: row.kind,
      name: row.name,
      config: row.config,
      secret: row.secret ?? {},
    };
    return { channel, orgName: row.org_name };
  });
  const message = buildMessage(
    {
      event: "test",
      sequence: 0,
      org_id,
      org_name: orgName,
      incident_id: null,
      subject_key: null,
      kind: null,
      severity: null,
      incident_title: null,
      cause: null,
      started_at: null,
      opened_at: null,
      resolved_at: null,
      acknowledged_at: null,
      server_id: null,
      server_name: null,
      heartbeat_timeout_seconds: null,
      monitor_id: null,
      monitor_name: null,
    },
    new Date(ctx.now()),
    dashboardLinkBase(ctx.config),
  );
  const started = Date.now();
  try {
    await ctx.notify.deliver(channel, message);
    return { delivered: true, error: null, retryable: null, duration_ms: Date.now() - started };
  } catch (error) {
    const text = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
    return {
      delivered: false,
      error: text,
      retryable: error instanceof DeliveryError ? error.retryable : true,
      duration_ms: Date.now() - started,
    };
  }
}
