// The Slack channel against a local server that checks the incoming-webhook payload as Slack documents it.
import { afterEach, describe, expect, it } from 'vitest';
import { DeliveryError } from './channel.js';
import { createChannel } from './registry.js';
import { render, renderTest } from './render.js';
import { alert, answer, firingPair, spec, startReceiver, type Receiver } from './testing/fixtures.js';

let rx: Receiver | undefined;
afterEach(async () => rx?.close());
const ctx = { fetch };
const signal = () => AbortSignal.timeout(5_000);

/** Problems Slack would answer "invalid_payload" for (https://api.slack.com/reference/block-kit/blocks). */
function slackProblems(body: unknown): string[] {
  const p: string[] = [];
  const b = body as { text?: unknown; blocks?: unknown };
  if (typeof b !== 'object' || b === null) return ['not an object'];
  if (typeof b.text !== 'string' || b.text.length === 0) p.push('text must be a non-empty string');
  if (b.blocks !== undefined) {
    if (!Array.isArray(b.blocks) || b.blocks.length > 50) return [...p, 'blocks must be an array of at most 50'];
    for (const block of b.blocks as { type?: string; text?: { type?: string; text?: string }; elements?: { type?: string; text?: string }[] }[]) {
      if (block.type === 'header') {
        if (block.text?.type !== 'plain_text' || !block.text.text || block.text.text.length > 150) p.push('header needs plain_text of 1-150 characters');
      } else if (block.type === 'section') {
        if (!['mrkdwn', 'plain_text'].includes(block.text?.type ?? '') || !block.text?.text || block.text.text.length > 3000) p.push('section needs text of 1-3000 characters');
      } else if (block.type === 'context') {
        if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 10) p.push('context needs 1-10 elements');
      } else p.push(`unexpected block type ${String(block.type)}`);
    }
  }
  return p;
}

const slackLike = () =>
  startReceiver((r, res) => {
    const problems = slackProblems(r.json);
    if (problems.length) answer(res, 400, `invalid_payload: ${problems.join('; ')}`);
    else res.end('ok');
  });

describe('slack channel', () => {
  it('posts {text, blocks} that Slack accepts, with the title, each alert and the hub link', async () => {
    rx = await slackLike();
    await createChannel(spec({ name: 'ops', type: 'slack', url: `${rx.url}/services/T000/B000/XXXX` }), ctx).send(firingPair(), signal());
    expect(rx.requests).toHaveLength(1);
    const body = rx.requests[0]!.json as { text: string; blocks: { type: string; text?: { text: string }; elements?: { text: string }[] }[] };
    expect(slackProblems(body)).toEqual([]);
    expect(body.text).toBe('🔥 [FIRING:2] HighCPU host=web-1');
    expect(body.blocks.map((b) => b.type)).toEqual(['header', 'section', 'context']);
    const section = body.blocks[1]!.text!.text;
    expect(section).toContain('[CRITICAL] HighCPU = 93.25 — CPU at 93.25% on web-1 (threshold 80) (firing since 2024-05-01 10:05:00 UTC)');
    // mrkdwn control characters are escaped.
    expect(section).toContain('core=3 = 88.5 — core 3 &lt;busy&gt; &amp; "hot"');
    expect(body.blocks[2]!.elements![0]!.text).toBe('<http://hub.example:8400/|Open Wheelhouse>');
  });

  it('keeps big groups inside the block limits and counts what it left out', async () => {
    rx = await slackLike();
    const many = Array.from({ length: 40 }, (_, i) => alert({ fingerprint: `fp${i}`, labels: { host: `web-${i}`, path: 'x'.repeat(300) }, annotations: { summary: 'y'.repeat(400) } }));
    await createChannel(spec({ name: 'ops', type: 'slack', url: rx.url }), ctx).send(render({ kind: 'resolved', groupLabels: {}, alerts: many }, ''), signal());
    const body = rx.requests[0]!.json as { text: string; blocks: { type: string; text?: { text: string } }[] };
    expect(slackProblems(body)).toEqual([]);
    expect(body.text).toBe('✅ [RESOLVED:40] HighCPU');
    expect(body.blocks.map((b) => b.type)).toEqual(['header', 'section']);
  });

  it('sends a marked test message', async () => {
    rx = await slackLike();
    await createChannel(spec({ name: 'ops', type: 'slack', url: rx.url }), ctx).send(renderTest('ops', ''), signal());
    expect((rx.requests[0]!.json as { text: string }).text).toBe('🧪 [TEST] Wheelhouse test notification for channel "ops"');
  });

  it('treats Slack refusals as permanent and 429/5xx as transient', async () => {
    const answers: [number, string, Record<string, string>][] = [
      [404, 'no_service', {}],
      [403, 'action_prohibited', {}],
      [429, 'rate_limited', { 'retry-after': '30' }],
      [500, 'rollup_error', {}],
    ];
    rx = await startReceiver((_r, res, i) => answer(res, answers[i]![0], answers[i]![1], answers[i]![2]));
    const channel = createChannel(spec({ name: 'ops', type: 'slack', url: rx.url }), ctx);
    const errs: DeliveryError[] = [];
    for (let i = 0; i < answers.length; i++) errs.push((await channel.send(firingPair(), signal()).catch((e: unknown) => e)) as DeliveryError);
    expect(errs.map((e) => [e.transient, e.message, e.retryAfterMs])).toEqual([
      [false, 'HTTP 404: no_service', undefined],
      [false, 'HTTP 403: action_prohibited', undefined],
      [true, 'HTTP 429: rate_limited', 30_000],
      [true, 'HTTP 500: rollup_error', undefined],
    ]);
    expect(channel.target).toBe(rx.url); // a bare origin has no path to mask
  });
});
