import { describe, expect, it } from "vitest";
import { channelLimit, channelLimitKey, planLimitError } from "./limits.ts";

describe("channel limits", () => {
  it.each([
    [{ "*": 0, email: 3 }, "email", 3, "email"],
    [{ "*": 0, email: 3 }, "slack", 0, "*"],
    [{ email: 1 }, "slack", null, "*"],
    [{}, "email", null, "*"],
    [{ "*": 2 }, "sms", 2, "*"],
    // an own key named like an Object.prototype member is not inherited
    [{ "*": 1 }, "constructor", 1, "*"],
  ] as const)("%o allows %s: %s (decided by %s)", (limits, kind, limit, key) => {
    expect(channelLimit(limits, kind)).toBe(limit);
    expect(channelLimitKey(limits, kind)).toBe(key);
  });
});

describe("the plan's refusal", () => {
  it("names the plan, the limit and the usage, in the singular when it is one", () => {
    const one = planLimitError(
      { name: "Free" },
      { singular: "server", plural: "servers", field: "plan.max_servers", remedy: "remove a server" },
      1,
      1,
    );
    expect(one).toMatchObject({
      code: "PLAN_LIMIT",
      field: "plan.max_servers",
      message:
        "the Free plan allows 1 server and this organization has 1: remove a server or change the plan",
    });
    const none = planLimitError(
      { name: "Free" },
      { singular: "sms channel", plural: "sms channels", field: "plan.channel_limits.*", remedy: "x" },
      0,
      0,
    );
    expect(none.message).toBe("the Free plan does not include sms channels: change the plan");
  });
});
