/** Only same-site paths are followed after sign-in (no open redirect through ?next=). */
export function safeNext(next: string | null | undefined, fallback = "/servers"): string {
  if (!next?.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return fallback;
  return next;
}
