/**
 * Email through an SMTP server (nodemailer): subject is the title, text is the body. nodemailer
 * is loaded at the first email sent, not when the agent starts (decision 0030).
 */
import type { EmailChannel } from "@custos/protocol";
import type { Transporter } from "nodemailer";
import type { Channel } from "./types.ts";

export function emailChannel(channel: EmailChannel, key: string): Omit<Channel, "destinations"> {
  let transport: Promise<Transporter> | undefined;
  const transporter = () => {
    transport ??= import("nodemailer").then(({ createTransport }) =>
      createTransport({
        host: channel.host,
        port: channel.port,
        secure: channel.secure,
        ...(channel.user ? { auth: { user: channel.user, pass: channel.pass ?? "" } } : {}),
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 20_000,
      }),
    );
    return transport;
  };
  return {
    key,
    type: "email",
    async send(message, signal) {
      const sending = (await transporter()).sendMail({
        from: channel.from,
        to: channel.to,
        subject: message.alert.title,
        text: message.ackUrl
          ? `${message.alert.body}\n\nAcknowledge (stops the backend's escalation and reminders): ${message.ackUrl}`
          : message.alert.body,
        headers: { "X-Custos-Incident": message.alert.incidentKey },
      });
      await new Promise<void>((resolve, reject) => {
        const abort = () => reject(new Error("email delivery timed out"));
        if (signal.aborted) return abort();
        signal.addEventListener("abort", abort, { once: true });
        sending.then(
          () => {
            signal.removeEventListener("abort", abort);
            resolve();
          },
          (error: unknown) => {
            signal.removeEventListener("abort", abort);
            reject(error);
          },
        );
      });
    },
    close: () => {
      void transport?.then((created) => created.close());
    },
  };
}
