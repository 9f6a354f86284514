/** A real SMTP server for tests (the smtp-server package) and a small MIME reader for what it receives. Not part of the build. */
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';

/** One message the server accepted. */
export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  user: string | null;
}

/** What the server answers to RCPT TO (per address) or DATA: null accepts, a number rejects with that SMTP code. */
export interface SmtpBehaviour {
  rcpt?: (address: string, index: number) => number | null;
  data?: (index: number) => number | null;
  /** Required credentials; without them AUTH is optional. */
  auth?: { user: string; password: string };
}

/** A running test SMTP server. */
export interface TestSmtp {
  port: number;
  mails: ReceivedMail[];
  /** RCPT TO and DATA commands seen (accepted or not), to count attempts. */
  attempts: number;
  close(): Promise<void>;
}

const rejection = (code: number) => Object.assign(new Error(code >= 500 ? 'Requested action not taken: mailbox unavailable' : 'Requested action aborted: try again later'), { responseCode: code });

/** Starts an SMTP server on 127.0.0.1 without TLS (the channel connects with secure: false). */
export async function startSmtp(behaviour: SmtpBehaviour = {}): Promise<TestSmtp> {
  const mails: ReceivedMail[] = [];
  let rcptIndex = 0;
  let dataIndex = 0;
  const state = { attempts: 0 };
  const server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    authOptional: !behaviour.auth,
    allowInsecureAuth: true,
    onAuth(auth, _session, cb) {
      if (behaviour.auth && auth.username === behaviour.auth.user && auth.password === behaviour.auth.password) return cb(null, { user: auth.username });
      cb(Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 }));
    },
    onRcptTo(address: SMTPServerAddress, _session: SMTPServerSession, cb) {
      state.attempts++;
      const code = behaviour.rcpt?.(address.address, rcptIndex++) ?? null;
      cb(code ? rejection(code) : null);
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const code = behaviour.data?.(dataIndex++) ?? null;
        if (code) return cb(rejection(code));
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          user: typeof session.user === 'string' ? session.user : null,
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    mails,
    get attempts() {
      return state.attempts;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A parsed message: headers (lower-case names, unfolded) and the decoded text and HTML parts. */
export interface ParsedMail {
  headers: Record<string, string>;
  text: string | null;
  html: string | null;
}

/** Reads the headers and the text/plain and text/html parts (quoted-printable, base64, 7bit) of a raw message. */
export function parseMail(raw: string): ParsedMail {
  const { headers, body } = splitPart(raw);
  const out: ParsedMail = { headers, text: null, html: null };
  const visit = (h: Record<string, string>, b: string) => {
    const type = h['content-type'] ?? 'text/plain';
    const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
    if (type.startsWith('multipart/') && boundary) {
      for (const chunk of b.split(`--${boundary}`).slice(1)) {
        if (chunk.startsWith('--')) break;
        const part = splitPart(chunk.replace(/^\r?\n/, ''));
        visit(part.headers, part.body);
      }
      return;
    }
    const decoded = decode(b, h['content-transfer-encoding'] ?? '7bit');
    if (type.startsWith('text/html')) out.html = decoded;
    else if (type.startsWith('text/plain')) out.text = decoded;
  };
  visit(headers, body);
  return out;
}

function splitPart(raw: string): { headers: Record<string, string>; body: string } {
  const at = raw.search(/\r?\n\r?\n/);
  const head = at < 0 ? raw : raw.slice(0, at);
  const body = at < 0 ? '' : raw.slice(at).replace(/^\r?\n\r?\n/, '');
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = decodeWords(line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function decode(body: string, encoding: string): string {
  const enc = encoding.toLowerCase();
  if (enc === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (enc === 'quoted-printable') return qp(body);
  return body.replace(/\r?\n$/, '');
}

function qp(s: string): string {
  const soft = s.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < soft.length; i++) {
    const m = /^=([0-9A-F]{2})/i.exec(soft.slice(i, i + 3));
    if (m) {
      bytes.push(parseInt(m[1]!, 16));
      i += 2;
    } else bytes.push(...Buffer.from(soft[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8').replace(/\r?\n$/, '');
}

/** RFC 2047 encoded words (=?UTF-8?Q?…?= / =?UTF-8?B?…?=). */
function decodeWords(s: string): string {
  return s.replace(/=\?([^?]+)\?([QB])\?([^?]*)\?=\s*/gi, (_m, _cs: string, enc: string, text: string) =>
    enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : qp(text.replace(/_/g, ' ')),
  );
}
