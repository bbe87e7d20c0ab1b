import { describe, expect, it } from "vitest";
import { dataLossNote } from "./data-loss.ts";

const now = Date.parse("2026-12-05T12:00:00Z");
const reported = "2026-12-05T11:55:00Z";

describe("dataLossNote", () => {
  it("says nothing while the agent never reported a loss", () => {
    expect(
      dataLossNote({ dropped_samples_total: 0, rejected_items_total: 0, data_loss_reported_at: null }, now),
    ).toBeNull();
  });

  it("names both counts and when the last loss was reported", () => {
    expect(
      dataLossNote(
        { dropped_samples_total: 12_345, rejected_items_total: 3, data_loss_reported_at: reported },
        now,
      ),
    ).toBe(
      "Data not delivered: 12,345 samples dropped by the agent's buffer limits, 3 items refused by the backend (last reported 5m ago).",
    );
  });

  it("leaves out a zero count and says one in the singular", () => {
    expect(
      dataLossNote(
        { dropped_samples_total: 0, rejected_items_total: 1, data_loss_reported_at: reported },
        now,
      ),
    ).toBe("Data not delivered: 1 item refused by the backend (last reported 5m ago).");
    expect(
      dataLossNote({ dropped_samples_total: 1, rejected_items_total: 0, data_loss_reported_at: null }, now),
    ).toBe("Data not delivered: 1 sample dropped by the agent's buffer limits.");
  });
});
