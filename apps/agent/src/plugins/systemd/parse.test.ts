import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseFailedJson, parseFailedPlain, parseShow, toUnitStatus, unitName } from "./parse.ts";

const fixture = (name: string) => readFileSync(join(import.meta.dirname, "fixtures", name), "utf8");

describe("reading recorded systemctl show output", () => {
  const units = parseShow(fixture("show-four-units.txt")).map(toUnitStatus);

  it("splits one block per unit, in argument order", () => {
    expect(units.map((u) => u.id)).toEqual([
      "web.service",
      "flaky.service",
      "broken.service",
      "nosuch.service",
    ]);
  });

  it.each([
    {
      id: "web.service",
      activeState: "active",
      subState: "running",
      restarts: 0,
      stateChangeMonotonicUs: 1086517133,
    },
    { id: "flaky.service", activeState: "active", subState: "running", restarts: 6, result: "success" },
    { id: "broken.service", activeState: "failed", subState: "failed", result: "exit-code", restarts: 0 },
    { id: "nosuch.service", loadState: "not-found", activeState: "inactive", stateChangeMonotonicUs: 0 },
  ])("reads state, result and NRestarts of $id", (expected) => {
    expect(units.find((u) => u.id === expected.id)).toMatchObject(expected);
  });
});

describe("failed units", () => {
  const broken = {
    unit: "broken.service",
    load: "loaded",
    active: "failed",
    sub: "failed",
    description: "Demo service that fails once",
  };

  it.each([
    { file: "list-failed.json", parse: parseFailedJson },
    { file: "list-failed-plain.txt", parse: parseFailedPlain },
    { file: "list-failed-table.txt", parse: parseFailedPlain },
  ])("reads the failed units from $file", ({ file, parse }) => {
    expect(parse(fixture(file))).toEqual([broken]);
  });
});

it.each([
  ["nginx", "nginx.service"],
  ["backup.timer", "backup.timer"],
  ["getty@tty1.service", "getty@tty1.service"],
])("names unit %s as %s", (input, expected) => {
  expect(unitName(input)).toBe(expected);
});
