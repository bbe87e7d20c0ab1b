/**
 * The history of this host's public addresses, pure: kept in the plugin state so a DDNS check can
 * say how long ago the address changed. Neither a parser nor a verdict, so it has its own file.
 */

interface AddressChange {
  address: string;
  /** ISO time this host was first seen with the address. */
  since: string;
}

export const HISTORY_LIMIT = 50;

/**
 * Appends the address when it differs from the last one seen, keeping the newest `limit`
 * entries. Returns the previous address when it changed (not on the very first observation).
 */
export function recordAddress(
  history: readonly AddressChange[],
  address: string,
  now: Date,
  limit = HISTORY_LIMIT,
): { history: AddressChange[]; changedFrom?: string } {
  const last = history.at(-1);
  if (last?.address === address) return { history: [...history] };
  const next = [...history, { address, since: now.toISOString() }].slice(-limit);
  return last ? { history: next, changedFrom: last.address } : { history: next };
}

/** Reads the stored history defensively: state written by another version may not match. */
export function readHistory(value: unknown): AddressChange[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (e): e is AddressChange =>
      typeof e === "object" && e !== null && typeof e.address === "string" && typeof e.since === "string",
  );
}
