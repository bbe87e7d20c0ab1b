import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  authorizationHeader,
  type DigestChallenge,
  digestResponse,
  parseAuthorization,
  parseDigestChallenge,
} from "./digest.ts";

const recorded401 = readFileSync(new URL("./fixtures/unauthorized-401.http", import.meta.url), "utf8");
const recordedChallenge = /^WWW-Authenticate: (.*)$/m.exec(recorded401)?.[1]?.trim();

describe("parseDigestChallenge", () => {
  it("reads the challenge a Hikvision camera sent (recorded)", () => {
    expect(parseDigestChallenge(recordedChallenge)).toEqual({
      realm: "IP Camera(C5654)",
      nonce: "4d3249794e324d305a6d4d364e7a4d784f5459795a47493d",
      qop: ["auth"],
      algorithm: "MD5",
      stale: false,
      userhash: false,
    });
  });

  it("skips a Basic challenge in the same header and reads the Digest one", () => {
    const header =
      'Basic realm="IP Camera(76475)", Digest qop="auth", realm="IP Camera(76475)", nonce="4e44", stale="TRUE"';
    expect(parseDigestChallenge(header)).toMatchObject({
      realm: "IP Camera(76475)",
      nonce: "4e44",
      stale: true,
    });
  });

  it("reads quoted values holding commas, escaped quotes, a qop list, opaque and userhash", () => {
    const header =
      'Digest realm="a, \\"b\\"", qop="auth, auth-int", algorithm=SHA-256, nonce="n1", opaque="o1", userhash=TRUE';
    expect(parseDigestChallenge(header)).toEqual({
      realm: 'a, "b"',
      nonce: "n1",
      qop: ["auth", "auth-int"],
      opaque: "o1",
      algorithm: "SHA-256",
      stale: false,
      userhash: true,
    });
  });

  it.each([
    ['Basic realm="x"', "a Basic-only header"],
    ['Digest realm="x", nonce="n", algorithm=SHA-1', "an unsupported algorithm"],
    ['Digest realm="x"', "a challenge without a nonce"],
    [undefined, "no header"],
  ])("finds no usable challenge in %s (%s)", (header, _what) => {
    expect(parseDigestChallenge(header)).toBeUndefined();
  });
});

describe("digest response", () => {
  it("matches the example of RFC 2617 section 3.5", () => {
    const challenge = parseDigestChallenge(
      'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    ) as DigestChallenge;
    const request = {
      username: "Mufasa",
      password: "Circle Of Life",
      method: "GET",
      uri: "/dir/index.html",
      nc: 1,
      cnonce: "0a4f113b",
    };
    expect(digestResponse(challenge, request)).toBe("6629fae49393a05397450978507c4ef1");
    expect(authorizationHeader(challenge, request)).toBe(
      'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", ' +
        'uri="/dir/index.html", algorithm=MD5, response="6629fae49393a05397450978507c4ef1", ' +
        'opaque="5ccc069c403ebaf9f0171e9517f40e41", qop=auth, nc=00000001, cnonce="0a4f113b"',
    );
  });

  it.each([
    ["MD5", "8ca523f5e9506fed4657c9700eebdbec"],
    ["SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"],
  ])("matches the %s example of RFC 7616 section 3.9.1", (algorithm, expected) => {
    const challenge = parseDigestChallenge(
      `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=${algorithm}, ` +
        'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
    ) as DigestChallenge;
    const response = digestResponse(challenge, {
      username: "Mufasa",
      password: "Circle of Life",
      method: "GET",
      uri: "/dir/index.html",
      nc: 1,
      cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
    });
    expect(response).toBe(expected);
  });

  it("uses the RFC 2069 form when the server offers no qop", () => {
    const challenge = parseDigestChallenge('Digest realm="r", nonce="n"') as DigestChallenge;
    const header = authorizationHeader(challenge, {
      username: "u",
      password: "p",
      method: "GET",
      uri: "/",
      nc: 1,
      cnonce: "c",
    });
    expect(header).not.toContain("qop=");
    expect(header).not.toContain("nc=");
  });

  it("writes a header the server side can read back, with the nonce count in hex", () => {
    const challenge = parseDigestChallenge(recordedChallenge) as DigestChallenge;
    const header = authorizationHeader(challenge, {
      username: "admin",
      password: "pw",
      method: "GET",
      uri: "/ISAPI/System/status?format=xml",
      nc: 26,
      cnonce: "abc",
    });
    expect(parseAuthorization(header)).toMatchObject({
      username: "admin",
      realm: "IP Camera(C5654)",
      uri: "/ISAPI/System/status?format=xml",
      nc: "0000001a",
      qop: "auth",
      cnonce: "abc",
    });
    expect(header).not.toContain("pw");
  });
});
