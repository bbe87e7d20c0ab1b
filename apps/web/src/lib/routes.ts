import type { DASHBOARD_ROUTES } from "@custos/protocol/dashboard";
import { api, type RequestOptions } from "./api.ts";

/**
 * The dashboard API's route table, checked against the contract at compile time: a path or
 * method that drifts from packages/protocol/src/dashboard.ts fails `tsc`, and every call's
 * parameters, body and answer are typed from the contract's zod schemas (type-only: no zod in
 * the browser bundle).
 */
type Routes = typeof DASHBOARD_ROUTES;
export type RouteName = keyof Routes;

/** What a zod schema parses to / accepts, through the Standard Schema types it carries. */
type Output<S> = S extends { "~standard": { types?: infer T } }
  ? NonNullable<T> extends { output: infer O }
    ? O
    : never
  : never;
type Input<S> = S extends { "~standard": { types?: infer T } }
  ? NonNullable<T> extends { input: infer I }
    ? I
    : never
  : never;

export type ResponseOf<K extends RouteName> = Output<Routes[K]["response"]>;
export type BodyOf<K extends RouteName> = Routes[K] extends { body: infer B } ? Input<B> : never;
export type QueryOf<K extends RouteName> = Routes[K] extends { query: infer Q } ? Input<Q> : never;

/** `/v1/orgs/:org_id/servers/:server_id` -> "org_id" | "server_id" */
type ParamNames<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | ParamNames<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;
export type ParamsOf<K extends RouteName> = { [P in ParamNames<Routes[K]["path"]>]: string };

export const ROUTES = {
  me: ["GET", "/v1/me"],
  createOrg: ["POST", "/v1/orgs"],
  getOrg: ["GET", "/v1/orgs/:org_id"],
  updateSettings: ["PATCH", "/v1/orgs/:org_id/settings"],
  summary: ["GET", "/v1/orgs/:org_id/summary"],
  servers: ["GET", "/v1/orgs/:org_id/servers"],
  server: ["GET", "/v1/orgs/:org_id/servers/:server_id"],
  updateServer: ["PATCH", "/v1/orgs/:org_id/servers/:server_id"],
  approveServer: ["POST", "/v1/orgs/:org_id/servers/:server_id/approve"],
  deleteServer: ["DELETE", "/v1/orgs/:org_id/servers/:server_id"],
  metrics: ["GET", "/v1/orgs/:org_id/servers/:server_id/metrics"],
  metricNames: ["GET", "/v1/orgs/:org_id/servers/:server_id/metric-names"],
  incidents: ["GET", "/v1/orgs/:org_id/incidents"],
  incident: ["GET", "/v1/orgs/:org_id/incidents/:incident_id"],
  acknowledge: ["POST", "/v1/orgs/:org_id/incidents/:incident_id/acknowledge"],
  resolve: ["POST", "/v1/orgs/:org_id/incidents/:incident_id/resolve"],
  apiKeys: ["GET", "/v1/orgs/:org_id/api-keys"],
  createApiKey: ["POST", "/v1/orgs/:org_id/api-keys"],
  revokeApiKey: ["POST", "/v1/orgs/:org_id/api-keys/:key_id/revoke"],
  channels: ["GET", "/v1/orgs/:org_id/channels"],
  createChannel: ["POST", "/v1/orgs/:org_id/channels"],
  updateChannel: ["PATCH", "/v1/orgs/:org_id/channels/:channel_id"],
  deleteChannel: ["DELETE", "/v1/orgs/:org_id/channels/:channel_id"],
  testChannel: ["POST", "/v1/orgs/:org_id/channels/:channel_id/test"],
  alertRules: ["GET", "/v1/orgs/:org_id/alert-rules"],
  createAlertRule: ["POST", "/v1/orgs/:org_id/alert-rules"],
  updateAlertRule: ["PATCH", "/v1/orgs/:org_id/alert-rules/:rule_id"],
  deleteAlertRule: ["DELETE", "/v1/orgs/:org_id/alert-rules/:rule_id"],
  members: ["GET", "/v1/orgs/:org_id/members"],
  updateMember: ["PATCH", "/v1/orgs/:org_id/members/:user_id"],
  removeMember: ["DELETE", "/v1/orgs/:org_id/members/:user_id"],
  invitations: ["GET", "/v1/orgs/:org_id/invitations"],
  createInvitation: ["POST", "/v1/orgs/:org_id/invitations"],
  revokeInvitation: ["DELETE", "/v1/orgs/:org_id/invitations/:invitation_id"],
  acceptInvitation: ["POST", "/v1/invitations/accept"],
  probes: ["GET", "/v1/orgs/:org_id/probes"],
  createProbe: ["POST", "/v1/orgs/:org_id/probes"],
  updateProbe: ["PATCH", "/v1/orgs/:org_id/probes/:probe_id"],
  deleteProbe: ["DELETE", "/v1/orgs/:org_id/probes/:probe_id"],
  maintenanceWindows: ["GET", "/v1/orgs/:org_id/maintenance-windows"],
  createMaintenanceWindow: ["POST", "/v1/orgs/:org_id/maintenance-windows"],
  updateMaintenanceWindow: ["PATCH", "/v1/orgs/:org_id/maintenance-windows/:window_id"],
  deleteMaintenanceWindow: ["DELETE", "/v1/orgs/:org_id/maintenance-windows/:window_id"],
  statusPages: ["GET", "/v1/orgs/:org_id/status-pages"],
  createStatusPage: ["POST", "/v1/orgs/:org_id/status-pages"],
  updateStatusPage: ["PATCH", "/v1/orgs/:org_id/status-pages/:page_id"],
  deleteStatusPage: ["DELETE", "/v1/orgs/:org_id/status-pages/:page_id"],
  publicStatusPage: ["GET", "/v1/status/:slug"],
} as const satisfies { [K in RouteName]: readonly [Routes[K]["method"], Routes[K]["path"]] };

/** Pure: the route's path with its parameters filled in (each one URL-encoded). */
export function routePath<K extends RouteName>(name: K, params: ParamsOf<K>): string {
  const values = params as Record<string, string>;
  return ROUTES[name][1].replace(/:([a-z_]+)/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`${String(name)}: missing path parameter ${key}`);
    return encodeURIComponent(value);
  });
}

type CallOptions<K extends RouteName> = Omit<RequestOptions, "method" | "body" | "query"> &
  ([BodyOf<K>] extends [never] ? { body?: never } : { body: BodyOf<K> }) &
  ([QueryOf<K>] extends [never] ? { query?: never } : { query?: QueryOf<K> });

/** Calls a route of the contract; the answer is typed from its response schema. */
export function call<K extends RouteName>(
  name: K,
  params: ParamsOf<K>,
  ...[options]: [BodyOf<K>] extends [never] ? [options?: CallOptions<K>] : [options: CallOptions<K>]
): Promise<ResponseOf<K>> {
  const [method] = ROUTES[name];
  return api<ResponseOf<K>>(routePath(name, params), {
    ...(options as RequestOptions | undefined),
    method,
    ...(name === "publicStatusPage" ? { anonymous: true } : {}),
  });
}
