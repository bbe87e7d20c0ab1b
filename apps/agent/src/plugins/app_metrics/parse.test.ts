import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseStatsdDatagram, parseStatsdLine } from "./parse.ts";

const fixture = readFileSync(new URL("./fixtures/statsd-lines.txt", import.meta.url), "utf8");

describe("StatsD line parser", () => {
  it("reads every line of the reference documents' examples", () => {
    const lines = parseStatsdDatagram(fixture);
    expect(lines).toHaveLength(17);
    expect(lines.every((line) => line.ok)).toBe(true);
  });

  it.each([
    ["gorets:1|c", { name: "gorets", type: "c", value: 1, rate: 1, delta: false }],
    ["gorets:1|c|@0.1", { name: "gorets", type: "c", value: 1, rate: 0.1 }],
    ["glork:320|ms|@0.1", { name: "glork", type: "ms", value: 320, rate: 0.1 }],
    ["song.length:240|h|@0.5", { name: "song.length", type: "ms", value: 240, rate: 0.5 }],
    ["lat:12.5|d", { name: "lat", type: "ms", value: 12.5 }],
    ["gaugor:333|g", { name: "gaugor", type: "g", value: 333, delta: false }],
    ["gaugor:-10|g", { name: "gaugor", type: "g", value: -10, delta: true }],
    ["gaugor:+4|g", { name: "gaugor", type: "g", value: 4, delta: true }],
    ["uniques:765|s", { name: "uniques", type: "s", member: "765" }],
    ["users.online:1|c|#country:china", { name: "users.online", labels: { country: "china" } }],
    [
      "x:1|c|#env:prod,canary,9lives:yes,a.b:c",
      { labels: { env: "prod", canary: "", _9lives: "yes", a_b: "c" } },
    ],
    ["my app.requests:1|c", { name: "my_app.requests" }],
    ["weird$name!:1|c", { name: "weirdname" }],
    ["jobs:1e3|c", { value: 1000 }],
  ])("%s", (line, expected) => {
    const parsed = parseStatsdLine(line);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.metrics[0]).toMatchObject(expected);
  });

  it("reads several values on one line", () => {
    const parsed = parseStatsdLine("gorets:1|c:2|c:320|ms");
    expect(parsed.ok && parsed.metrics.map((m) => [m.type, m.value])).toEqual([
      ["c", 1],
      ["c", 2],
      ["ms", 320],
    ]);
  });

  it.each([
    ["no colon", "gorets"],
    ["empty name", ":1|c"],
    ["only bad characters in the name", "$$$:1|c"],
    ["no type", "gorets:1"],
    ["unknown type", "gorets:1|x"],
    ["a word for a value", "gorets:abc|c"],
    ["an empty value", "gorets:|c"],
    ["NaN", "gorets:NaN|g"],
    ["Infinity", "gorets:Infinity|g"],
    ["a value too big for a double", "gorets:1e999|g"],
    ["a zero sample rate", "gorets:1|c|@0"],
    ["a sample rate above 1", "gorets:1|c|@2"],
    ["a negative timing", "glork:-5|ms"],
    ["an empty set member", "uniques:|s"],
    ["a name too long for the wire once a timer suffix is added", `${"a".repeat(195)}:1|ms`],
  ])("refuses %s", (_why, line) => {
    expect(parseStatsdLine(line).ok).toBe(false);
  });

  it("skips empty lines and carriage returns in a datagram", () => {
    const lines = parseStatsdDatagram("a:1|c\r\n\n\nb:2|g\n");
    expect(lines.map((l) => l.ok && l.metrics[0]?.name)).toEqual(["a", "b"]);
  });

  it("survives binary garbage", () => {
    const garbage = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 37) % 256)).toString("utf8");
    expect(() => parseStatsdDatagram(garbage)).not.toThrow();
  });
});
