import { describe, expect, it } from "vitest";
import { localDateValue, localDaysRange } from "./export-range.ts";

describe("incidents export range", () => {
  it("covers whole local days, midnight to midnight", () => {
    expect(localDaysRange("2026-01-10", 1)).toEqual({
      from: new Date(2026, 0, 10).toISOString(),
      to: new Date(2026, 0, 11).toISOString(),
    });
    expect(localDaysRange("2026-12-31", 7)).toEqual({
      from: new Date(2026, 11, 31).toISOString(),
      to: new Date(2027, 0, 7).toISOString(),
    });
  });

  it.each(["", "yesterday", "2026-02-30", "2026-13-01", "10/01/2026"])("refuses %j", (day) => {
    expect(localDaysRange(day, 1)).toBeNull();
  });

  it("writes today's date as a date input holds it", () => {
    expect(localDateValue(new Date(2026, 0, 5, 23, 59))).toBe("2026-01-05");
  });
});
