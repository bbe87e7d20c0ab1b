import {
  AlertsBatch,
  ChecksBatch,
  ConfigReport,
  ConfigRequest,
  EventsBatch,
  HeartbeatRequest,
  MetricsBatch,
  MonitorTestClaimRequest,
  PushRequest,
  RegisterRequest,
} from "@custos/protocol";
import { Hono } from "hono";
import type { AuthenticatedKey } from "../api-keys/schemas.ts";
import type { Ctx } from "../context.ts";
import { AppError } from "../errors.ts";
import { parseInput, readJsonBody } from "../http/body.ts";
import { ingestAlerts } from "../ingest/alerts.ts";
import { ingestChecks } from "../ingest/checks.ts";
import { ingestEvents } from "../ingest/events.ts";
import { ingestMetrics } from "../ingest/metrics.ts";
import { ingestPush } from "../ingest/push.ts";
import { fetchAgentConfig } from "../monitor-config/fetch.ts";
import { reportAgentConfig } from "../monitor-config/report.ts";
import { claimMonitorTests } from "../monitor-tests/claim.ts";
import { ReportMonitorTestInput, reportMonitorTest } from "../monitor-tests/report.ts";
import { recordHeartbeat } from "../servers/heartbeat.ts";
import { registerServer } from "../servers/register.ts";

type Env = { Variables: { auth: AuthenticatedKey } };

/** /api/agent/*: authenticated by an agent-scope API key, rate-limited per key. */
export function agentRoutes(ctx: Ctx) {
  const app = new Hono<Env>();

  app.use("*", async (c, next) => {
    const auth = await ctx.keys.authenticate(ctx.sql, c.req.header("authorization"), "agent");
    const allowed = ctx.limiter.take(auth.keyId);
    if (allowed !== true) {
      c.header("Retry-After", String(allowed));
      throw new AppError("RATE_LIMITED", `too many requests for this API key; retry in ${allowed}s`);
    }
    c.set("auth", auth);
    await next();
  });

  app.post("/register", async (c) => {
    const input = parseInput(RegisterRequest, await readJsonBody(c.req.raw, ctx.gunzip));
    return c.json(await registerServer({ ctx, auth: c.get("auth"), input }));
  });

  app.post("/heartbeat", async (c) => {
    const input = parseInput(HeartbeatRequest, await readJsonBody(c.req.raw, ctx.gunzip));
    return c.json(await recordHeartbeat({ ctx, auth: c.get("auth"), input }));
  });

  app.post("/metrics", async (c) => {
    const input = parseInput(MetricsBatch, await readJsonBody(c.req.raw, ctx.gunzip));
    return c.json(await ingestMetrics({ ctx, auth: c.get("auth"), input }));
  });

  app.post("/checks", async (c) => {
    const input = parseInput(ChecksBatch, await readJsonBody(c.req.raw, ctx.gunzip));
    return c.json(await ingestChecks({ ctx, auth: c.get("auth"), input }));
  });

  app.post("/alerts", async (c) => {
    const input = parseInput(AlertsBatch, await readJsonBody(c.req.raw, ctx.gunzip));
    return c.json(await ingestAlerts({ ctx, auth: c.get("auth"), input }));
  });

  // the outage log's events (decision 0044); agents on a backend with the push send them there
  app.post("/events", async (c) => {
    const input = parseInput(EventsBatch, await readJsonBody(c.req.raw, ctx.gunzip));
    return c.json(await ingestEvents({ ctx, auth: c.get("auth"), input }));
  });

  // the combined push (decision 0036): heartbeat and one batch per kind in one request
  app.post("/push", async (c) => {
    const input = parseInput(PushRequest, await readJsonBody(c.req.raw, ctx.gunzip));
    return c.json(await ingestPush({ ctx, auth: c.get("auth"), input }));
  });

  // central configuration (decision 0037): the effective document, and what the agent did with it
  app.post("/config", async (c) => {
    const input = parseInput(ConfigRequest, await readJsonBody(c.req.raw, ctx.gunzip));
    return c.json(await fetchAgentConfig({ ctx, auth: c.get("auth"), input }));
  });

  app.post("/config/report", async (c) => {
    const input = parseInput(ConfigReport, await readJsonBody(c.req.raw, ctx.gunzip));
    return c.json(await reportAgentConfig({ ctx, auth: c.get("auth"), input }));
  });

  // monitor tests (decision 0045): the tests waiting for this server, and what one run found
  app.post("/monitor-tests/claim", async (c) => {
    const input = parseInput(MonitorTestClaimRequest, await readJsonBody(c.req.raw, ctx.gunzip));
    return c.json(await claimMonitorTests({ ctx, auth: c.get("auth"), input }));
  });

  app.post("/monitor-tests/:test_id/result", async (c) => {
    const body = await readJsonBody(c.req.raw, ctx.gunzip);
    const input = parseInput(ReportMonitorTestInput, {
      ...(typeof body === "object" && body !== null ? body : {}),
      test_id: c.req.param("test_id"),
    });
    return c.json(await reportMonitorTest({ ctx, auth: c.get("auth"), input }));
  });

  return app;
}
