import { readFileSync } from "node:fs";
import { parseSslTarget, SslMonitorOptions } from "@custos/protocol";
import { describe, expect, it } from "vitest";
import { chainTrusted, evaluateCertificate, type Observation } from "./evaluate.ts";

/** Handshakes recorded against certificates made by openssl (see fixtures/README.md). */
const recorded = JSON.parse(
  readFileSync(new URL("./fixtures/observations-node24-openssl3.json", import.meta.url), "utf8"),
) as Record<string, Observation> & { recorded_at: string };
const now = Date.parse(recorded.recorded_at);
const limits = { warnDays: 14, critDays: 7, now };

describe("evaluateCertificate on recorded handshakes", () => {
  it.each([
    ["valid", "ok", /^valid, expires in 364\.9 day\(s\) \(2027-11-22\)$/],
    ["warn", "degraded", /^expires in 9\.9 day\(s\) \(2026-12-02\), below 14$/],
    ["soon", "down", /^expires in 2\.9 day\(s\) \(2026-11-25\), below 7$/],
    ["expired", "down", /^expired \d+ day\(s\) ago \(2020-02-01\)$/],
    ["selfSigned", "down", /^chain not trusted: DEPTH_ZERO_SELF_SIGNED_CERT$/],
    [
      "wrongHost",
      "down",
      /^name mismatch: Hostname\/IP does not match certificate's altnames: Host: localhost\. is not in the cert's altnames: DNS:wrong\.example$/,
    ],
  ])("judges the %s certificate %s", (name, status, message) => {
    const verdict = evaluateCertificate(recorded[name] as Observation, limits);
    expect(verdict.status).toBe(status);
    expect(verdict.message).toMatch(message);
  });

  it("treats a name mismatch as a name problem, not an untrusted chain", () => {
    expect(chainTrusted(recorded.wrongHost as Observation)).toBe(true);
    expect(chainTrusted(recorded.selfSigned as Observation)).toBe(false);
  });

  it("reports every problem of a certificate that has several", () => {
    const verdict = evaluateCertificate(
      {
        ...(recorded.soon as Observation),
        authorized: false,
        authorizationError: "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
        identityError: "Host: x. is not in the cert's altnames",
      },
      limits,
    );
    expect(verdict.status).toBe("down");
    expect(verdict.message.split("; ")).toHaveLength(3);
  });

  it("is down on an expiry date it cannot read", () => {
    expect(
      evaluateCertificate({ ...(recorded.valid as Observation), validTo: "someday" }, limits).status,
    ).toBe("down");
  });
});

describe("ssl config", () => {
  it.each([
    ["example.com", { host: "example.com", port: 443 }],
    ["example.com:8443", { host: "example.com", port: 8443 }],
    ["10.0.0.1:993", { host: "10.0.0.1", port: 993 }],
    ["[::1]:8443", { host: "::1", port: 8443 }],
    ["[2001:db8::1]", { host: "2001:db8::1", port: 443 }],
  ])("reads target %s", (text, expected) => {
    expect(parseSslTarget(text)).toEqual(expected);
  });

  it.each(["example.com:0", "example.com:70000", "https://example.com", "host name"])(
    "rejects target %s",
    (text) => {
      expect(parseSslTarget(text)).toBeUndefined();
    },
  );

  it("defaults to 14 and 7 days and rejects crit above warn and unknown keys", () => {
    expect(SslMonitorOptions.parse({ targets: ["a.example"] })).toMatchObject({
      warn_days: 14,
      crit_days: 7,
    });
    expect(SslMonitorOptions.safeParse({ targets: ["a.example"], warn_days: 5, crit_days: 10 }).success).toBe(
      false,
    );
    const unknown = SslMonitorOptions.safeParse({ targets: ["a.example"], warn: 3 });
    expect(JSON.stringify(unknown.error?.issues)).toContain("warn");
  });
});
