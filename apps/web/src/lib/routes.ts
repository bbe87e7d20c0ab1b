import type { DASHBOARD_ROUTES } from "@custos/protocol/dashboard";
import { DASHBOARD_ENDPOINTS, type DashboardPathParams } from "@custos/protocol/dashboard-endpoints";
import { api, type RequestOptions } from "./api.ts";

/**
 * The dashboard API's routes, from the contract: method and path from DASHBOARD_ENDPOINTS (the
 * one place they are written; zod-free, so it may be bundled), every call's parameters, body and
 * answer typed from the zod schemas of DASHBOARD_ROUTES (type-only: no zod in the browser bundle).
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

export type ParamsOf<K extends RouteName> = DashboardPathParams<K>;

/** Pure: the route's path with its parameters filled in (each one URL-encoded). */
export function routePath<K extends RouteName>(name: K, params: ParamsOf<K>): string {
  const values = params as Record<string, string>;
  return DASHBOARD_ENDPOINTS[name].path.replace(/:([a-z_]+)/g, (_, key: string) => {
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
  const endpoint = DASHBOARD_ENDPOINTS[name];
  return api<ResponseOf<K>>(routePath(name, params), {
    ...(options as RequestOptions | undefined),
    method: endpoint.method,
    ...("public" in endpoint ? { anonymous: true } : {}),
  });
}
