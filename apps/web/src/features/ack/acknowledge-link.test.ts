import { describe, expect, it } from "vitest";
import { ackTokenFromHash } from "./acknowledge-link.tsx";

describe("acknowledge link page", () => {
  it("takes the token from the fragment and refuses anything that is not one", () => {
    expect(ackTokenFromHash("#AbCdEfGhIjKlMnOpQrStUvWx")).toBe("AbCdEfGhIjKlMnOpQrStUvWx");
    for (const hash of [
      "",
      "#",
      "#AbCdEfGhIjKlMnOpQrStUvW",
      "#AbCdEfGhIjKlMnOpQrStUvWxY",
      "#AbCdEfGhIjKlMnOpQrStUv%00",
      "#../../v1/me",
    ]) {
      expect(ackTokenFromHash(hash), hash).toBeUndefined();
    }
  });
});
