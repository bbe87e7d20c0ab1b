import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface SelfSignedCertificate {
  /** PEM private key and certificate. */
  key: string;
  cert: string;
  certFile: string;
}

/**
 * A self-signed EC certificate for the loopback address, made in `dir` with the openssl command
 * line tool at test time, valid for `days` from now.
 */
export function selfSignedCertificate(
  dir: string,
  {
    days,
    subject = "/CN=localhost",
    altNames = "IP:127.0.0.1,DNS:localhost",
  }: { days: number; subject?: string; altNames?: string },
): SelfSignedCertificate {
  const keyFile = join(dir, `key-${days}.pem`);
  const certFile = join(dir, `cert-${days}.pem`);
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      keyFile,
      "-out",
      certFile,
      "-days",
      String(days),
      "-subj",
      subject,
      "-addext",
      `subjectAltName=${altNames}`,
    ],
    { stdio: "ignore" },
  );
  return { key: readFileSync(keyFile, "utf8"), cert: readFileSync(certFile, "utf8"), certFile };
}
