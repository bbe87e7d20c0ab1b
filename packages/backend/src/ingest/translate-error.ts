import { AppError } from "../errors.ts";

/** Maps the database errors a well-formed batch can still meet to client errors, never a 5xx. */
export function translateIngestError(error: unknown, serverId: string): unknown {
  const code = (error as { code?: string }).code;
  // foreign key: the server was deleted after it was cached as approved
  if (code === "23503") {
    return new AppError("NOT_FOUND", `server ${serverId} is not registered with this organization`, {
      field: "server_id",
    });
  }
  // no partition for the row: only possible if maintenance has not run yet
  if (code === "23514") {
    return new AppError("VALIDATION", "a timestamp falls outside the stored range", { field: "samples" });
  }
  return error;
}
