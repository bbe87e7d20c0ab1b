/** What sea/build.ts does to the bundle's text before it goes into the executable. */
import { describe, expect, it } from "vitest";
import { asciiOnly } from "../sea/build.ts";

describe("the single executable's bundle", () => {
  it("is made ASCII-only, and a regular expression with a non-ASCII character still matches the same", () => {
    const source = [
      "// a comment with an em dash \u2014 and a bullet \u25cf",
      "const marker = /^\\s*[\u25cf*]\\s*/;",
      "const emoji = /\u{1f600}+/u;",
      "const caf\u00e9 = 1;",
      "module.exports = { marker, emoji, total: caf\u00e9 };",
    ].join("\n");
    const ascii = asciiOnly(source);
    expect(ascii).toMatch(/^[\x20-\x7e\n]*$/);
    const module = { exports: {} as { marker: RegExp; emoji: RegExp; total: number } };
    new Function("module", ascii)(module);
    expect("  \u25cf nginx.service".replace(module.exports.marker, "")).toBe("nginx.service");
    expect(module.exports.emoji.test("\u{1f600}\u{1f600}")).toBe(true);
    expect(module.exports.emoji.test("\ud83d")).toBe(false);
    expect(module.exports.total).toBe(1);
  });

  it("refuses a non-ASCII character written after a backslash, which an escape would change", () => {
    expect(() => asciiOnly("const r = /\\\u25cf/;")).toThrow(/escaped non-ASCII character at 11/);
  });
});
