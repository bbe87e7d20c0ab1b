/**
 * A response body as UTF-8 text, or undefined (and the stream cancelled) once it passes
 * `maxBytes`: a Content-Length header can be absent (chunked) or lie, so the bytes are counted as
 * they arrive and a misbehaving endpoint cannot fill the agent's memory.
 */
export async function readLimited(response: Response, maxBytes: number): Promise<string | undefined> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size).toString("utf8");
}
