import { describe, expect, it } from "vitest";
import { ackTokenFromHash } from "./acknowledge-link.tsx";

describe("acknowledge link page", () => {
  it("takes the token from the fragment and refuses anything that is not one", () => {
    expect(ackTokenFromHash("#AbCdEfGhIjKlMnOpQrStUvWx")).toBe("AbCdEfGhIjKlMnOpQrStUvWx");
    const agentToken = `a1.${"Y3VzX0FiQ2RFZkdo"}.${"A".repeat(22)}`;
    expect(ackTokenFromHash(`#${agentToken}`)).toBe(agentToken);
    for (const hash of [
      "",
      "#",
      "#AbCdEfGhIjKlMnOpQrStUvW",
      "#AbCdEfGhIjKlMnOpQrStUvWxY",
      "#AbCdEfGhIjKlMnOpQrStUv%00",
      "#../../v1/me",
      `#a1.${"A".repeat(10)}.${"A".repeat(21)}`,
      `#a1.<x>.${"A".repeat(22)}`,
    ]) {
      expect(ackTokenFromHash(hash), hash).toBeUndefined();
    }
  });
});
