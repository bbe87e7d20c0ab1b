import { isIP } from "node:net";
import { ipVersion } from "@custos/protocol";
import { describe, expect, it } from "vitest";

let seed = 7;
/** A fixed pseudo-random sequence, so a disagreement is the same on every run. */
function next(): number {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed;
}
const pick = (alphabet: string, length: number) =>
  Array.from({ length }, () => alphabet[next() % alphabet.length]).join("");

/** Strings built from the characters IP addresses are made of, so near-misses are common. */
function* generated(count: number): Generator<string> {
  for (let i = 0; i < count; i++) yield pick("0123456789abcdefABCDEFg.:%[]x", 1 + (next() % 24));
}

/** IPv6-shaped strings: 1-9 groups of 0-5 hex digits, sometimes an IPv4 tail or a zone. */
function* sixLike(count: number): Generator<string> {
  const octet = () => String(next() % 300);
  for (let i = 0; i < count; i++) {
    const groups = Array.from({ length: 1 + (next() % 9) }, () => pick("0123456789abcdef", next() % 6));
    let text = groups.join(":");
    if (next() % 4 === 0) text += `:${octet()}.${octet()}.${octet()}.${octet()}`;
    if (next() % 6 === 0) text += `%${pick("eth0.:-", 1 + (next() % 4))}`;
    yield text;
  }
}

describe("ipVersion (the dns monitor's resolver check without node:net)", () => {
  it.each([
    "1.1.1.1",
    "255.255.255.255",
    "256.1.1.1",
    "01.2.3.4",
    "1.2.3",
    "::",
    "::1",
    "2606:4700::1111",
    "fe80::1%eth0",
    "::ffff:192.0.2.1",
    "1:2:3:4:5:6:7:8",
    "1:2:3:4:5:6:7:8:9",
    "1::2::3",
    "[::1]",
    "",
    "localhost",
  ])("answers %j as node:net isIP does", (value) => {
    expect(ipVersion(value)).toBe(isIP(value));
  });

  it("agrees with node:net isIP on 40,000 generated near-addresses", () => {
    const inputs = [...generated(20_000), ...sixLike(20_000)];
    const disagreements = inputs.filter((value) => ipVersion(value) !== isIP(value));
    expect(disagreements).toEqual([]);
    // the comparison means something only if many inputs are addresses
    expect(inputs.filter((value) => isIP(value) === 6).length).toBeGreaterThan(1_000);
  });
});
