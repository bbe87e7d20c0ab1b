/**
 * Tailscale plugin: `tailscale status --json` once per check; backend state, this node, peers
 * online, the listed peers' reachability and handshake age, and the exit node in use.
 */

import { TailscaleMonitorOptions } from "@custos/protocol";
import type { CheckOutcome, Collected, ExecResult, PluginContext, Sample } from "../types.ts";
import { definePlugin, UnsupportedError } from "../types.ts";
import { evaluateNode, evaluatePeer } from "./evaluate.ts";
import { parseStatus, type TailscaleStatus } from "./parse.ts";

export const plugin = definePlugin({
  type: "tailscale",
  configSchema: TailscaleMonitorOptions,
  defaultIntervalMs: 60_000,
  defaultName: () => "tailscale",
  create(config, ctx: PluginContext) {
    const args = [...(config.socket ? [`--socket=${config.socket}`] : []), "status", "--json"];

    return {
      async collect(): Promise<Collected> {
        const started = Date.now();
        let result: ExecResult;
        try {
          result = await ctx.exec(config.command, args, { timeoutMs: ctx.timeoutMs });
        } catch (error) {
          if (error instanceof UnsupportedError) {
            throw new UnsupportedError(
              `${error.message}; install Tailscale (https://tailscale.com/download/linux)`,
            );
          }
          return {
            samples: [],
            checks: [{ status: "down", message: `tailscale status: ${(error as Error).message}` }],
          };
        }
        const latency_ms = Date.now() - started;
        let status: TailscaleStatus;
        try {
          status = parseStatus(result.stdout);
        } catch {
          const reason = result.stderr.trim() || `unreadable output (exit ${result.code})`;
          return {
            samples: [],
            checks: [{ status: "down", message: `tailscale status failed: ${reason}`, latency_ms }],
          };
        }

        const now = Date.now();
        const node = evaluateNode(status);
        const online = status.peers.filter((peer) => peer.online).length;
        const samples: Sample[] = [
          { name: "tailscale.backend_running", value: status.backendState === "Running" ? 1 : 0 },
          { name: "tailscale.self.online", value: status.selfOnline ? 1 : 0 },
          { name: "tailscale.peers.online", value: online },
          { name: "tailscale.peers.total", value: status.peers.length },
          { name: "tailscale.exit_node.active", value: status.exitNode ? 1 : 0 },
        ];
        if (status.exitNode)
          samples.push({ name: "tailscale.exit_node.online", value: status.exitNode.online ? 1 : 0 });
        const checks: CheckOutcome[] = [{ status: node.status, message: node.message, latency_ms }];

        // With the backend down every peer is unreachable: that is one failure, reported once above.
        if (status.backendState === "Running") {
          for (const wanted of config.peers) {
            const verdict = evaluatePeer(status, wanted, now, config.max_handshake_age);
            const labels = { peer: wanted };
            samples.push({ name: "tailscale.peer.online", value: verdict.found?.online ? 1 : 0, labels });
            if (verdict.handshakeAgeSeconds !== undefined) {
              samples.push({
                name: "tailscale.peer.handshake_age_seconds",
                value: verdict.handshakeAgeSeconds,
                labels,
              });
            }
            checks.push({
              monitor: `${ctx.monitorName}:${wanted}`,
              status: verdict.status,
              message: verdict.message,
            });
          }
        }
        return { samples, checks };
      },
    };
  },
});
