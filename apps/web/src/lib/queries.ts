"use client";
import {
  keepPreviousData,
  queryOptions,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import type { IncidentsQuery, MetricRange, OrgRole, ResponseTimeRange } from "./contract.ts";
import { type BodyOf, call } from "./routes.ts";

/** How often live views ask again (the agent pushes every 30 s, heartbeats every 60 s). */
export const LIVE_MS = 15_000;

export const keys = {
  me: ["me"] as const,
  org: (orgId: string) => ["org", orgId] as const,
  settings: (orgId: string) => ["org", orgId, "settings"] as const,
  summary: (orgId: string) => ["org", orgId, "summary"] as const,
  plan: (orgId: string) => ["org", orgId, "plan"] as const,
  servers: (orgId: string) => ["org", orgId, "servers"] as const,
  server: (orgId: string, id: string) => ["org", orgId, "server", id] as const,
  metrics: (orgId: string, id: string, range: MetricRange, names: readonly string[]) =>
    ["org", orgId, "metrics", id, range, names.join(",")] as const,
  metricNames: (orgId: string, id: string) => ["org", orgId, "metric-names", id] as const,
  incidents: (orgId: string, status: string) => ["org", orgId, "incidents", status] as const,
  incident: (orgId: string, id: string) => ["org", orgId, "incident", id] as const,
  apiKeys: (orgId: string) => ["org", orgId, "api-keys"] as const,
  channels: (orgId: string) => ["org", orgId, "channels"] as const,
  alertRules: (orgId: string) => ["org", orgId, "alert-rules"] as const,
  members: (orgId: string) => ["org", orgId, "members"] as const,
  invitations: (orgId: string) => ["org", orgId, "invitations"] as const,
  probes: (orgId: string) => ["org", orgId, "probes"] as const,
  monitor: (orgId: string, id: string) => ["org", orgId, "monitor", id] as const,
  maintenance: (orgId: string) => ["org", orgId, "maintenance"] as const,
  statusPages: (orgId: string) => ["org", orgId, "status-pages"] as const,
  publicStatus: (slug: string) => ["status", slug] as const,
};

// ---- reads -------------------------------------------------------------------------------------

/** Who is signed in and their organizations (also started early by lib/early-requests.ts, with the stored token). */
export function meQuery(token?: string) {
  return queryOptions({
    queryKey: keys.me,
    queryFn: ({ signal }) => call("me", {}, { signal, token }),
    staleTime: 60_000,
  });
}

export function useMe(enabled = true) {
  return useQuery({ ...meQuery(), enabled });
}

export function useOrgSettings(orgId: string) {
  return useQuery({
    queryKey: keys.settings(orgId),
    queryFn: ({ signal }) => call("getOrg", { org_id: orgId }, { signal }),
  });
}

/** The organization's plan and usage against it (Settings → Plan, the notes on the forms it limits). */
export function usePlan(orgId: string) {
  return useQuery({
    queryKey: keys.plan(orgId),
    queryFn: ({ signal }) => call("plan", { org_id: orgId }, { signal }),
  });
}

export function useSummary(orgId: string) {
  return useQuery({
    queryKey: keys.summary(orgId),
    queryFn: ({ signal }) => call("summary", { org_id: orgId }, { signal }),
    refetchInterval: 30_000,
    enabled: orgId !== "",
  });
}

/** Every server of the organization in one request; filtering and search happen in the page. */
export function useServers(orgId: string, options: { refetchInterval?: number } = {}) {
  return useQuery({
    queryKey: keys.servers(orgId),
    queryFn: ({ signal }) => call("servers", { org_id: orgId }, { signal }),
    refetchInterval: options.refetchInterval ?? LIVE_MS,
  });
}

/** A server's page (also started early by lib/early-requests.ts, so one definition for both). */
export function serverQuery(orgId: string, serverId: string, token?: string) {
  return queryOptions({
    queryKey: keys.server(orgId, serverId),
    queryFn: ({ signal }) => call("server", { org_id: orgId, server_id: serverId }, { signal, token }),
  });
}

export function useServer(orgId: string, serverId: string) {
  return useQuery({ ...serverQuery(orgId, serverId), refetchInterval: LIVE_MS, enabled: serverId !== "" });
}

const REFRESH_BY_RANGE: Record<MetricRange, number> = {
  "1h": 30_000,
  "24h": 60_000,
  "7d": 5 * 60_000,
  "30d": 15 * 60_000,
};

/** One metrics request (at most 20 names); shared by useMetrics and pages that batch names. */
export function metricsQuery(orgId: string, serverId: string, range: MetricRange, names: readonly string[]) {
  return queryOptions({
    queryKey: keys.metrics(orgId, serverId, range, names),
    queryFn: ({ signal }) =>
      call(
        "metrics",
        { org_id: orgId, server_id: serverId },
        { query: { names: names.join(","), range }, signal },
      ),
    refetchInterval: REFRESH_BY_RANGE[range],
    placeholderData: keepPreviousData,
    enabled: serverId !== "" && names.length > 0,
  });
}

export function useMetrics(orgId: string, serverId: string, range: MetricRange, names: readonly string[]) {
  return useQuery(metricsQuery(orgId, serverId, range, names));
}

/** Every metric name the server has (built-in and application metrics), for the metrics list. */
export function useMetricNames(orgId: string, serverId: string) {
  return useQuery({
    queryKey: keys.metricNames(orgId, serverId),
    queryFn: ({ signal }) => call("metricNames", { org_id: orgId, server_id: serverId }, { signal }),
    // a new application metric shows up within a minute
    refetchInterval: 60_000,
    enabled: serverId !== "",
  });
}

export function useIncidents(orgId: string, status: IncidentsQuery["status"], serverId?: string) {
  return useQuery({
    queryKey: [...keys.incidents(orgId, status), serverId ?? ""],
    queryFn: ({ signal }) =>
      call("incidents", { org_id: orgId }, { query: { status, limit: 100, server_id: serverId }, signal }),
    refetchInterval: LIVE_MS,
    placeholderData: keepPreviousData,
  });
}

/** The incident list, newest first, a page of 50 at a time ("Load older"). */
export function useIncidentPages(orgId: string, status: IncidentsQuery["status"]) {
  return useInfiniteQuery({
    queryKey: [...keys.incidents(orgId, status), "pages"],
    queryFn: ({ signal, pageParam }) =>
      call("incidents", { org_id: orgId }, { query: { status, limit: 50, before: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_before ?? undefined,
    refetchInterval: LIVE_MS,
    placeholderData: keepPreviousData,
  });
}

/** An incident with its timeline (also started early by lib/early-requests.ts, with the stored token). */
export function incidentQuery(orgId: string, incidentId: string, token?: string) {
  return queryOptions({
    queryKey: keys.incident(orgId, incidentId),
    queryFn: ({ signal }) => call("incident", { org_id: orgId, incident_id: incidentId }, { signal, token }),
  });
}

export function useIncident(orgId: string, incidentId: string) {
  return useQuery({
    ...incidentQuery(orgId, incidentId),
    refetchInterval: LIVE_MS,
    enabled: incidentId !== "",
  });
}

export function useApiKeys(orgId: string) {
  return useQuery({
    queryKey: keys.apiKeys(orgId),
    queryFn: ({ signal }) => call("apiKeys", { org_id: orgId }, { signal }),
  });
}

export function useChannels(orgId: string) {
  return useQuery({
    queryKey: keys.channels(orgId),
    queryFn: ({ signal }) => call("channels", { org_id: orgId }, { signal }),
  });
}

export function useAlertRules(orgId: string) {
  return useQuery({
    queryKey: keys.alertRules(orgId),
    queryFn: ({ signal }) => call("alertRules", { org_id: orgId }, { signal }),
  });
}

export function useMembers(orgId: string) {
  return useQuery({
    queryKey: keys.members(orgId),
    queryFn: ({ signal }) => call("members", { org_id: orgId }, { signal }),
  });
}

export function useInvitations(orgId: string, enabled: boolean) {
  return useQuery({
    queryKey: keys.invitations(orgId),
    queryFn: ({ signal }) => call("invitations", { org_id: orgId }, { signal }),
    enabled,
    // while an invitation email is on its way, so the list shows when it was sent or failed
    refetchInterval: (query) =>
      query.state.data?.invitations.some(
        (i) => !i.accepted_at && (i.email_status === "pending" || i.email_status === "sending"),
      )
        ? 3_000
        : false,
  });
}

export function useProbes(orgId: string) {
  return useQuery({
    queryKey: keys.probes(orgId),
    queryFn: ({ signal }) => call("probes", { org_id: orgId }, { signal }),
    refetchInterval: 60_000,
  });
}

/** A probe's or an agent monitor's page: what it is, uptime 24 h to 365 d, status bars. */
export function monitorQuery(orgId: string, monitorId: string, token?: string) {
  return queryOptions({
    queryKey: keys.monitor(orgId, monitorId),
    queryFn: ({ signal }) => call("monitor", { org_id: orgId, monitor_id: monitorId }, { signal, token }),
  });
}

export function useMonitor(orgId: string, monitorId: string) {
  return useQuery({ ...monitorQuery(orgId, monitorId), refetchInterval: LIVE_MS, enabled: monitorId !== "" });
}

export function useResponseTimes(orgId: string, monitorId: string, range: ResponseTimeRange) {
  return useQuery({
    queryKey: [...keys.monitor(orgId, monitorId), "response-times", range],
    queryFn: ({ signal }) =>
      call("monitorResponseTimes", { org_id: orgId, monitor_id: monitorId }, { query: { range }, signal }),
    // 90 and 365 days change by the hour: refetched like 30 days
    refetchInterval: REFRESH_BY_RANGE[range === "90d" || range === "365d" ? "30d" : range],
    placeholderData: keepPreviousData,
    enabled: monitorId !== "",
  });
}

/** A monitor's results, newest first, 50 at a time ("Load older"). */
export function useMonitorResults(orgId: string, monitorId: string) {
  return useInfiniteQuery({
    queryKey: [...keys.monitor(orgId, monitorId), "results"],
    queryFn: ({ signal, pageParam }) =>
      call(
        "monitorResults",
        { org_id: orgId, monitor_id: monitorId },
        { query: { limit: 50, ...(pageParam ? { cursor: pageParam } : {}) }, signal },
      ),
    initialPageParam: "",
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    enabled: monitorId !== "",
  });
}

export function useMaintenanceWindows(orgId: string) {
  return useQuery({
    queryKey: keys.maintenance(orgId),
    queryFn: ({ signal }) =>
      call("maintenanceWindows", { org_id: orgId }, { query: { when: "upcoming" }, signal }),
  });
}

export function useStatusPages(orgId: string) {
  return useQuery({
    queryKey: keys.statusPages(orgId),
    queryFn: ({ signal }) => call("statusPages", { org_id: orgId }, { signal }),
  });
}

export function usePublicStatus(slug: string) {
  return useQuery({
    queryKey: keys.publicStatus(slug),
    queryFn: ({ signal }) => call("publicStatusPage", { slug }, { signal }),
    refetchInterval: 60_000,
    enabled: slug !== "",
  });
}

// ---- writes ------------------------------------------------------------------------------------

/**
 * A mutation that refreshes the queries it affects afterwards: also after a failure, since a 409
 * (someone else acknowledged first) means what the page shows is out of date.
 */
function useRefreshingMutation<TVars, TResult>(
  fn: (vars: TVars) => Promise<TResult>,
  invalidate: ReadonlyArray<readonly unknown[]>,
) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: async () => {
      await Promise.all(invalidate.map((queryKey) => client.invalidateQueries({ queryKey })));
    },
  });
}

export function useCreateOrg() {
  return useRefreshingMutation((name: string) => call("createOrg", {}, { body: { name } }), [keys.me]);
}

export function useUpdateSettings(orgId: string) {
  return useRefreshingMutation(
    (body: BodyOf<"updateSettings">) => call("updateSettings", { org_id: orgId }, { body }),
    [keys.settings(orgId), keys.me],
  );
}

export function useApproveServer(orgId: string) {
  return useRefreshingMutation(
    (serverId: string) => call("approveServer", { org_id: orgId, server_id: serverId }),
    [keys.servers(orgId), keys.summary(orgId), ["org", orgId, "server"]],
  );
}

export function useUpdateServer(orgId: string, serverId: string) {
  return useRefreshingMutation(
    (body: BodyOf<"updateServer">) => call("updateServer", { org_id: orgId, server_id: serverId }, { body }),
    [keys.server(orgId, serverId), keys.servers(orgId)],
  );
}

export function useDeleteServer(orgId: string) {
  return useRefreshingMutation(
    (serverId: string) => call("deleteServer", { org_id: orgId, server_id: serverId }),
    [keys.servers(orgId), keys.summary(orgId)],
  );
}

export function useIncidentAction(orgId: string) {
  return useRefreshingMutation(
    ({ id, action }: { id: string; action: "acknowledge" | "resolve" }) =>
      call(action, { org_id: orgId, incident_id: id }),
    [
      ["org", orgId, "incidents"],
      ["org", orgId, "incident"],
      ["org", orgId, "server"],
      keys.summary(orgId),
      keys.servers(orgId),
    ],
  );
}

export function useAddIncidentNote(orgId: string, incidentId: string) {
  return useRefreshingMutation(
    (text: string) => call("addIncidentNote", { org_id: orgId, incident_id: incidentId }, { body: { text } }),
    [keys.incident(orgId, incidentId)],
  );
}

export function useDeleteIncidentNote(orgId: string, incidentId: string) {
  return useRefreshingMutation(
    (noteId: string) =>
      call("deleteIncidentNote", { org_id: orgId, incident_id: incidentId, note_id: noteId }),
    [keys.incident(orgId, incidentId)],
  );
}

export function useCreateApiKey(orgId: string) {
  return useRefreshingMutation(
    (body: BodyOf<"createApiKey">) => call("createApiKey", { org_id: orgId }, { body }),
    [keys.apiKeys(orgId)],
  );
}

export function useRevokeApiKey(orgId: string) {
  return useRefreshingMutation(
    (keyId: string) => call("revokeApiKey", { org_id: orgId, key_id: keyId }),
    [keys.apiKeys(orgId)],
  );
}

export function useCreateChannel(orgId: string) {
  return useRefreshingMutation(
    (body: BodyOf<"createChannel">) => call("createChannel", { org_id: orgId }, { body }),
    [keys.channels(orgId)],
  );
}

export function useUpdateChannel(orgId: string) {
  return useRefreshingMutation(
    ({ id, body }: { id: string; body: BodyOf<"updateChannel"> }) =>
      call("updateChannel", { org_id: orgId, channel_id: id }, { body }),
    [keys.channels(orgId)],
  );
}

export function useDeleteChannel(orgId: string) {
  return useRefreshingMutation(
    (id: string) => call("deleteChannel", { org_id: orgId, channel_id: id }),
    [keys.channels(orgId), keys.alertRules(orgId)],
  );
}

export function useTestChannel(orgId: string) {
  return useMutation({
    mutationFn: (id: string) => call("testChannel", { org_id: orgId, channel_id: id }),
  });
}

export function useCreateAlertRule(orgId: string) {
  return useRefreshingMutation(
    (body: BodyOf<"createAlertRule">) => call("createAlertRule", { org_id: orgId }, { body }),
    [keys.alertRules(orgId)],
  );
}

export function useUpdateAlertRule(orgId: string) {
  return useRefreshingMutation(
    ({ id, body }: { id: string; body: BodyOf<"updateAlertRule"> }) =>
      call("updateAlertRule", { org_id: orgId, rule_id: id }, { body }),
    [keys.alertRules(orgId)],
  );
}

export function useDeleteAlertRule(orgId: string) {
  return useRefreshingMutation(
    (id: string) => call("deleteAlertRule", { org_id: orgId, rule_id: id }),
    [keys.alertRules(orgId)],
  );
}

export function useUpdateMember(orgId: string) {
  return useRefreshingMutation(
    ({ userId, role }: { userId: string; role: OrgRole }) =>
      call("updateMember", { org_id: orgId, user_id: userId }, { body: { role } }),
    [keys.members(orgId)],
  );
}

export function useRemoveMember(orgId: string) {
  return useRefreshingMutation(
    (userId: string) => call("removeMember", { org_id: orgId, user_id: userId }),
    [keys.members(orgId), keys.me],
  );
}

export function useCreateInvitation(orgId: string) {
  return useRefreshingMutation(
    (body: BodyOf<"createInvitation">) => call("createInvitation", { org_id: orgId }, { body }),
    [keys.invitations(orgId)],
  );
}

export function useRevokeInvitation(orgId: string) {
  return useRefreshingMutation(
    (id: string) => call("revokeInvitation", { org_id: orgId, invitation_id: id }),
    [keys.invitations(orgId)],
  );
}

export function useAcceptInvitation() {
  return useRefreshingMutation(
    (token: string) => call("acceptInvitation", {}, { body: { token } }),
    [keys.me],
  );
}

export function useCreateProbe(orgId: string) {
  return useRefreshingMutation(
    (body: BodyOf<"createProbe">) => call("createProbe", { org_id: orgId }, { body }),
    [keys.probes(orgId)],
  );
}

export function useUpdateProbe(orgId: string) {
  return useRefreshingMutation(
    ({ id, changes }: { id: string; changes: BodyOf<"updateProbe"> }) =>
      call("updateProbe", { org_id: orgId, probe_id: id }, { body: changes }),
    [keys.probes(orgId), ["org", orgId, "monitor"]],
  );
}

/** Runs a probe config once without saving it (the form's "Test"). */
export function useTestProbe(orgId: string) {
  return useMutation({
    mutationFn: (config: BodyOf<"testProbe">["config"]) =>
      call("testProbe", { org_id: orgId }, { body: { config } }),
  });
}

export function useDeleteProbe(orgId: string) {
  return useRefreshingMutation(
    (id: string) => call("deleteProbe", { org_id: orgId, probe_id: id }),
    [keys.probes(orgId)],
  );
}

export function useCreateMaintenanceWindow(orgId: string) {
  return useRefreshingMutation(
    (body: BodyOf<"createMaintenanceWindow">) => call("createMaintenanceWindow", { org_id: orgId }, { body }),
    [keys.maintenance(orgId)],
  );
}

export function useUpdateMaintenanceWindow(orgId: string) {
  return useRefreshingMutation(
    ({ id, changes }: { id: string; changes: BodyOf<"updateMaintenanceWindow"> }) =>
      call("updateMaintenanceWindow", { org_id: orgId, window_id: id }, { body: changes }),
    [keys.maintenance(orgId)],
  );
}

export function useDeleteMaintenanceWindow(orgId: string) {
  return useRefreshingMutation(
    (id: string) => call("deleteMaintenanceWindow", { org_id: orgId, window_id: id }),
    [keys.maintenance(orgId)],
  );
}

export function useCreateStatusPage(orgId: string) {
  return useRefreshingMutation(
    (body: BodyOf<"createStatusPage">) => call("createStatusPage", { org_id: orgId }, { body }),
    [keys.statusPages(orgId)],
  );
}

export function useUpdateStatusPage(orgId: string) {
  return useRefreshingMutation(
    ({ id, body }: { id: string; body: BodyOf<"updateStatusPage"> }) =>
      call("updateStatusPage", { org_id: orgId, page_id: id }, { body }),
    [keys.statusPages(orgId)],
  );
}

export function useDeleteStatusPage(orgId: string) {
  return useRefreshingMutation(
    (id: string) => call("deleteStatusPage", { org_id: orgId, page_id: id }),
    [keys.statusPages(orgId)],
  );
}
