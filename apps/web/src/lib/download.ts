import type { DASHBOARD_ENDPOINTS } from "@custos/protocol/dashboard-endpoints";
import { apiResponse } from "./api.ts";
import { type ParamsOf, type QueryOf, type RouteName, routePath } from "./routes.ts";

/** The routes of the contract that answer a file (CSV or JSON export). */
type DownloadRoute = {
  [K in RouteName]: (typeof DASHBOARD_ENDPOINTS)[K] extends { download: true } ? K : never;
}[RouteName];

/**
 * Pure: the file name from `Content-Disposition: attachment; filename="…"`, or `fallback`. Only
 * the characters the API puts in names are kept, so nothing odd reaches the save dialog.
 */
export function fileNameOf(disposition: string | null, fallback: string): string {
  const match = /filename="?([^";]+)"?/i.exec(disposition ?? "");
  const name = match?.[1]?.replace(/[^A-Za-z0-9._-]/g, "_");
  return name || fallback;
}

/**
 * Fetches an export as the signed-in user (the token travels in a header, so a plain link cannot
 * carry it) and hands it to the browser as a download named as the API names it.
 */
export async function downloadExport<K extends DownloadRoute>(
  name: K,
  params: ParamsOf<K>,
  query: QueryOf<K>,
): Promise<string> {
  const format = (query as { format?: string }).format ?? "csv";
  const res = await apiResponse(
    routePath(name, params),
    { method: "GET", query: query as Record<string, string> },
    format === "json" ? "application/json" : "text/csv",
  );
  const file = fileNameOf(res.headers.get("content-disposition"), `${String(name)}.${format}`);
  const url = URL.createObjectURL(await res.blob());
  try {
    const link = document.createElement("a");
    link.href = url;
    link.download = file;
    link.rel = "noopener";
    document.body.append(link);
    link.click();
    link.remove();
  } finally {
    // after the click has started the download; revoking at once can cancel it in some browsers
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
  return file;
}
