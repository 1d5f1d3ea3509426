// A local SMTP sink for the alert bench: accepts every message, counts mails per recipient (to detect duplicates),
// and answers the parent's { stats: true } IPC message with the counts ({ reset: true } zeroes them).
import { SMTPServer } from 'smtp-server';

const perRecipient = new Map();
let messages = 0;
let bytes = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  maxClients: 100,
  onData(stream, session, cb) {
    stream.on('data', (c) => (bytes += c.length));
    stream.on('end', () => {
      messages += 1;
      for (const r of session.envelope.rcptTo) perRecipient.set(r.address, (perRecipient.get(r.address) ?? 0) + 1);
      cb();
    });
  },
});
// A client killed mid-message (the crash bench) resets its connection: not the sink's problem.
server.on('error', () => {});
server.listen(0, '127.0.0.1', () => process.send({ port: server.server.address().port }));
process.on('message', (m) => {
  if (m?.reset) {
    perRecipient.clear();
    messages = 0;
    bytes = 0;
    process.send({ reset: true });
  }
  if (m?.stats) {
    let duplicates = 0;
    for (const n of perRecipient.values()) if (n > 1) duplicates += n - 1;
    process.send({ stats: { messages, recipients: perRecipient.size, duplicates, bytes } });
  }
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
