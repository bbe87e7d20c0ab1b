/**
 * Test helper: real certificates made at test time by the `openssl` command line tool, in a
 * temporary directory. Not used by the plugin itself.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestCertificates {
  dir: string;
  caFile: string;
  /** PEM key and certificate per case. */
  cases: Record<CertCase, { key: string; cert: string }>;
  cleanup(): void;
}

export type CertCase = "valid" | "warn" | "soon" | "wrongHost" | "expired" | "selfSigned";

const SAN = "subjectAltName=DNS:localhost,IP:127.0.0.1";

export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), "custos-ssl-"));
  const path = (name: string) => join(dir, name);
  const openssl = (...args: string[]) =>
    execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

  openssl(
    "req",
    "-x509",
    ...ec,
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "30",
    "-subj",
    "/CN=Custos Test CA",
  );

  const signed = (name: string, days: number, san: string) => {
    openssl("req", ...ec, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", "/CN=localhost");
    writeFileSync(path(`${name}.ext`), `${san}\nbasicConstraints=CA:FALSE\n`);
    openssl(
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-days",
      String(days),
      "-extfile",
      `${name}.ext`,
      "-out",
      `${name}.pem`,
    );
  };
  signed("valid", 365, SAN);
  signed("warn", 10, SAN);
  signed("soon", 3, SAN);
  signed("wrongHost", 365, "subjectAltName=DNS:wrong.example");

  // openssl x509 cannot back-date; `openssl ca` takes explicit start and end dates.
  mkdirSync(path("ca-db/newcerts"), { recursive: true });
  writeFileSync(path("ca-db/index.txt"), "");
  writeFileSync(path("ca-db/serial"), "1000\n");
  writeFileSync(
    path("ca.cnf"),
    [
      "[ca]",
      "default_ca=test",
      "[test]",
      "dir=./ca-db",
      "database=$dir/index.txt",
      "new_certs_dir=$dir/newcerts",
      "serial=$dir/serial",
      "default_md=sha256",
      "policy=any",
      "unique_subject=no",
      "[any]",
      "commonName=supplied",
      "[leaf]",
      SAN,
      "basicConstraints=CA:FALSE",
      "",
    ].join("\n"),
  );
  openssl("req", ...ec, "-keyout", "expired.key", "-out", "expired.csr", "-subj", "/CN=localhost");
  openssl(
    "ca",
    "-batch",
    "-config",
    "ca.cnf",
    "-cert",
    "ca.pem",
    "-keyfile",
    "ca.key",
    "-in",
    "expired.csr",
    "-out",
    "expired.pem",
    "-startdate",
    "20200101000000Z",
    "-enddate",
    "20200201000000Z",
    "-extensions",
    "leaf",
    "-notext",
  );

  openssl(
    "req",
    "-x509",
    ...ec,
    "-keyout",
    "selfSigned.key",
    "-out",
    "selfSigned.pem",
    "-days",
    "365",
    "-subj",
    "/CN=localhost",
    "-addext",
    SAN,
  );

  const read = (name: CertCase) => ({
    key: readFileSync(path(`${name}.key`), "utf8"),
    cert: readFileSync(path(`${name}.pem`), "utf8"),
  });
  return {
    dir,
    caFile: path("ca.pem"),
    cases: {
      valid: read("valid"),
      warn: read("warn"),
      soon: read("soon"),
      wrongHost: read("wrongHost"),
      expired: read("expired"),
      selfSigned: read("selfSigned"),
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
