import { describe, expect, it } from "vitest";
import { csvField, csvLines, csvRecord } from "./csv.ts";
import { exportResponse, fileTime, safeFileName } from "./response.ts";

describe("csvField", () => {
  it.each([
    ["plain", "plain"],
    ["", ""],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ["two\nlines", '"two\nlines"'],
    ["cr\rhere", '"cr\rhere"'],
    ["ünïcødé ✓", "ünïcødé ✓"],
  ])("quotes %j as RFC 4180 asks: %j", (value, written) => {
    expect(csvField(value)).toBe(written);
  });

  it.each([
    ['=HYPERLINK("http://evil","x")', '"\'=HYPERLINK(""http://evil"",""x"")"'],
    ["+cmd|' /C calc'!A0", "\"'+cmd|' /C calc'!A0\""],
    ["-2+3", '"\'-2+3"'],
    ["@SUM(A1:A9)", '"\'@SUM(A1:A9)"'],
    ["\t=1", '"\'\t=1"'],
    ["\r=1", '"\'\r=1"'],
  ])("defuses the formula %j by a leading quote mark", (value, written) => {
    expect(csvField(value)).toBe(written);
  });

  it("writes numbers as numbers (negative ones too) and null or non-finite numbers as empty cells", () => {
    expect(csvField(-3.5)).toBe("-3.5");
    expect(csvField(0)).toBe("0");
    expect(csvField(null)).toBe("");
    expect(csvField(Number.NaN)).toBe("");
    expect(csvField(Number.POSITIVE_INFINITY)).toBe("");
  });

  it("leaves text with = or - inside (not first) alone", () => {
    expect(csvField("a=b")).toBe("a=b");
    expect(csvField("web-1")).toBe("web-1");
  });
});

describe("csvRecord and csvLines", () => {
  it("end every record with CRLF and start with the header", () => {
    expect(csvRecord(["a", 1, null])).toBe("a,1,\r\n");
    const lines = [
      ...csvLines(
        [
          { header: "name", cell: (r: { n: string; v: number }) => r.n },
          { header: "value", cell: (r: { n: string; v: number }) => r.v },
        ],
        [
          { n: "x", v: 1 },
          { n: "y,z", v: -2 },
        ],
      ),
    ];
    expect(lines.join("")).toBe('name,value\r\nx,1\r\n"y,z",-2\r\n');
  });
});

describe("exportResponse", () => {
  const columns = [{ header: "i", cell: (r: { i: number }) => r.i }];
  const rows = Array.from({ length: 1234 }, (_, i) => ({ i }));

  it("streams every row of a CSV in order across chunks, as an attachment", async () => {
    const res = exportResponse({ name: "big", format: "csv", columns, rows });
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="big.csv"');
    expect(res.headers.get("content-type")).toMatch(/^text\/csv; charset=utf-8/);
    const text = await res.text();
    expect(text.split("\r\n")).toEqual(["i", ...rows.map((r) => String(r.i)), ""]);
  });

  it("streams valid JSON, also when empty", async () => {
    const res = exportResponse({ name: "big", format: "json", columns, rows });
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="big.json"');
    expect(await res.json()).toEqual(rows);
    const empty = exportResponse({ name: "none", format: "json", columns, rows: [] });
    expect(await empty.json()).toEqual([]);
    const emptyCsv = exportResponse({ name: "none", format: "csv", columns, rows: [] });
    expect(await emptyCsv.text()).toBe("i\r\n");
  });

  it("names files with safe characters only", () => {
    expect(safeFileName('metrics-"web 1"\r\n;x=../../etc')).toBe("metrics-_web_1_x_.._.._etc");
    expect(safeFileName("../..")).toBe("export");
    expect(fileTime("2026-12-05T13:02:07.000Z")).toBe("20261205T130207Z");
  });
});
