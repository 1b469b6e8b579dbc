// A real SMTP server for tests (smtp-server on port 0, no TLS, no AUTH) that keeps what it
// receives, parsed just enough to read headers and the plain-text body.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface Received {
  to: string[];
  headers: Map<string, string>;
  body: string;
}

/** A real SMTP server that keeps what it receives and lets a test wait for the next message to someone. */
export async function startSmtp() {
  const inbox: Received[] = [];
  const waiting: { to: string; resolve: (m: Received) => void }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const message = parse(chunks.join(''), session.envelope.rcptTo.map((r) => r.address));
        inbox.push(message);
        for (const w of waiting.splice(0)) {
          if (message.to.includes(w.to)) w.resolve(message);
          else waiting.push(w);
        }
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    inbox,
    /** The next message to `to`, from now on. */
    next(to: string, timeoutMs = 5000): Promise<Received> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no mail to ${to}`)), timeoutMs);
        waiting.push({ to, resolve: (m) => (clearTimeout(timer), resolve(m)) });
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function parse(raw: string, to: string[]): Received {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  let body = raw.slice(split + 4);
  const encoding = headers.get('content-transfer-encoding')?.toLowerCase();
  if (encoding === 'quoted-printable') {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h: string) => `%${h}`);
    body = decodeURIComponent(bytes.replace(/%(?![0-9A-F]{2})/g, '%25'));
  } else if (encoding === 'base64') body = Buffer.from(body, 'base64').toString('utf8');
  return { to, headers, body };
}

export const linkIn = (body: string, path: string) => {
  const match = body.match(new RegExp(`https?://[^\\s]+${path}\\?token=[A-Za-z0-9_.%-]+`));
  if (!match) throw new Error(`no ${path} link in the mail`);
  return new URL(match[0]);
};
