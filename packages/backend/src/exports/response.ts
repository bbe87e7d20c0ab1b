import type { ExportFormat } from "@custos/protocol";
import { type Column, csvLines } from "./csv.ts";

/** How many lines go into one chunk of the response body: a few tens of KB. */
const LINES_PER_CHUNK = 500;

/** A file name that needs no escaping in a header: letters, digits, `.`, `_` and `-` only. */
export function safeFileName(name: string): string {
  return (
    name
      .replace(/[^A-Za-z0-9._-]+/g, "_")
      .replace(/^[._]+/, "")
      .slice(0, 150) || "export"
  );
}

/** `2026-12-05T13:02:07.000Z` -> `20261205T130207Z`, for file names. */
export function fileTime(iso: string): string {
  return iso.replace(/\.\d+Z$/, "Z").replace(/[-:]/g, "");
}

/**
 * The export as a download: CSV (header row first) or JSON (an array of the rows), encoded a chunk
 * at a time as the client reads, so a large export is never one string in memory. The rows were
 * read (bounded) before: the caller's transaction, which RLS needs, ends before the body is sent.
 */
export function exportResponse<Row>({
  name,
  format,
  columns,
  rows,
}: {
  /** the file name without extension */
  name: string;
  format: ExportFormat;
  columns: readonly Column<Row>[];
  rows: readonly Row[];
}): Response {
  const lines = format === "csv" ? csvLines(columns, rows) : jsonLines(rows);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      let chunk = "";
      for (let i = 0; i < LINES_PER_CHUNK; i++) {
        const next = lines.next();
        if (next.done) {
          if (chunk) controller.enqueue(encoder.encode(chunk));
          controller.close();
          return;
        }
        chunk += next.value;
      }
      controller.enqueue(encoder.encode(chunk));
    },
  });
  return new Response(body, {
    status: 200,
    headers: {
      "content-type":
        format === "csv" ? "text/csv; charset=utf-8; header=present" : "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="${safeFileName(name)}.${format}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}

/** `[`, one row per line, `]`: valid JSON however it is cut into chunks. */
function* jsonLines<Row>(rows: readonly Row[]): Generator<string> {
  yield "[";
  for (let i = 0; i < rows.length; i++) yield `${i === 0 ? "\n" : ",\n"}${JSON.stringify(rows[i])}`;
  yield "\n]\n";
}
