/** What the server tests share: an agent's call to a running custos-server, and polling. */

/** POSTs to /functions/v1/api/agent<path> with an agent key; the JSON answer. */
export async function agentCall(baseUrl: string, path: string, key: string, body: unknown) {
  const res = await fetch(`${baseUrl}/functions/v1/api/agent${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return (await res.json()) as Record<string, any>;
}

/** Polls `fn` every 250 ms until it returns a value, at most `timeoutMs`. */
export async function until<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await fn();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}
