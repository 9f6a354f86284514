/**
 * Email over SMTP with nodemailer: subject = the title ("[FIRING:2] HighCPU host=web-1"),
 * a plain-text and an HTML part. SMTP 5xx answers are permanent (wrong address, refused
 * sender, bad credentials), 4xx temporary (greylisting, mailbox busy), connection problems
 * transient. One connection per message: alert mail is rare, and a pooled connection
 * would only go stale between alerts.
 *
 * nodemailer (~430 KB of code) is loaded by the first message, not at every hub's start:
 * most hubs never send mail, and the hub's start is on the services' cold-start path.
 */
import type { Transporter } from 'nodemailer';
import { DeliveryError, invalidConfig, type ChannelFactory, type RenderedNotification } from './channel.js';
import { colour, digest, emoji, escapeHtml, htmlLine, plainText } from './format.js';

/** Subject, text and HTML of a notification. */
export function emailMessage(n: RenderedNotification): { subject: string; text: string; html: string } {
  const d = digest(n);
  const accent = `#${colour(n).toString(16).padStart(6, '0')}`;
  const items = d.lines.map((l) => `<li style="margin:4px 0">${htmlLine(l)}</li>`).join('');
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif;font-size:14px">',
    `<h2 style="border-left:4px solid ${accent};padding-left:8px">${emoji(n.kind)} ${escapeHtml(n.title)}</h2>`,
    `<ul>${items}</ul>`,
    d.more > 0 ? `<p>… and ${d.more} more</p>` : '',
    d.link ? `<p><a href="${escapeHtml(d.link)}">Open Wheelhouse</a></p>` : '',
    '</body></html>',
  ].join('');
  // Header injection is impossible (nodemailer encodes), but a subject stays one line.
  return { subject: n.title.replace(/[\r\n]+/g, ' '), text: plainText(n), html };
}

/** The email channel. */
export const emailChannel: ChannelFactory = (spec) => {
  const smtp = spec.smtp;
  if (!smtp) throw invalidConfig(spec, '"smtp" is missing');
  if (!spec.from) throw invalidConfig(spec, '"from" is missing');
  if (spec.to.length === 0) throw invalidConfig(spec, '"to" is empty');
  const options = {
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    auth: smtp.user ? { user: smtp.user, pass: smtp.password ?? '' } : undefined,
    connectionTimeout: spec.timeoutMs,
    greetingTimeout: spec.timeoutMs,
    socketTimeout: spec.timeoutMs,
    disableFileAccess: true,
    disableUrlAccess: true,
  };
  let transport: Promise<Transporter> | undefined;
  const from = spec.from;
  const to = spec.to;
  return {
    target: `smtp://${smtp.host}:${smtp.port} → ${to.join(', ')}`,
    async send(n, signal) {
      const message = emailMessage(n);
      let info: { rejected?: unknown[]; rejectedErrors?: { response?: string }[] };
      try {
        transport ??= import('nodemailer').then((m) => m.default.createTransport(options));
        info = await (await transport).sendMail({ from, to, ...message, headers: { 'X-Wheelhouse-Notification': n.id }, signal });
      } catch (err) {
        if (signal.aborted) throw signal.reason;
        throw smtpError(err);
      }
      // Some recipients got it: retrying would mail them again, so report without retry.
      if (info.rejected?.length) {
        const why = info.rejectedErrors?.[0]?.response ?? 'refused';
        throw new DeliveryError(`SMTP server refused ${info.rejected.map(String).join(', ')} (${why}); the other recipients got the message`, false);
      }
    },
    async close() {
      (await transport?.catch(() => undefined))?.close();
    },
  };
};

/** SMTP reply codes decide when there is one; otherwise the nodemailer error code. */
export function smtpError(err: unknown): DeliveryError {
  const e = err as { responseCode?: number; code?: string; response?: string; message?: string };
  const text = (e.response ?? e.message ?? String(err)).replace(/\s+/g, ' ').slice(0, 300);
  if (typeof e.responseCode === 'number') {
    return new DeliveryError(`SMTP ${e.responseCode}: ${text}`, e.responseCode < 500);
  }
  // No reply code: problems of our own making are permanent, the rest is the network.
  const permanent = ['EAUTH', 'ENOAUTH', 'ECONFIG', 'EENVELOPE', 'EMESSAGE', 'EREQUIRETLS'];
  const code = e.code ?? 'error';
  return new DeliveryError(`SMTP ${code}: ${text}`, !permanent.includes(code));
}
