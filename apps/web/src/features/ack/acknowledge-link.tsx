"use client";
import { isAgentAckToken } from "@custos/protocol/ack-link";
import { useEffect, useState } from "react";
import { Logo } from "@/components/logo.tsx";
import { Button } from "@/components/ui/button.tsx";
import { LoadingState } from "@/components/ui/states.tsx";
import { API_PREFIX } from "@/lib/api.ts";
import { loadConfig } from "@/lib/config.ts";

/**
 * /ack#<token>: the confirmation page of a notification's acknowledge link in the cloud, where
 * the API sends a person's GET here (Supabase serves an Edge Function's HTML to a GET as plain
 * text). No sign-in: the token is the credential. It reads what the link would do as JSON and
 * acknowledges only when the button is pressed (packages/backend/src/routes/ack.ts).
 */

/** What the API answers (routes/ack.ts). */
export interface AckAnswer {
  outcome:
    | "ready"
    | "acknowledged"
    | "already_acknowledged"
    | "resolved"
    | "expired"
    | "not_received"
    | "invalid";
  /** The API's heading for this answer; HEADING is the fallback for an older API. */
  heading?: string;
  message: string;
  incident?: { id: string; title: string };
}

const HEADING: Record<AckAnswer["outcome"], string> = {
  ready: "Acknowledge this incident?",
  acknowledged: "Acknowledged",
  already_acknowledged: "Already acknowledged",
  resolved: "Already resolved",
  expired: "Link expired",
  not_received: "Not received yet",
  invalid: "Link not valid",
};

/** Pure: the token from the page's fragment (the backend's or an agent-signed one), or undefined. */
export function ackTokenFromHash(hash: string): string | undefined {
  const token = hash.replace(/^#/, "");
  return /^[0-9A-Za-z]{24}$/.test(token) || isAgentAckToken(token) ? token : undefined;
}

const INVALID: AckAnswer = {
  outcome: "invalid",
  message: "This acknowledge link is not valid: it may be incomplete. Open the incident in the dashboard.",
};

async function call(token: string, method: "GET" | "POST"): Promise<AckAnswer> {
  const config = await loadConfig();
  // a simple request (no custom header, no body): no CORS preflight
  const res = await fetch(`${config.supabaseUrl}${API_PREFIX}/ack/${token}`, {
    method,
    headers: { accept: "application/json" },
    cache: "no-store",
  });
  const body = (await res.json().catch(() => undefined)) as AckAnswer | undefined;
  if (body && typeof body.outcome === "string" && body.outcome in HEADING) return body;
  throw new Error(`unexpected answer ${res.status}`);
}

export function AcknowledgeLink() {
  const [token, setToken] = useState<string | undefined | null>(null);
  const [answer, setAnswer] = useState<AckAnswer | undefined>();
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    const found = ackTokenFromHash(window.location.hash);
    setToken(found);
    if (!found) return;
    call(found, "GET").then(setAnswer, () => setFailed(true));
  }, []);

  async function confirm() {
    if (!token) return;
    setBusy(true);
    setFailed(false);
    try {
      setAnswer(await call(token, "POST"));
    } catch {
      setFailed(true);
    } finally {
      setBusy(false);
    }
  }

  const shown = token === undefined ? INVALID : answer;
  return (
    <main className="mx-auto max-w-md px-4 py-12">
      <div className="mb-6 flex items-center gap-2 font-semibold text-lg">
        <Logo /> Custos
      </div>
      {failed ? (
        <p role="alert">
          Could not reach Custos. Check your connection and try again
          {shown?.outcome === "ready" ? "." : " by reloading this page."}
        </p>
      ) : null}
      {!shown ? (
        failed ? null : (
          <LoadingState label="Checking the link" rows={2} />
        )
      ) : (
        <section aria-live="polite">
          <h1 className="font-semibold text-2xl tracking-tight">{shown.heading ?? HEADING[shown.outcome]}</h1>
          {shown.incident ? <p className="mt-3 font-medium">{shown.incident.title}</p> : null}
          <p className="mt-3 text-gray-600 dark:text-gray-300">{shown.message}</p>
          {shown.outcome === "ready" ? (
            <Button variant="danger" className="mt-6" loading={busy} onClick={() => void confirm()}>
              Acknowledge
            </Button>
          ) : null}
          {shown.incident && shown.outcome !== "invalid" ? (
            <p className="mt-6 text-sm">
              <a className="underline" href={`/incidents/detail?id=${shown.incident.id}`}>
                Open the incident in Custos
              </a>
            </p>
          ) : null}
        </section>
      )}
    </main>
  );
}
