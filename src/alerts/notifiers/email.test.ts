// The email channel against a real SMTP server (smtp-server) started by the test.
import { afterEach, describe, expect, it } from 'vitest';
import { DeliveryError } from './channel.js';
import { createChannel } from './registry.js';
import { render, renderTest } from './render.js';
import { alert, firingPair, spec } from './testing/fixtures.js';
import { parseMail, startSmtp, type SmtpBehaviour, type TestSmtp } from './testing/smtp.js';

let smtp: TestSmtp | undefined;
afterEach(async () => smtp?.close());
const ctx = { fetch };
const signal = () => AbortSignal.timeout(5_000);

const email = (port: number, over: Record<string, unknown> = {}) =>
  createChannel(
    spec({
      name: 'mail',
      type: 'email',
      smtp: { host: '127.0.0.1', port, secure: false, user: null, password: null },
      from: 'Wheelhouse <alerts@example.com>',
      to: ['ops@example.com', 'oncall@example.com'],
      ...over,
    }),
    ctx,
  );

const sendErr = async (behaviour: SmtpBehaviour, over: Record<string, unknown> = {}) => {
  smtp = await startSmtp(behaviour);
  return (await email(smtp.port, over).send(firingPair(), signal()).catch((e: unknown) => e)) as DeliveryError;
};

describe('email channel', () => {
  it('sends From, To, the "[FIRING:2] HighCPU host=web-1" subject, and text and HTML bodies', async () => {
    smtp = await startSmtp();
    const n = firingPair();
    await email(smtp.port).send(n, signal());
    expect(smtp.mails).toHaveLength(1);
    const [mail] = smtp.mails;
    expect(mail!.from).toBe('alerts@example.com');
    expect(mail!.to).toEqual(['ops@example.com', 'oncall@example.com']);
    const parsed = parseMail(mail!.raw);
    expect(parsed.headers.from).toBe('Wheelhouse <alerts@example.com>');
    expect(parsed.headers.to).toBe('ops@example.com, oncall@example.com');
    expect(parsed.headers.subject).toBe('[FIRING:2] HighCPU host=web-1');
    expect(parsed.headers['x-wheelhouse-notification']).toBe(n.id);
    expect(parsed.text).toContain('[FIRING:2] HighCPU host=web-1');
    expect(parsed.text).toContain('• [CRITICAL] HighCPU = 93.25 — CPU at 93.25% on web-1 (threshold 80) (firing since 2024-05-01 10:05:00 UTC)');
    expect(parsed.text).toContain('• [WARNING] HighCPU core=3 = 88.5 — core 3 <busy> & "hot"');
    expect(parsed.text).toContain('Wheelhouse: http://hub.example:8400/');
    expect(parsed.html).toContain('<h2');
    expect(parsed.html).toContain('core 3 &lt;busy&gt; &amp; &quot;hot&quot;');
    expect(parsed.html).toContain('<a href="http://hub.example:8400/">Open Wheelhouse</a>');
  });

  it('subjects a resolved group and a test send', async () => {
    smtp = await startSmtp();
    const channel = email(smtp.port);
    await channel.send(render({ kind: 'resolved', groupLabels: {}, alerts: [alert({ state: 'resolved', resolved_at: '2024-05-01T11:00:00.000Z' })] }, ''), signal());
    await channel.send(renderTest('mail', ''), signal());
    const [resolved, test] = smtp.mails.map((m) => parseMail(m.raw));
    expect(resolved!.headers.subject).toBe('[RESOLVED:1] HighCPU host=web-1');
    expect(resolved!.text).toContain('(resolved at 2024-05-01 11:00:00 UTC)');
    expect(test!.headers.subject).toBe('[TEST] Wheelhouse test notification for channel "mail"');
  });

  it('logs in with the configured user', async () => {
    smtp = await startSmtp({ auth: { user: 'bot', password: 'pw' } });
    await email(smtp.port, { smtp: { host: '127.0.0.1', port: smtp.port, secure: false, user: 'bot', password: 'pw' } }).send(firingPair(), signal());
    expect(smtp.mails[0]!.user).toBe('bot');
  });

  it('does not retry an SMTP 5xx rejection, and says why', async () => {
    const err = await sendErr({ rcpt: () => 550 });
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err.transient).toBe(false);
    expect(err.message).toMatch(/^SMTP 550: /);
    expect(smtp!.mails).toHaveLength(0);
  });

  it('treats a temporary 4xx (greylisting) as transient, at RCPT and at DATA', async () => {
    const atRcpt = await sendErr({ rcpt: () => 451 });
    expect([atRcpt.transient, atRcpt.message.slice(0, 8)]).toEqual([true, 'SMTP 451']);
    await smtp!.close();
    const atData = await sendErr({ data: () => 452 });
    expect([atData.transient, atData.message.slice(0, 8)]).toEqual([true, 'SMTP 452']);
  });

  it('refuses wrong credentials permanently', async () => {
    smtp = await startSmtp({ auth: { user: 'bot', password: 'pw' } });
    const err = (await email(smtp.port, { smtp: { host: '127.0.0.1', port: smtp.port, secure: false, user: 'bot', password: 'nope' } })
      .send(firingPair(), signal())
      .catch((e: unknown) => e)) as DeliveryError;
    expect([err.transient, err.message.slice(0, 8)]).toEqual([false, 'SMTP 535']);
    expect(err.message).not.toContain('nope');
  });

  it('reports a partly refused recipient list without retrying (the others got it)', async () => {
    const err = await sendErr({ rcpt: (address) => (address === 'oncall@example.com' ? 550 : null) });
    expect(err.transient).toBe(false);
    expect(err.message).toContain('refused oncall@example.com');
    expect(smtp!.mails.map((m) => m.to)).toEqual([['ops@example.com']]);
  });

  it('reports a refused connection as transient, and a missing field as invalid configuration', async () => {
    smtp = await startSmtp();
    const port = smtp.port;
    await smtp.close();
    smtp = undefined;
    const refused = (await email(port).send(firingPair(), signal()).catch((e: unknown) => e)) as DeliveryError;
    expect(refused.transient).toBe(true);
    expect(refused.message).toMatch(/ECONNECTION|ECONNREFUSED/);
    const broken = email(port, { to: [] });
    expect(((await broken.send(firingPair(), signal()).catch((e: unknown) => e)) as DeliveryError).message).toBe('invalid configuration of email channel "mail": "to" is empty');
  });
});
