import { simpleParser, type ParsedMail } from 'mailparser';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  raw: string;
  parsed: ParsedMail;
  to: string[];
  /** The Message-ID header as sent, e.g. `<msg_alert_1_123@matchlab.alerts>`. */
  messageId: string;
  at: number;
}

/** A real SMTP server on a free port (smtp-server); keeps every accepted message, raw and parsed. */
export class SmtpSink {
  readonly mails: ReceivedMail[] = [];
  private server!: SMTPServer;
  port = 0;
  /** Connection errors the server reported (e.g. ECONNRESET from a killed client). */
  readonly connectionErrors: string[] = [];

  /** `parse: false` keeps only the headers' Message-ID and recipients (cheap for thousands of mails). */
  constructor(private readonly opts: { parse?: boolean } = {}) {}

  async start(): Promise<this> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      disableReverseLookup: true,
      logger: false,
      size: 10 * 1024 * 1024,
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const head = raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
          const messageId = /^Message-ID:\s*(\S+)/im.exec(head)?.[1] ?? '';
          const to = session.envelope.rcptTo.map((r) => r.address);
          if (this.opts.parse === false) {
            this.mails.push({ raw: '', parsed: undefined as unknown as ParsedMail, to, messageId, at: Date.now() });
            cb();
            return;
          }
          simpleParser(raw).then((parsed) => {
            this.mails.push({ raw, parsed, to, messageId, at: Date.now() });
            cb();
          }, cb);
        });
      },
    });
    // A client that disappears mid-session (a worker SIGKILLed by a crash test) resets its connection; smtp-server
    // reports that as an 'error' event, which must not crash the test process.
    this.server.on('error', (err: NodeJS.ErrnoException) => this.connectionErrors.push(err.code ?? err.message));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  async waitFor(n: number, timeoutMs = 25_000, filter: (m: ReceivedMail) => boolean = () => true): Promise<ReceivedMail[]> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const got = this.mails.filter(filter);
      if (got.length >= n) return got;
      if (Date.now() > end) throw new Error(`SMTP sink got ${got.length} of ${n} mails`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}

export type ReceiverScript = number | { status: number; headers?: Record<string, string>; delayMs?: number };

/** A real HTTP receiver: answers with the scripted statuses in order, then `fallback` (200). */
export class WebhookReceiver {
  readonly requests: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
  private server!: Server;
  url = '';
  constructor(readonly script: ReceiverScript[] = [], private readonly fallback = 200) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        this.requests.push({ headers: req.headers, body });
        const next = this.script.shift() ?? this.fallback;
        const { status, headers, delayMs } = typeof next === 'number' ? { status: next, headers: {}, delayMs: 0 } : next;
        setTimeout(() => res.writeHead(status, headers ?? {}).end(status >= 400 ? 'no' : 'ok'), delayMs ?? 0);
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://localhost:${(this.server.address() as AddressInfo).port}/alerts`;
    return this;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

/** Polls `fn` until `ok` holds; the error names what was awaited and the last value seen. */
export async function until<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 25_000, everyMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`${what}: last value ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
