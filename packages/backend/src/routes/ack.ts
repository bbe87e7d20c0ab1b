import type { Context } from "hono";
import { Hono } from "hono";
import { cors } from "hono/cors";
import type { Ctx } from "../context.ts";
import {
  type AckLinkOutcome,
  acknowledgeByLink,
  isAckLinkToken,
  viewAckLink,
} from "../incidents/acknowledge-by-link.ts";
import { dashboardElsewhere, dashboardLinkBase } from "../links.ts";

/**
 * /api/ack/:token — the one-click acknowledge link in notifications. No session: the token is the
 * credential. GET only shows what the link would do, with a button, because mail scanners and
 * chat link previews fetch every URL they see; POST acknowledges. A person gets a small HTML
 * page, a client sending `Accept: application/json` (ntfy's http action) gets JSON. Every
 * failure is a 4xx page: 404 unknown or malformed link (or an agent's link whose incident has not
 * reached the backend yet), 409 already acknowledged or resolved, 410 expired.
 *
 * In the cloud, Supabase's gateway rewrites a GET answered with text/html to text/plain (unless
 * the project has a custom domain), so a person's GET is sent on (303) to the dashboard's /ack
 * page, token in the fragment (kept out of the dashboard host's logs); that page asks this route
 * for JSON and POSTs the confirmation, hence CORS for the dashboard's origin.
 */
export function ackRoutes(ctx: Ctx) {
  const app = new Hono();
  const dashboard = ctx.config.dashboardUrl ? new URL(ctx.config.dashboardUrl).origin : undefined;
  // simple requests only (GET with Accept, POST without a body): no preflight, no credentials
  if (dashboard) app.use("*", cors({ origin: dashboard, allowMethods: ["GET", "POST"], maxAge: 600 }));
  const elsewhere = confirmationPage(ctx);
  app.get("/:token", async (c) => {
    const token = c.req.param("token");
    if (elsewhere && !wantsJson(c) && isAckLinkToken(token)) {
      for (const [name, value] of Object.entries(PAGE_HEADERS)) c.header(name, value);
      return c.redirect(`${elsewhere}#${token}`, 303);
    }
    return guarded(c, ctx, () => viewAckLink({ ctx, input: { token } }));
  });
  app.post("/:token", (c) =>
    guarded(c, ctx, () => acknowledgeByLink({ ctx, input: { token: c.req.param("token") } })),
  );
  // an empty or cut-off link (`/ack`, `/ack/`, a token with a slash in it) is still a person's click
  app.all("*", (c) => answer(c, ctx, { outcome: "invalid" }));
  return app;
}

/**
 * The dashboard's confirmation page when the API is served from another origin than the
 * dashboard (the cloud); undefined where this route's own HTML reaches the browser intact
 * (custos-server, one origin).
 */
function confirmationPage(ctx: Ctx): string | undefined {
  const dashboard = dashboardElsewhere(ctx.config);
  return dashboard ? `${dashboard}/ack` : undefined;
}

const wantsJson = (c: Context) => /\bapplication\/json\b/i.test(c.req.header("accept") ?? "");

/** What the route can answer: the verb's outcomes, and "unavailable" when the database failed. */
type Shown = AckLinkOutcome | { outcome: "unavailable" };

/**
 * Runs the verb; a failure (the database unreachable) answers 503 "try again" and is logged
 * without the request path, which carries the token, a credential. (The app's onError logs paths.)
 */
async function guarded(c: Context, ctx: Ctx, work: () => Promise<AckLinkOutcome>) {
  let result: Shown;
  try {
    result = await work();
  } catch (error) {
    ctx.log.error("acknowledge link failed", {
      error: error instanceof Error ? error.message : String(error),
    });
    result = { outcome: "unavailable" };
  }
  return answer(c, ctx, result);
}

const STATUS_BY_OUTCOME = {
  ready: 200,
  acknowledged: 200,
  already_acknowledged: 409,
  resolved: 409,
  expired: 410,
  not_received: 404,
  invalid: 404,
  unavailable: 503,
} as const satisfies Record<Shown["outcome"], number>;

/**
 * The page only ever posts to itself; it loads nothing, cannot be framed (a framed button could
 * be clicked by trickery) and sends no Referer (the token is in its URL).
 */
const PAGE_HEADERS = {
  "cache-control": "no-store",
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "x-robots-tag": "noindex",
  "x-content-type-options": "nosniff",
};

function answer(c: Context, ctx: Ctx, result: Shown) {
  const status = STATUS_BY_OUTCOME[result.outcome];
  for (const [name, value] of Object.entries(PAGE_HEADERS)) c.header(name, value);
  const text = describe(result);
  if (wantsJson(c)) {
    return c.json(
      {
        outcome: result.outcome,
        heading: text.heading,
        message: text.message,
        ...("incident" in result ? { incident: result.incident } : {}),
        ...(result.outcome === "acknowledged"
          ? { acknowledged_at: result.acknowledged_at.toISOString(), via: result.via }
          : {}),
      },
      status,
    );
  }
  const base = dashboardLinkBase(ctx.config);
  const incidentUrl = "incident" in result && base ? `${base}/incidents/${result.incident.id}` : undefined;
  return c.html(page(text, result, incidentUrl), status);
}

function describe(result: Shown): { heading: string; message: string } {
  switch (result.outcome) {
    case "ready":
      return {
        heading: "Acknowledge this incident?",
        message: "Acknowledging stops its escalation and reminders. It stays open until it recovers.",
      };
    case "acknowledged":
      return {
        heading: "Acknowledged",
        message: `Acknowledged by link at ${utc(result.acknowledged_at)}. Escalation and reminders have stopped.`,
      };
    case "already_acknowledged":
      return {
        heading: "Already acknowledged",
        message: result.acknowledged_at
          ? `This incident was already acknowledged at ${utc(result.acknowledged_at)}.`
          : "This incident was already acknowledged.",
      };
    case "resolved":
      return {
        heading: "Already resolved",
        message: "This incident is resolved; there is nothing to acknowledge.",
      };
    case "expired":
      return {
        heading: "Link expired",
        message: "Acknowledge links work for 24 hours. Acknowledge the incident in the dashboard instead.",
      };
    case "not_received":
      return result.expired
        ? {
            heading: "Link expired",
            message:
              "Acknowledge links work for 24 hours, and Custos never received this alert from its agent.",
          }
        : {
            heading: "Not received yet",
            message:
              "This alert came from the agent on the server, and Custos has not received it yet: the agent " +
              "may not reach Custos right now. Nothing was changed. Try this link again in a minute, or open " +
              "the server in the dashboard.",
          };
    case "unavailable":
      return {
        heading: "Try again",
        message: "Custos could not check this link just now. Nothing was changed; try again in a minute.",
      };
    case "invalid":
      return {
        heading: "Link not valid",
        message:
          "This acknowledge link is not valid: it may be incomplete. Open the incident in the dashboard.",
      };
  }
}

const utc = (d: Date) => `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

function page(text: { heading: string; message: string }, result: Shown, incidentUrl?: string): string {
  const title = "incident" in result ? `<p class="incident">${escapeHtml(result.incident.title)}</p>` : "";
  // no action attribute: the form posts to this very URL, whatever prefix a proxy put before it
  const form =
    result.outcome === "ready" ? `<form method="post"><button type="submit">Acknowledge</button></form>` : "";
  const link = incidentUrl
    ? `<p><a href="${escapeHtml(incidentUrl)}">Open the incident in Custos</a></p>`
    : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(text.heading)} · Custos</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#111}
.incident{font-weight:600}button{font-size:1.1rem;padding:.7rem 1.4rem;border-radius:.4rem;border:0;background:#b91c1c;color:#fff}</style>
</head><body><h1>${escapeHtml(text.heading)}</h1>${title}<p>${escapeHtml(text.message)}</p>${form}${link}</body></html>
`;
}
