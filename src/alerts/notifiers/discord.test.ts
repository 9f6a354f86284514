// The Discord channel against a local server that checks the execute-webhook payload and answers like Discord.
import { afterEach, describe, expect, it } from 'vitest';
import { DeliveryError } from './channel.js';
import { createChannel } from './registry.js';
import { render } from './render.js';
import { alert, answer, firingPair, spec, startReceiver, type Receiver } from './testing/fixtures.js';

let rx: Receiver | undefined;
afterEach(async () => rx?.close());
const ctx = { fetch };
const signal = () => AbortSignal.timeout(5_000);

interface Embed {
  title: string;
  description: string;
  color: number;
  timestamp: string;
  url?: string;
}

/** Problems Discord would answer 400 for (https://discord.com/developers/docs/resources/message#embed-object-embed-limits). */
function discordProblems(body: unknown): string[] {
  const b = body as { content?: unknown; embeds?: Embed[] };
  const p: string[] = [];
  if (typeof b.content !== 'string' || b.content.length > 2000) p.push('content must be a string of at most 2000 characters');
  if (b.embeds !== undefined) {
    if (!Array.isArray(b.embeds) || b.embeds.length > 10) p.push('at most 10 embeds');
    let total = 0;
    for (const e of b.embeds ?? []) {
      if (e.title.length > 256) p.push('embed title over 256');
      if (e.description.length > 4096) p.push('embed description over 4096');
      if (!Number.isInteger(e.color) || e.color < 0 || e.color > 0xffffff) p.push('bad colour');
      if (Number.isNaN(Date.parse(e.timestamp))) p.push('bad timestamp');
      total += e.title.length + e.description.length;
    }
    if (total > 6000) p.push('embeds over 6000 characters in all');
  }
  return p;
}

const discordLike = () =>
  startReceiver((r, res) => {
    const problems = discordProblems(r.json);
    if (problems.length) answer(res, 400, { message: 'Invalid Form Body', code: 50035, errors: problems });
    else {
      res.statusCode = 204;
      res.end();
    }
  });

describe('discord channel', () => {
  it('posts {content, embeds} Discord accepts, with mentions disabled', async () => {
    rx = await discordLike();
    await createChannel(spec({ name: 'disc', type: 'discord', url: `${rx.url}/api/webhooks/123/tok` }), ctx).send(firingPair(), signal());
    const body = rx.requests[0]!.json as { content: string; embeds: Embed[]; allowed_mentions: unknown };
    expect(discordProblems(body)).toEqual([]);
    expect(body.content).toBe('🔥 **\\[FIRING:2\\] HighCPU host=web-1**');
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.embeds).toHaveLength(1);
    expect(body.embeds[0]).toMatchObject({ title: '[FIRING:2] HighCPU host=web-1', color: 0xe01e5a, url: 'http://hub.example:8400/' });
    expect(body.embeds[0]!.description.split('\n')).toHaveLength(2);
    expect(body.embeds[0]!.description).toContain('\\[CRITICAL\\] HighCPU = 93.25');
  });

  it('defuses @everyone in label values and fits a large group', async () => {
    rx = await discordLike();
    const many = Array.from({ length: 30 }, (_, i) => alert({ fingerprint: `fp${i}`, labels: { host: `@everyone-${i}` }, annotations: { summary: 'z'.repeat(1000) } }));
    await createChannel(spec({ name: 'disc', type: 'discord', url: rx.url }), ctx).send(render({ kind: 'resolved', groupLabels: {}, alerts: many }, ''), signal());
    const body = rx.requests[0]!.json as { content: string; embeds: Embed[] };
    expect(discordProblems(body)).toEqual([]);
    expect(body.embeds[0]!.color).toBe(0x2eb67d);
    expect(body.embeds[0]!.description).not.toContain('@everyone');
    expect(body.embeds[0]!.description).toContain('@\u200beveryone-0');
  });

  it('honours retry_after of a 429 and does not retry a 400 or 404', async () => {
    const answers: [number, unknown, Record<string, string>][] = [
      [429, { message: 'You are being rate limited.', retry_after: 1.5, global: false }, {}],
      [400, { message: 'Cannot send an empty message', code: 50006 }, {}],
      [404, { message: 'Unknown Webhook', code: 10015 }, {}],
      [502, '<html>bad gateway</html>', { 'content-type': 'text/html' }],
    ];
    rx = await startReceiver((_r, res, i) => answer(res, answers[i]![0], answers[i]![1], answers[i]![2]));
    const channel = createChannel(spec({ name: 'disc', type: 'discord', url: rx.url }), ctx);
    const errs: DeliveryError[] = [];
    for (let i = 0; i < answers.length; i++) errs.push((await channel.send(firingPair(), signal()).catch((e: unknown) => e)) as DeliveryError);
    expect(errs.map((e) => [e.transient, e.message, e.retryAfterMs])).toEqual([
      [true, 'HTTP 429: You are being rate limited.', 1_500],
      [false, 'HTTP 400: Cannot send an empty message', undefined],
      [false, 'HTTP 404: Unknown Webhook', undefined],
      [true, 'HTTP 502: <html>bad gateway</html>', undefined],
    ]);
    expect(createChannel(spec({ name: 'disc', type: 'discord', url: `${rx.url}/api/webhooks/123/tok` }), ctx).target).toBe(`${rx.url}/***`);
  });
});
