/** Options of the `minio` monitor (the agent plugin apps/agent/src/plugins/minio/; its README has a sample). */
import { z } from "zod";

export const MinioMonitorOptions = z.strictObject({
  /** Base URL of one MinIO server or of the load balancer in front of the cluster. */
  url: z.url({ protocol: /^https?$/, error: "url must be an http:// or https:// URL" }),
  /** Prometheus bearer token (`mc admin prometheus generate`), usually `${MINIO_PROMETHEUS_TOKEN}`. */
  bearer_token: z.string().min(1).optional(),
  /** Scrape `/minio/v2/metrics/cluster` for capacity, drives, nodes and buckets (default true). */
  metrics: z.boolean().default(true),
});
export type MinioMonitorOptions = z.output<typeof MinioMonitorOptions>;
