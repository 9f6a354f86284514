// The Telegram channel against a local Bot API server: /bot<token>/sendMessage, HTML checked as Telegram parses it.
import { afterEach, describe, expect, it } from 'vitest';
import { DeliveryError } from './channel.js';
import { createChannel } from './registry.js';
import { render, renderTest } from './render.js';
import { alert, answer, firingPair, spec, startReceiver, type Receiver } from './testing/fixtures.js';

let rx: Receiver | undefined;
afterEach(async () => rx?.close());
const ctx = { fetch };
const signal = () => AbortSignal.timeout(5_000);
const token = '123456:ABC-def_ghi';

/** Why Telegram would refuse `text` in HTML parse mode ("can't parse entities"), or null. */
function htmlProblem(text: string): string | null {
  const allowed = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'a', 'code', 'pre', 'span', 'tg-spoiler', 'blockquote']);
  const open: string[] = [];
  const re = /<(\/?)([\w-]+)([^<>]*)>|<|&(?!(?:lt|gt|amp|quot|#\d+);)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0] === '<') return `unescaped < at ${m.index}`;
    if (m[0] === '&') return `unescaped & at ${m.index}`;
    const [, close, tag] = m;
    if (!allowed.has(tag!)) return `unsupported tag <${tag}>`;
    if (close) {
      if (open.pop() !== tag) return `unbalanced </${tag}>`;
    } else open.push(tag!);
  }
  return open.length ? `unclosed <${open.at(-1)}>` : null;
}

/** A Bot API look-alike that knows one bot and one chat. */
const botApi = (over?: (index: number) => [number, unknown] | undefined) =>
  startReceiver((r, res, i) => {
    const forced = over?.(i);
    if (forced) return answer(res, forced[0], forced[1]);
    if (r.path !== `/bot${token}/sendMessage`) return answer(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const body = r.json as { chat_id?: unknown; text?: unknown; parse_mode?: unknown };
    if (body.chat_id !== '-100200300') return answer(res, 400, { ok: false, error_code: 400, description: 'Bad Request: chat not found' });
    if (typeof body.text !== 'string' || body.text.length === 0 || body.text.length > 4096) return answer(res, 400, { ok: false, error_code: 400, description: 'Bad Request: message is too long' });
    const problem = body.parse_mode === 'HTML' ? htmlProblem(body.text) : 'parse_mode must be HTML here';
    if (problem) return answer(res, 400, { ok: false, error_code: 400, description: `Bad Request: can't parse entities: ${problem}` });
    answer(res, 200, { ok: true, result: { message_id: i + 1, chat: { id: -100200300 }, text: body.text } });
  });

const telegram = (url: string, over: Record<string, unknown> = {}) => createChannel(spec({ name: 'tg', type: 'telegram', botToken: token, chatId: '-100200300', apiUrl: url, ...over }), ctx);

describe('telegram channel', () => {
  it('calls sendMessage with chat_id, HTML text Telegram can parse, and parse_mode HTML', async () => {
    rx = await botApi();
    await telegram(rx.url).send(firingPair(), signal());
    const [req] = rx.requests;
    expect(req!.method).toBe('POST');
    expect(req!.path).toBe(`/bot${token}/sendMessage`);
    const body = req!.json as { chat_id: string; text: string; parse_mode: string };
    expect(body).toMatchObject({ chat_id: '-100200300', parse_mode: 'HTML' });
    expect(htmlProblem(body.text)).toBeNull();
    expect(body.text.split('\n')[0]).toBe('🔥 <b>[FIRING:2] HighCPU host=web-1</b>');
    // Label values and annotations are escaped, never taken as markup.
    expect(body.text).toContain('core 3 &lt;busy&gt; &amp; &quot;hot&quot;');
    expect(body.text).toContain('<a href="http://hub.example:8400/">Open Wheelhouse</a>');
  });

  it('escapes hostile text and stays under 4096 characters with whole lines', async () => {
    rx = await botApi();
    const many = Array.from({ length: 10 }, (_, i) => alert({ fingerprint: `f${i}`, labels: { host: `<script>${i}`, x: '&'.repeat(200) }, annotations: { summary: '</b><i>'.repeat(100) } }));
    await telegram(rx.url).send(render({ kind: 'firing', groupLabels: {}, alerts: many }, ''), signal());
    const body = rx.requests[0]!.json as { text: string };
    expect(rx.requests).toHaveLength(1);
    expect(body.text.length).toBeLessThanOrEqual(4096);
    expect(htmlProblem(body.text)).toBeNull();
    expect(body.text).toContain('\n… and 9 more');
  });

  it('checks the {ok:false, description} answers: bad chat and bad token are permanent, 429 waits retry_after', async () => {
    rx = await botApi((i) => (i === 2 ? [429, { ok: false, error_code: 429, description: 'Too Many Requests: retry after 5', parameters: { retry_after: 5 } }] : undefined));
    const wrongChat = (await telegram(rx.url, { chatId: '42' }).send(renderTest('tg', ''), signal()).catch((e: unknown) => e)) as DeliveryError;
    expect([wrongChat.transient, wrongChat.message]).toEqual([false, 'HTTP 400: Bad Request: chat not found']);
    const wrongToken = (await telegram(rx.url, { botToken: '999:zzz' }).send(renderTest('tg', ''), signal()).catch((e: unknown) => e)) as DeliveryError;
    expect([wrongToken.transient, wrongToken.message]).toEqual([false, 'HTTP 404: Not Found']);
    expect(wrongToken.message).not.toContain('999:zzz');
    const limited = (await telegram(rx.url).send(renderTest('tg', ''), signal()).catch((e: unknown) => e)) as DeliveryError;
    expect([limited.transient, limited.retryAfterMs]).toEqual([true, 5_000]);
    await telegram(rx.url).send(renderTest('tg', ''), signal());
    expect((rx.requests[3]!.json as { text: string }).text).toContain('[TEST]');
  });

  it('refuses a 200 that is not a Telegram answer, and never shows the token', async () => {
    rx = await startReceiver((_r, res) => answer(res, 200, '<html>captive portal</html>', { 'content-type': 'text/html' }));
    const channel = telegram(rx.url);
    expect(channel.target).toBe(`telegram chat -100200300 via ${new URL(rx.url).host}`);
    const err = (await channel.send(firingPair(), signal()).catch((e: unknown) => e)) as DeliveryError;
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err.transient).toBe(true);
    expect(err.message).not.toContain(token);
    const broken = createChannel(spec({ name: 'tg', type: 'telegram', botToken: null, chatId: '1' }), ctx);
    expect(((await broken.send(firingPair(), signal()).catch((e: unknown) => e)) as DeliveryError).message).toBe('invalid configuration of telegram channel "tg": "bot_token" is missing');
  });
});
