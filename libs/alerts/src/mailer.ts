import nodemailer, { type Transporter } from 'nodemailer';

export interface SmtpSettings {
  host: string;
  port: number;
  secure: boolean;
  requireTls: boolean;
  user?: string;
  password?: string;
  poolSize: number;
}

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
  messageId: string;
}

export type SendOutcome =
  | { outcome: 'accepted'; response: string }
  | { outcome: 'rejected'; permanent: boolean; code: number | null; error: string }
  | { outcome: 'aborted'; reason: string };

/**
 * nodemailer over SMTP with a connection pool (one connection per mail costs ~100 ms of handshakes).
 * At most `poolSize` mails are in SMTP transactions at once (one per pooled connection): a mail waits for a slot
 * here, not inside nodemailer's queue, so `beforeSend` runs when the transaction is about to start.
 */
export class AlertMailer {
  private readonly transport: Transporter;
  private readonly slots: number;
  private busy = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(settings: SmtpSettings) {
    this.slots = settings.poolSize;
    this.transport = nodemailer.createTransport({
      host: settings.host,
      port: settings.port,
      secure: settings.secure,
      requireTLS: settings.requireTls,
      ...(settings.user ? { auth: { user: settings.user, pass: settings.password ?? '' } } : {}),
      pool: true,
      maxConnections: settings.poolSize,
      maxMessages: Infinity,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
  }

  /**
   * Accepted only when the server took the message for the recipient; a 5xx for it is a permanent (hard) failure.
   * `beforeSend` runs once a connection slot is free, right before the SMTP transaction; answering a reason
   * (string) aborts the send.
   */
  async send(mail: OutgoingMail, beforeSend?: () => Promise<string | null>): Promise<SendOutcome> {
    if (this.busy >= this.slots) await new Promise<void>((r) => this.waiting.push(r));
    else this.busy += 1;
    try {
      const abort = beforeSend ? await beforeSend() : null;
      if (abort !== null) return { outcome: 'aborted', reason: abort };
      return await this.transact(mail);
    } finally {
      // Hand the slot straight to the next waiter (busy stays the same), or free it.
      const next = this.waiting.shift();
      if (next) next();
      else this.busy -= 1;
    }
  }

  private async transact(mail: OutgoingMail): Promise<SendOutcome> {
    try {
      const info = await this.transport.sendMail({ from: mail.from, to: mail.to, subject: mail.subject, html: mail.html, text: mail.text, headers: mail.headers, messageId: mail.messageId });
      if (info.rejected.length > 0) return { outcome: 'rejected', permanent: true, code: null, error: `recipient rejected: ${String(info.rejected[0])}` };
      return { outcome: 'accepted', response: info.response };
    } catch (err) {
      const e = err as Error & { responseCode?: number };
      const code = e.responseCode ?? null;
      return { outcome: 'rejected', permanent: code !== null && code >= 500 && code < 600, code, error: e.message };
    }
  }

  close(): void {
    this.transport.close();
  }
}
