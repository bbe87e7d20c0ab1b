import { describe, expect, it } from "vitest";
import { fileNameOf } from "./download.ts";

describe("export file names", () => {
  it("takes the name the API gives", () => {
    expect(
      fileNameOf('attachment; filename="incidents-20260110T000000Z-20260111T000000Z.csv"', "x.csv"),
    ).toBe("incidents-20260110T000000Z-20260111T000000Z.csv");
    expect(fileNameOf("attachment; filename=checks.json", "x.json")).toBe("checks.json");
  });

  it("falls back when there is none, and keeps only safe characters", () => {
    expect(fileNameOf(null, "exportIncidents.csv")).toBe("exportIncidents.csv");
    expect(fileNameOf("attachment", "x.csv")).toBe("x.csv");
    expect(fileNameOf('attachment; filename="../../etc/passwd"', "x.csv")).toBe(".._.._etc_passwd");
  });
});
