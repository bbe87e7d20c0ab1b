import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatAnswers, parsePublicAddress } from "./parse.ts";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

describe("answers", () => {
  it("formats MX and multi-chunk TXT answers as comparable text", () => {
    expect(formatAnswers("MX", [{ priority: 10, exchange: "mail.example.com" }])).toEqual([
      "10 mail.example.com",
    ]);
    expect(formatAnswers("TXT", [["v=spf1 ", "-all"]])).toEqual(["v=spf1 -all"]);
  });
});

describe("public address lookup replies", () => {
  it.each([
    ["ipify-plain.txt", "203.0.113.7"],
    ["ipify-json.json", "203.0.113.7"],
    ["ipify-json-v6.json", "2001:db8::42"],
  ])("reads the address from %s", (name, address) => {
    expect(parsePublicAddress(fixture(name))).toBe(address);
  });

  it.each([
    ["<html>rate limited</html>", /not an IP address/],
    ['{"ip": 12}', /not an IP address/],
    ["{broken", /not valid JSON/],
  ])("refuses %j", (body, error) => {
    const parsed = parsePublicAddress(body);
    expect(typeof parsed === "string" ? parsed : parsed.error).toMatch(error);
  });
});
