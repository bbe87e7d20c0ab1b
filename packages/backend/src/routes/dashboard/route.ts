import { DASHBOARD_ROUTES, type DashboardPathParams, type OrgRole } from "@custos/protocol";
import type { Hono } from "hono";
import type { TransactionSql } from "postgres";
import { z } from "zod";
import type { Ctx } from "../../context.ts";
import type { CallerClaims } from "../../db/as-caller.ts";
import { parseInput, readJsonBody } from "../../http/body.ts";
import { inOrg } from "../../orgs/access.ts";
import type { DashboardContext, DashboardEnv } from "./http.ts";

type Routes = typeof DASHBOARD_ROUTES;
export type RouteName = keyof Routes;

/** What a route's schema parses to; `undefined` when the contract gives the route none. */
type Parsed<R, Part extends "body" | "query"> = R extends { [P in Part]: infer S extends z.ZodType }
  ? z.output<S>
  : undefined;

/** What a handler is given: the request parsed with the route's schemas, and who asks. */
export type RouteRequest<K extends RouteName> = {
  params: DashboardPathParams<K>;
  query: Parsed<Routes[K], "query">;
  body: Parsed<Routes[K], "body">;
  /** for response headers and the raw request */
  c: DashboardContext;
} & (Routes[K] extends { public: true } ? unknown : { caller: CallerClaims }) &
  ("org_id" extends keyof DashboardPathParams<K>
    ? {
        /** Runs `work` as the caller in the route's organization, once they hold `min` (orgs/access.ts). */
        inOrg: <T>(min: OrgRole, work: (tx: TransactionSql) => Promise<T>) => Promise<T>;
      }
    : unknown);

/**
 * What a handler answers: the contract's response for the route. A download route (`download`
 * in the contract) answers a Response instead, the file in the format asked for (exports/response.ts);
 * its contract response describes the JSON form.
 */
export type RouteAnswer<K extends RouteName> = Routes[K] extends { download: true }
  ? Response
  : z.output<Routes[K]["response"]>;

/** Registers one route of the contract; see `dashboardRoute`. */
export type RegisterRoute = <K extends RouteName>(
  name: K,
  handler: (request: RouteRequest<K>) => Promise<RouteAnswer<K>>,
) => void;

/** Where the dashboard's Hono app is mounted under `/api`: every contract path starts with it. */
export const DASHBOARD_MOUNT = "/v1";

const Uuid = z.uuid({ message: "must be a uuid" });

/** A route's entry in the contract, as the registration reads it. */
interface RouteSpec {
  method: string;
  path: string;
  status?: 201;
  body?: z.ZodType;
  query?: z.ZodType;
}

/**
 * The one way a dashboard route is registered: method, path and success status come from
 * DASHBOARD_ROUTES; path parameters named `*_id` must be uuids, then the query and the body are
 * parsed with the route's schemas, in that order; each refusal is 400 naming the field
 * (`server_id`, `range`, `config.to.0`). A body whose schema accepts `{}` may be left out.
 * The handler gets them typed from the contract and answers the contract's response.
 */
export function dashboardRoute(app: Hono<DashboardEnv>, ctx: Ctx): RegisterRoute {
  return (name, handler) => {
    const spec: RouteSpec = DASHBOARD_ROUTES[name];
    if (!spec.path.startsWith(`${DASHBOARD_MOUNT}/`)) {
      throw new Error(`${name}: ${spec.path} is not under ${DASHBOARD_MOUNT}`);
    }
    const paramNames = [...spec.path.matchAll(/:([a-z_]+)/g)].map((m) => m[1] as string);
    const ids = z.object(
      Object.fromEntries(paramNames.filter((p) => p.endsWith("_id")).map((p) => [p, Uuid])),
    );
    const bodySchema = spec.body;
    const bodyOptional = bodySchema?.safeParse({}).success === true;

    app.on(spec.method, spec.path.slice(DASHBOARD_MOUNT.length), async (c) => {
      const params = c.req.param() as Record<string, string>;
      parseInput(ids, params);
      const query = spec.query ? parseInput(spec.query, c.req.query()) : undefined;
      const body = bodySchema
        ? parseInput(bodySchema, bodyOptional && isEmpty(c) ? {} : await readJsonBody(c.req.raw))
        : undefined;
      const caller = c.get("caller");
      const request = {
        params,
        query,
        body,
        c,
        caller,
        inOrg: <T>(min: OrgRole, work: (tx: TransactionSql) => Promise<T>) =>
          inOrg(ctx, caller, params.org_id as string, min, work),
      };
      const answer = await handler(request as unknown as Parameters<typeof handler>[0]);
      if (answer instanceof Response) return answer;
      return c.json(answer as object, spec.status ?? 200);
    });
  };
}

function isEmpty(c: DashboardContext): boolean {
  return c.req.raw.body === null || c.req.header("content-length") === "0";
}
