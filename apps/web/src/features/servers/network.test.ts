import { describe, expect, it } from "vitest";
import { networkLines } from "./network.ts";

describe("networkLines", () => {
  it("shows in then out, each with its own unit", () => {
    expect(networkLines(1_234_567, 310_000)).toEqual(["↓ 1.23 MB/s", "↑ 310 KB/s"]);
  });

  it("shows a dash for the direction without data, and one dash without any", () => {
    expect(networkLines(null, 2048)).toEqual(["↓ –", "↑ 2.05 KB/s"]);
    expect(networkLines(null, null)).toEqual(["–"]);
  });
});
