import type postgres from "postgres";
import { agentCall } from "./agent-api.ts";

/** What the alerting tests share: a channel that receives every incident, and a server that goes DOWN soon after its agent falls silent. */

/** A signed webhook channel to `url` and an alert rule sending every incident of `org` to it; the channel's id. */
export async function alertEverythingToWebhook(sql: postgres.Sql, org: string, url: string): Promise<string> {
  const [channel] = await sql`
    insert into channels (org_id, name, kind, config)
    values (${org}, 'hook', 'webhook', ${sql.json({ url })}) returning id`;
  await sql`
    insert into channel_secrets (channel_id, org_id, secret)
    values (${channel?.id}, ${org}, ${sql.json({ signing_secret: "a-signing-secret-of-some-length" })})`;
  await sql`insert into alert_rules (org_id, name, channel_ids) values (${org}, 'all', ${[channel?.id]})`;
  return channel?.id;
}

/** One heartbeat from the agent of `serverId`, sent now. */
export async function sendHeartbeat(baseUrl: string, key: string, serverId: string): Promise<void> {
  await agentCall(baseUrl, "/heartbeat", key, { server_id: serverId, sent_at: new Date().toISOString() });
}

/**
 * Registers server "nas" with the agent key, gives it a 10-s heartbeat timeout and sends its
 * first heartbeat: silent from here on, it goes DOWN on a sweep 10 to 30 s later. Its id.
 */
export async function registerServerWithShortTimeout(
  baseUrl: string,
  sql: postgres.Sql,
  key: string,
): Promise<string> {
  const reg = await agentCall(baseUrl, "/register", key, {
    hostname: "nas",
    server_name: "nas",
    agent_version: "1",
    os: "linux",
    arch: "x64",
  });
  await sql`update servers set heartbeat_timeout_seconds = 10 where id = ${reg.server_id}`;
  await sendHeartbeat(baseUrl, key, reg.server_id);
  return reg.server_id;
}
