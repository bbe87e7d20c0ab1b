import { Hono } from "hono";
import { cors } from "hono/cors";
import { readJsonObject } from "./body.ts";
import { clientOf, type NodeBindings } from "./client.ts";
import type { AuthCtx } from "./context.ts";
import { API_VERSION_HEADER, AuthError, authErrorResponse } from "./errors.ts";
import { getUser } from "./get-user.ts";
import { updateUser, verifyRecovery } from "./recovery.ts";
import { refreshSession } from "./refresh.ts";
import { signInWithPassword } from "./sign-in.ts";
import { signOut } from "./sign-out.ts";
import { signUp } from "./sign-up.ts";
import { authSettings } from "./signups.ts";

/**
 * The subset of Supabase Auth's HTTP API the dashboard uses, mounted at /auth/v1. Routes only
 * read the request and call a verb; every failure is answered in GoTrue's error format.
 * supabase-js sends an `apikey` header (the anon key on Supabase); self-hosted mode has no anon
 * key, so any value — or none — is accepted.
 */
export function authRoutes(ctx: AuthCtx) {
  const app = new Hono<{ Bindings: NodeBindings }>();

  // The dashboard may be served from another origin in development. Tokens travel in headers,
  // never cookies, so any origin may call without credentials.
  app.use(
    "*",
    cors({
      origin: "*",
      allowMethods: ["GET", "POST", "PUT", "DELETE", "OPTIONS"],
      allowHeaders: ["apikey", "authorization", "content-type", "x-client-info", API_VERSION_HEADER],
      // supabase-js reads this header to know that error bodies carry the new `code`
      exposeHeaders: [API_VERSION_HEADER, "retry-after"],
      maxAge: 3600,
    }),
  );

  app.get("/.well-known/jwks.json", (c) =>
    c.json(ctx.key.jwks, 200, { "cache-control": "public, max-age=600" }),
  );

  // public, as on Supabase: the sign-in page reads it before anyone is signed in
  app.get("/settings", async (c) => c.json(await authSettings(ctx), 200, { "cache-control": "no-store" }));

  app.post("/signup", async (c) =>
    c.json(await signUp({ ctx, input: await readJsonObject(c.req.raw), client: clientOf(c, ctx.config) })),
  );

  app.post("/token", async (c) => {
    const grantType = c.req.query("grant_type");
    const client = clientOf(c, ctx.config);
    if (grantType === "password") {
      return c.json(await signInWithPassword({ ctx, input: await readJsonObject(c.req.raw), client }));
    }
    if (grantType === "refresh_token") {
      return c.json(await refreshSession({ ctx, input: await readJsonObject(c.req.raw), client }));
    }
    throw new AuthError(
      400,
      "unsupported_grant_type",
      "grant_type: must be password or refresh_token (the grants custos-server supports)",
      { field: "grant_type" },
    );
  });

  app.get("/user", async (c) => c.json(await getUser({ ctx, authorization: c.req.header("authorization") })));

  app.put("/user", async (c) =>
    c.json(
      await updateUser({
        ctx,
        authorization: c.req.header("authorization"),
        input: await readJsonObject(c.req.raw),
      }),
    ),
  );

  app.post("/verify", async (c) =>
    c.json(
      await verifyRecovery({ ctx, input: await readJsonObject(c.req.raw), client: clientOf(c, ctx.config) }),
    ),
  );

  app.post("/logout", async (c) => {
    await signOut({ ctx, authorization: c.req.header("authorization"), scope: c.req.query("scope") });
    return c.body(null, 204);
  });

  app.all("*", (c) => {
    throw new AuthError(404, "not_found", `${c.req.method} ${c.req.path} is not served by custos-server`);
  });

  app.onError((error, c) => {
    if (error instanceof AuthError) return authErrorResponse(c, error);
    ctx.log.error("auth: unhandled error", {
      path: c.req.path,
      error: error instanceof Error ? error.message : String(error),
    });
    return authErrorResponse(
      c,
      new AuthError(
        500,
        "unexpected_failure",
        "Unexpected failure, please check server logs for more information",
      ),
    );
  });
  return app;
}
