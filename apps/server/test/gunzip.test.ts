import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { nodeGunzip } from "../src/gunzip.ts";

describe("the gunzip custos-server gives the backend", () => {
  it("inflates a batch", () => {
    const out = nodeGunzip(gzipSync('{"ok":true}'), 1_000);
    expect(new TextDecoder().decode(out as Uint8Array)).toBe('{"ok":true}');
  });

  it("stops a gzip bomb at the limit instead of allocating it", () => {
    expect(nodeGunzip(gzipSync("0".repeat(9_000_000)), 8_388_608)).toBe("too_large");
  });

  it("throws on bytes that are not gzip", () => {
    expect(() => nodeGunzip(new TextEncoder().encode("{}"), 1_000)).toThrow();
  });
});
