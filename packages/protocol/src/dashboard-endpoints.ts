/**
 * Where each route of the dashboard API lives: method, path, the status of a success other than
 * 200, and whether it is public (no sign-in). The one place a path is written: DASHBOARD_ROUTES
 * (dashboard.ts) adds each route's zod schemas to these, the backend registers its routes from
 * them and the web app calls them from here. No zod, so the browser bundle can import it (0012).
 *
 * Paths are relative to the Hono app's `/api`; `:name_id` parameters are uuids (a malformed one is
 * 400 naming it); `:slug` is checked by its route.
 */
export const DASHBOARD_ENDPOINTS = {
  me: { method: "GET", path: "/v1/me" },
  createOrg: { method: "POST", path: "/v1/orgs", status: 201 },
  getOrg: { method: "GET", path: "/v1/orgs/:org_id" },
  updateSettings: { method: "PATCH", path: "/v1/orgs/:org_id/settings" },
  summary: { method: "GET", path: "/v1/orgs/:org_id/summary" },
  plan: { method: "GET", path: "/v1/orgs/:org_id/plan" },
  servers: { method: "GET", path: "/v1/orgs/:org_id/servers" },
  server: { method: "GET", path: "/v1/orgs/:org_id/servers/:server_id" },
  updateServer: { method: "PATCH", path: "/v1/orgs/:org_id/servers/:server_id" },
  approveServer: { method: "POST", path: "/v1/orgs/:org_id/servers/:server_id/approve" },
  deleteServer: { method: "DELETE", path: "/v1/orgs/:org_id/servers/:server_id" },
  metrics: { method: "GET", path: "/v1/orgs/:org_id/servers/:server_id/metrics" },
  metricNames: { method: "GET", path: "/v1/orgs/:org_id/servers/:server_id/metric-names" },
  incidents: { method: "GET", path: "/v1/orgs/:org_id/incidents" },
  incident: { method: "GET", path: "/v1/orgs/:org_id/incidents/:incident_id" },
  acknowledge: { method: "POST", path: "/v1/orgs/:org_id/incidents/:incident_id/acknowledge" },
  resolve: { method: "POST", path: "/v1/orgs/:org_id/incidents/:incident_id/resolve" },
  addIncidentNote: { method: "POST", path: "/v1/orgs/:org_id/incidents/:incident_id/notes", status: 201 },
  deleteIncidentNote: { method: "DELETE", path: "/v1/orgs/:org_id/incidents/:incident_id/notes/:note_id" },
  exportIncidents: { method: "GET", path: "/v1/orgs/:org_id/exports/incidents", download: true },
  exportChecks: { method: "GET", path: "/v1/orgs/:org_id/servers/:server_id/exports/checks", download: true },
  exportMetrics: {
    method: "GET",
    path: "/v1/orgs/:org_id/servers/:server_id/exports/metrics",
    download: true,
  },
  orgEvents: { method: "GET", path: "/v1/orgs/:org_id/events" },
  serverEvents: { method: "GET", path: "/v1/orgs/:org_id/servers/:server_id/events" },
  exportEvents: { method: "GET", path: "/v1/orgs/:org_id/exports/events", download: true },
  apiKeys: { method: "GET", path: "/v1/orgs/:org_id/api-keys" },
  createApiKey: { method: "POST", path: "/v1/orgs/:org_id/api-keys", status: 201 },
  revokeApiKey: { method: "POST", path: "/v1/orgs/:org_id/api-keys/:key_id/revoke" },
  channels: { method: "GET", path: "/v1/orgs/:org_id/channels" },
  createChannel: { method: "POST", path: "/v1/orgs/:org_id/channels", status: 201 },
  updateChannel: { method: "PATCH", path: "/v1/orgs/:org_id/channels/:channel_id" },
  deleteChannel: { method: "DELETE", path: "/v1/orgs/:org_id/channels/:channel_id" },
  testChannel: { method: "POST", path: "/v1/orgs/:org_id/channels/:channel_id/test" },
  alertRules: { method: "GET", path: "/v1/orgs/:org_id/alert-rules" },
  createAlertRule: { method: "POST", path: "/v1/orgs/:org_id/alert-rules", status: 201 },
  updateAlertRule: { method: "PATCH", path: "/v1/orgs/:org_id/alert-rules/:rule_id" },
  deleteAlertRule: { method: "DELETE", path: "/v1/orgs/:org_id/alert-rules/:rule_id" },
  members: { method: "GET", path: "/v1/orgs/:org_id/members" },
  updateMember: { method: "PATCH", path: "/v1/orgs/:org_id/members/:user_id" },
  removeMember: { method: "DELETE", path: "/v1/orgs/:org_id/members/:user_id" },
  invitations: { method: "GET", path: "/v1/orgs/:org_id/invitations" },
  createInvitation: { method: "POST", path: "/v1/orgs/:org_id/invitations", status: 201 },
  revokeInvitation: { method: "DELETE", path: "/v1/orgs/:org_id/invitations/:invitation_id" },
  acceptInvitation: { method: "POST", path: "/v1/invitations/accept" },
  probes: { method: "GET", path: "/v1/orgs/:org_id/probes" },
  createProbe: { method: "POST", path: "/v1/orgs/:org_id/probes", status: 201 },
  updateProbe: { method: "PATCH", path: "/v1/orgs/:org_id/probes/:probe_id" },
  deleteProbe: { method: "DELETE", path: "/v1/orgs/:org_id/probes/:probe_id" },
  testProbe: { method: "POST", path: "/v1/orgs/:org_id/probes/test" },
  monitor: { method: "GET", path: "/v1/orgs/:org_id/monitors/:monitor_id" },
  monitorResponseTimes: { method: "GET", path: "/v1/orgs/:org_id/monitors/:monitor_id/response-times" },
  monitorResults: { method: "GET", path: "/v1/orgs/:org_id/monitors/:monitor_id/results" },
  maintenanceWindows: { method: "GET", path: "/v1/orgs/:org_id/maintenance-windows" },
  createMaintenanceWindow: { method: "POST", path: "/v1/orgs/:org_id/maintenance-windows", status: 201 },
  updateMaintenanceWindow: { method: "PATCH", path: "/v1/orgs/:org_id/maintenance-windows/:window_id" },
  deleteMaintenanceWindow: { method: "DELETE", path: "/v1/orgs/:org_id/maintenance-windows/:window_id" },
  statusPages: { method: "GET", path: "/v1/orgs/:org_id/status-pages" },
  createStatusPage: { method: "POST", path: "/v1/orgs/:org_id/status-pages", status: 201 },
  updateStatusPage: { method: "PATCH", path: "/v1/orgs/:org_id/status-pages/:page_id" },
  deleteStatusPage: { method: "DELETE", path: "/v1/orgs/:org_id/status-pages/:page_id" },
  publicStatusPage: { method: "GET", path: "/v1/status/:slug", public: true },
  monitorConfig: { method: "GET", path: "/v1/orgs/:org_id/monitor-config" },
  putMonitorConfig: { method: "PUT", path: "/v1/orgs/:org_id/monitor-config" },
  serverMonitorConfig: { method: "GET", path: "/v1/orgs/:org_id/servers/:server_id/monitor-config" },
  putServerTags: { method: "PUT", path: "/v1/orgs/:org_id/servers/:server_id/tags" },
  createMonitorTest: {
    method: "POST",
    path: "/v1/orgs/:org_id/servers/:server_id/monitor-tests",
    status: 201,
  },
  monitorTest: { method: "GET", path: "/v1/orgs/:org_id/monitor-tests/:test_id" },
} as const satisfies Record<string, DashboardEndpoint>;

export type DashboardEndpointName = keyof typeof DASHBOARD_ENDPOINTS;

export interface DashboardEndpoint {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: `/v1/${string}`;
  /** the status of a success when not 200 (201: created) */
  status?: 201;
  /** answered without a signed-in user */
  public?: true;
  /** answered as a file to save (CSV or JSON, `Content-Disposition: attachment`), not as JSON to read */
  download?: true;
}

/** `/v1/orgs/:org_id/servers/:server_id` -> "org_id" | "server_id" */
export type PathParamNames<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | PathParamNames<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;

/** The path parameters of an endpoint, by name. */
export type DashboardPathParams<K extends DashboardEndpointName> = {
  [P in PathParamNames<(typeof DASHBOARD_ENDPOINTS)[K]["path"]>]: string;
};
