"use client";
import { CodeBlock } from "@/components/ui/copy-button.tsx";
import type { RuntimeConfig } from "@/lib/config.ts";
import { isLoopbackUrl } from "@/lib/install.ts";

/**
 * A command that agents run elsewhere, and, when the URL in it is loopback, why it will not work
 * there and how to fix it: pasted on another server, `localhost` is that server itself, and the
 * install ends in a connection refused nobody explains.
 */
export function AgentCommand({
  text,
  label,
  agentUrl,
  config,
}: {
  text: string;
  label: string;
  agentUrl: string;
  config: RuntimeConfig | undefined;
}) {
  return (
    <div className="space-y-2">
      <CodeBlock text={text} label={label} />
      {isLoopbackUrl(agentUrl) ? <LoopbackWarning agentUrl={agentUrl} ownUrl={config?.ownUrl} /> : null}
    </div>
  );
}

function LoopbackWarning({ agentUrl, ownUrl }: { agentUrl: string; ownUrl: string | undefined }) {
  // custos-server's own address is only worth suggesting when other machines can reach it
  const suggestion = ownUrl && !isLoopbackUrl(ownUrl) ? ownUrl : undefined;
  const port = portOf(agentUrl);
  return (
    <div
      role="alert"
      className="space-y-1 rounded-lg border border-amber-300 bg-amber-50 p-3 text-amber-900 text-sm dark:border-amber-700 dark:bg-amber-500/10 dark:text-amber-200"
    >
      <p className="font-semibold">This address only works on this machine.</p>
      <p>
        The command uses <code className="font-mono">{agentUrl}</code>: on another server that is the server
        itself, not Custos. Start custos-server with{" "}
        <code className="break-all font-mono">
          CUSTOS_PUBLIC_URL={suggestion ?? `http://<address other servers reach>:${port}`}
        </code>{" "}
        and create the key again
        {suggestion ? (
          <>
            {" "}
            (or open this dashboard at <code className="font-mono">{suggestion}</code>)
          </>
        ) : null}
        .
      </p>
      {ownUrl && !suggestion ? (
        <p>
          custos-server listens only on this machine now: also set{" "}
          <code className="font-mono">HOST=0.0.0.0</code>.
        </p>
      ) : null}
    </div>
  );
}

function portOf(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.port || (parsed.protocol === "https:" ? "443" : "80");
  } catch {
    return "8080";
  }
}
