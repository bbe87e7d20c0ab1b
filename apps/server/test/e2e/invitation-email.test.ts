/**
 * Invitation emails end to end (decision 0041): a real custos-server (embedded PostgreSQL, its
 * scheduler, SMTP through nodemailer) sending to a real SMTP server on loopback (npm smtp-server),
 * and the dashboard in Chromium. The owner invites by email; exactly one email arrives with the
 * accept link at the server's address and the inviter's and organization's names; the invitee opens
 * that link signed out, lands on sign-up (not "Welcome back"), creates the account and accepts.
 * Hostile names inject no header or markup, and a refused recipient shows as "Email failed".
 * Sign-ups are invite-only, as custos-server's default: the invitee's sign-up is the invitation's.
 */
import { type CustosServerHandle, startCustosServer } from "@custos/testkit";
import postgres from "postgres";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Browser, ensureDashboardBuilt, openBrowser, shoot, waitFor } from "./browser.ts";
import { accessToken, apiCall, PASSWORD, signUpInBrowser } from "./session.ts";

interface Mail {
  to: string[];
  raw: string;
}
const mails: Mail[] = [];
/** Recipients the SMTP server refuses for good (550), as a mailbox that does not exist. */
const REFUSED = "nobody@refused.example";

let smtp: SMTPServer;
let server: CustosServerHandle;
let sql: postgres.Sql;
let owner: Browser;
let invitee: Browser;

beforeAll(async () => {
  ensureDashboardBuilt();
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address === REFUSED) {
        const error = Object.assign(new Error("5.1.1 mailbox unavailable"), { responseCode: 550 });
        callback(error);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      let raw = "";
      stream.on("data", (c: Buffer) => {
        raw += c.toString("utf8");
      });
      stream.on("end", () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  const smtpPort = (smtp.server.address() as { port: number }).port;
  server = await startCustosServer({
    adminUrl: inject("pgAdminUrl"),
    env: {
      CUSTOS_SMTP_HOST: "127.0.0.1",
      CUSTOS_SMTP_PORT: String(smtpPort),
      CUSTOS_SMTP_SECURITY: "none",
      CUSTOS_EMAIL_FROM: "Custos <custos@example.com>",
      CUSTOS_SIGNUPS: "invite-only",
      // links use the server's own address (loopback here), as without a configured URL
      CUSTOS_PUBLIC_URL: "",
    },
  });
  sql = postgres(server.databaseUrl, { max: 2, onnotice: () => undefined });
  owner = await openBrowser();
  invitee = await openBrowser({ width: 390, height: 844, mobile: true });
}, 240_000);
afterAll(async () => {
  await owner?.close();
  await invitee?.close();
  await sql?.end();
  await server?.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

/** The headers (unfolded) and the body of a raw message, the body's quoted-printable decoded. */
function parse(raw: string): { headers: string[]; body: string } {
  const split = raw.indexOf("\r\n\r\n");
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, " ");
  const headers = head.split("\r\n");
  let body = raw.slice(split + 4);
  if (headers.some((h) => /^content-transfer-encoding:\s*quoted-printable/i.test(h))) {
    body = body
      .replace(/=\r\n/g, "")
      .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
    body = Buffer.from(body, "latin1").toString("utf8");
  }
  return { headers, body: body.replace(/\r\n/g, "\n") };
}
const header = (headers: string[], name: string) =>
  headers
    .find((h) => h.toLowerCase().startsWith(`${name.toLowerCase()}:`))
    ?.slice(name.length + 1)
    .trim();
const mailTo = (address: string) =>
  waitFor(() => mails.find((m) => m.to.includes(address)), 30_000, `mail to ${address}`);

describe("invitation emails", () => {
  const ownerEmail = `owner${Date.now()}@example.com`;
  const inviteeEmail = `invitee${Date.now()}@example.com`;
  let orgId: string;

  it("emails the invitee the accept link, and the invitee signs up from it and joins", async () => {
    // the first account owns this custos-server and its organization
    ({ orgId } = await signUpInBrowser(server, owner.page, ownerEmail));
    await sql`update organizations set name = 'Acme Ops' where id = ${orgId}`;

    await owner.page.goto(`${server.url}/settings/members`);
    await owner.page.getByLabel("Email").fill(inviteeEmail);
    await owner.page.getByLabel("Role").selectOption("member");
    await owner.page.getByRole("button", { name: "Invite" }).click();
    await owner.page.getByText(/An email with the link is on its way/).waitFor();
    const shown =
      (
        await owner.page.locator("figure", { hasText: "Invitation link" }).locator("code").textContent()
      )?.trim() ?? "";

    const mail = await mailTo(inviteeEmail);
    const { headers, body } = parse(mail.raw);
    expect(header(headers, "Subject")).toBe(`${ownerEmail} invited you to Acme Ops on Custos`);
    expect(header(headers, "From")).toBe("Custos <custos@example.com>");
    expect(header(headers, "Content-Type")).toMatch(/^text\/plain/);
    const links = body.split("\n").filter((line) => line.startsWith("http"));
    expect(links).toEqual([shown]);
    expect(shown).toMatch(new RegExp(`^${server.url}/invite#token=inv_[A-Za-z0-9_-]{43}$`));
    expect(body).toContain(`${ownerEmail} invited you to join the organization "Acme Ops" on Custos`);
    // the list says it went out (it polls while the email is on its way)
    await owner.page.getByText("Email sent").waitFor({ timeout: 20_000 });
    await shoot(owner.page, "invitation-email-sent");

    // the invitee follows the emailed link signed out: sign-up, then the invitation
    const { page } = invitee;
    await page.goto(links[0] ?? "");
    await page.waitForURL(/\/sign-up\?next=%2Finvite/);
    await page.getByRole("heading", { name: "Create your account to accept your invitation" }).waitFor();
    expect(await page.getByText("Welcome back").count()).toBe(0);
    await shoot(page, "invitation-email-phone-sign-up");
    await page.getByLabel("Email").fill(inviteeEmail);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(/\/invite#token=/);
    await page.getByRole("button", { name: "Accept invitation" }).click();
    await page.getByText("You joined Acme Ops as member.").waitFor();
    await shoot(page, "invitation-email-phone-accepted");
    expect(mails.filter((m) => m.to.includes(inviteeEmail))).toHaveLength(1);
    expect(owner.problems).toEqual([]);
    expect(invitee.problems).toEqual([]);
  }, 120_000);

  it("sends hostile names as plain text on one line: no injected header, no markup", async () => {
    const token = await accessToken(owner.page);
    await sql`update organizations set name = ${"Acme\r\nBcc: victim@example.com\r\n<b>bold</b>"} where id = ${orgId}`;
    await sql`update auth.users set raw_user_meta_data = ${sql.json({ full_name: "Eve\r\nX-Injected: yes\r\n\r\n<script>alert(1)</script>" })}
              where email = ${ownerEmail}`;
    const target = `hostile${Date.now()}@example.com`;
    const created = await apiCall(server, token, "POST", `/orgs/${orgId}/invitations`, { email: target });
    expect(created.status).toBe(201);
    expect(created.body.email).toBe("queued");

    const mail = await mailTo(target);
    expect(mail.to).toEqual([target]);
    const { headers, body } = parse(mail.raw);
    const names = headers.map((h) => h.slice(0, h.indexOf(":")).toLowerCase());
    expect(names).not.toContain("bcc");
    expect(names).not.toContain("x-injected");
    expect(header(headers, "Subject")).toBe(
      "Eve X-Injected: yes <script>alert(1)</script> invited you to Acme Bcc: victim@example.com <b>bold</b> on Custos",
    );
    expect(mail.raw).not.toMatch(/text\/html/i);
    expect(body.split("\n").filter((l) => /^(Bcc|X-Injected):/.test(l))).toEqual([]);
    expect(mails.some((m) => m.to.includes("victim@example.com"))).toBe(false);
  }, 60_000);

  it("shows a refused email as failed in the member list, and the API answered at once", async () => {
    const token = await accessToken(owner.page);
    const started = Date.now();
    const created = await apiCall(server, token, "POST", `/orgs/${orgId}/invitations`, { email: REFUSED });
    expect(created.status).toBe(201);
    expect(Date.now() - started).toBeLessThan(5_000);
    const failed = await waitFor(
      async () => {
        const list = await apiCall(server, token, "GET", `/orgs/${orgId}/invitations`);
        const item = list.body.invitations.find((i: { email: string }) => i.email === REFUSED);
        return item?.email_status === "failed" ? item : undefined;
      },
      30_000,
      "the failed invitation email",
    );
    expect(failed.email_error).toMatch(/550/);
    await owner.page.goto(`${server.url}/settings/members`);
    await owner.page.getByText(/Email failed: .*550/).waitFor();
    await shoot(owner.page, "invitation-email-failed");
  }, 60_000);
});
