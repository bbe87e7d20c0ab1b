/**
 * custos-server's SMTP transport against a real SMTP server on loopback (npm `smtp-server`, with
 * its built-in self-signed certificate for STARTTLS and implicit TLS).
 */
import type { AddressInfo } from "node:net";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";
import { afterEach, describe, expect, it } from "vitest";
import { createSmtpTransport, type SmtpClient, SmtpError, type SmtpOptions } from "../src/smtp.ts";

const USER = "alerts@custos.test";
const PASSWORD = "s3cr3t-smtp-password";

interface Received {
  from: string | undefined;
  to: string[];
  user: string | undefined;
  secure: boolean;
  raw: string;
}

/** Starts an SMTP server on 127.0.0.1; `received` collects every accepted message. */
async function startSmtp(options: SMTPServerOptions = {}) {
  const received: Received[] = [];
  const server = new SMTPServer({
    logger: false,
    authMethods: ["PLAIN", "LOGIN"],
    onAuth(auth, _session, callback) {
      if (auth.username === USER && auth.password === PASSWORD)
        return callback(null, { user: auth.username });
      const error = Object.assign(new Error("Authentication credentials invalid"), { responseCode: 535 });
      return callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
          to: session.envelope.rcptTo.map((r) => r.address),
          user: session.user as string | undefined,
          secure: session.secure,
          raw: Buffer.concat(chunks).toString("utf8"),
        });
        callback();
      });
    },
    ...options,
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  servers.push(server);
  return { port, received, server };
}

const servers: SMTPServer[] = [];
const clients: SmtpClient[] = [];

function client(options: Partial<SmtpOptions> & { port: number }): SmtpClient {
  const transport = createSmtpTransport({
    host: "127.0.0.1",
    user: USER,
    password: PASSWORD,
    allow_invalid_certificate: true,
    timeout_ms: 3_000,
    ...options,
  });
  clients.push(transport);
  return transport;
}

const mail = {
  from: "Custos <alerts@custos.test>",
  to: ["oncall@example.com", "ops@example.com"],
  subject: "[Acme] DOWN: web-1 (heartbeat missed)",
  text: "web-1 has not sent a heartbeat since 10:00:00 UTC.\n\nhttps://custos.example.com/incidents/1\n",
};

async function sendFailure(transport: SmtpClient): Promise<SmtpError> {
  const error = await transport.send(mail).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, "sending should have failed").toBeInstanceOf(SmtpError);
  return error as SmtpError;
}

afterEach(async () => {
  for (const transport of clients.splice(0)) transport.close();
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

describe("SMTP transport", () => {
  it("delivers sender, recipients, subject and text after STARTTLS and AUTH", async () => {
    const smtp = await startSmtp();
    await client({ port: smtp.port, security: "starttls" }).send(mail);

    expect(smtp.received).toHaveLength(1);
    const [message] = smtp.received;
    expect(message?.from).toBe("alerts@custos.test");
    expect(message?.to).toEqual(["oncall@example.com", "ops@example.com"]);
    expect(message?.user).toBe(USER);
    expect(message?.secure).toBe(true);
    expect(message?.raw).toMatch(/^Subject: \[Acme\] DOWN: web-1 \(heartbeat missed\)\r$/m);
    expect(message?.raw).toMatch(/^To: oncall@example.com, ops@example.com\r$/m);
    expect(message?.raw).toContain("web-1 has not sent a heartbeat since 10:00:00 UTC.");
    expect(message?.raw).toContain("https://custos.example.com/incidents/1");
  });

  it("delivers over implicit TLS when security is tls", async () => {
    const smtp = await startSmtp({ secure: true });
    await client({ port: smtp.port, security: "tls" }).send(mail);
    expect(smtp.received[0]?.secure).toBe(true);
  });

  it("sends to a plain relay without TLS or AUTH when security is none", async () => {
    const smtp = await startSmtp({ authOptional: true, disabledCommands: ["STARTTLS"] });
    await createSmtpTransport({ host: "127.0.0.1", port: smtp.port, security: "none" }).send(mail);
    expect(smtp.received[0]?.secure).toBe(false);
    expect(smtp.received[0]?.user).toBeUndefined();
  });

  it("refuses to send in the clear when STARTTLS is required but not offered, as a permanent failure", async () => {
    const smtp = await startSmtp({ disabledCommands: ["STARTTLS"], allowInsecureAuth: true });
    const error = await sendFailure(client({ port: smtp.port, security: "starttls" }));
    expect(error.retryable).toBe(false);
    expect(smtp.received).toHaveLength(0);
  });

  it("rejects the server's self-signed certificate unless allowed, as a permanent failure", async () => {
    const smtp = await startSmtp();
    const error = await sendFailure(
      client({ port: smtp.port, security: "starttls", allow_invalid_certificate: false }),
    );
    expect(error.retryable).toBe(false);
    expect(smtp.received).toHaveLength(0);
  });

  it("treats a wrong password as permanent and keeps the password out of the message", async () => {
    const smtp = await startSmtp();
    const error = await sendFailure(
      client({ port: smtp.port, security: "starttls", password: "wrong-password-123" }),
    );
    expect(error.retryable).toBe(false);
    expect(error.code).toBe("EAUTH");
    expect(error.responseCode).toBe(535);
    expect(error.message).not.toContain("wrong-password-123");
  });

  it("treats a recipient rejected with 550 as permanent and with 451 as temporary", async () => {
    const rejecting = await startSmtp({
      onRcptTo(_address, _session, callback) {
        callback(Object.assign(new Error("5.1.1 mailbox unavailable"), { responseCode: 550 }));
      },
    });
    const permanent = await sendFailure(client({ port: rejecting.port, security: "starttls" }));
    expect(permanent.retryable).toBe(false);
    expect(permanent.responseCode).toBe(550);

    const greylisting = await startSmtp({
      onRcptTo(_address, _session, callback) {
        callback(Object.assign(new Error("4.7.1 greylisted, try again later"), { responseCode: 451 }));
      },
    });
    const temporary = await sendFailure(client({ port: greylisting.port, security: "starttls" }));
    expect(temporary.retryable).toBe(true);
    expect(temporary.responseCode).toBe(451);
  });

  it("treats a server that is not listening as a temporary failure", async () => {
    const smtp = await startSmtp();
    await new Promise<void>((resolve) => smtp.server.close(() => resolve()));
    servers.splice(servers.indexOf(smtp.server), 1);
    const error = await sendFailure(client({ port: smtp.port, security: "starttls" }));
    expect(error.retryable).toBe(true);
  });

  it("verifies connection and credentials without sending", async () => {
    const smtp = await startSmtp();
    await client({ port: smtp.port, security: "starttls" }).verify();
    const error = await client({ port: smtp.port, security: "starttls", password: "nope-nope" })
      .verify()
      .then(
        () => undefined,
        (e: unknown) => e as SmtpError,
      );
    expect(error?.retryable).toBe(false);
    expect(smtp.received).toHaveLength(0);
  });
});
