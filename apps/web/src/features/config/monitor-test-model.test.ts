import { describe, expect, it } from "vitest";
import { describeRun, isSettled, testableMonitors } from "./monitor-test-model.ts";

describe("testableMonitors", () => {
  it("lists the named monitors of the JSON being edited", () => {
    const text = JSON.stringify([{ type: "http", name: "site", options: {} }, { type: "system" }, 5]);
    expect(testableMonitors(text)).toEqual({
      monitors: [{ name: "site", monitor: { type: "http", name: "site", options: {} } }],
    });
  });

  it.each([
    ["[{", "The monitors are not valid JSON yet."],
    ['{"name":"x"}', "The monitors must be a list."],
    ["", "Add a monitor with a name to test it."],
    ['[{"type":"system"}]', "Add a monitor with a name to test it."],
  ])("says why %j has nothing to test", (text, problem) => {
    expect(testableMonitors(text)).toEqual({ monitors: [], problem });
  });
});

describe("describeRun", () => {
  const run = (
    status: "pending" | "running" | "done" | "failed" | "expired",
    result = null as never,
    reason = null,
  ) => ({
    status,
    result,
    reason,
  });

  it("reads each step in words, naming the server", () => {
    expect(describeRun(run("pending"), "web-1")).toMatchObject({ label: "Waiting for the agent" });
    expect(describeRun(run("pending"), "web-1").text).toContain("web-1's agent");
    expect(describeRun(run("running"), "web-1")).toMatchObject({
      tone: "blue",
      text: "Running once on web-1…",
    });
    expect(describeRun(run("done", { status: "ok", message: "200 OK" } as never), "web-1")).toEqual({
      tone: "green",
      label: "OK",
      text: "200 OK",
    });
    expect(describeRun(run("done", { status: "down", message: "503" } as never), "w")).toMatchObject({
      tone: "red",
    });
    expect(
      describeRun(run("failed", { status: "refused", message: "monitor.options.url: bad" } as never), "w"),
    ).toEqual({ tone: "red", label: "Refused by the agent", text: "monitor.options.url: bad" });
    expect(
      describeRun(run("expired", null as never, "the agent did not answer: is it online?" as never), "w"),
    ).toEqual({
      tone: "amber",
      label: "Expired",
      text: "the agent did not answer: is it online?",
    });
  });

  it("settles on done, failed and expired only", () => {
    expect(["pending", "running", "done", "failed", "expired"].filter((s) => isSettled(s as never))).toEqual([
      "done",
      "failed",
      "expired",
    ]);
  });
});
