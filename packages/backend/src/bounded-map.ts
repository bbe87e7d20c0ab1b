/**
 * Sets `key` in `map` and then drops the oldest entries (Map keeps insertion order) until at most
 * `max` are left. Every in-process cache and limiter goes through this, so none of them grows
 * with the number of distinct keys a client can invent, and reaching the bound evicts only the
 * oldest entries instead of forgetting everything at once (a rate limiter that forgot every
 * bucket when flooded would let the flood through).
 */
export function setBounded<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key); // re-inserted last: a key in use is never the oldest
  map.set(key, value);
  if (map.size <= max) return;
  for (const oldest of map.keys()) {
    map.delete(oldest);
    if (map.size <= max) return;
  }
}
