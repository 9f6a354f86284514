/**
 * Telegram Bot API: POST {api_url}/bot<token>/sendMessage with {chat_id, text, parse_mode:
 * 'HTML'} (https://core.telegram.org/bots/api#sendmessage). The text uses only the tags
 * Telegram accepts (b, i, code, a) and escapes everything else. Telegram answers
 * {ok: true, result} or {ok: false, error_code, description, parameters?: {retry_after}}.
 * The token is part of the URL: it never appears in a target or an error.
 */
import { DeliveryError, httpUrl, invalidConfig, type ChannelFactory, type RenderedNotification } from './channel.js';
import { digest, emoji, escapeHtml, htmlLine, truncate } from './format.js';
import { postJson, statusError } from './http.js';

/** The documented payload shape. */
export interface TelegramPayload {
  chat_id: string;
  text: string;
  parse_mode: 'HTML';
  disable_web_page_preview: boolean;
}

const maxText = 4096;

/** The HTML text of a notification, within Telegram's 4096-character limit. */
export function telegramText(n: RenderedNotification): string {
  const d = digest(n);
  const head = `${emoji(n.kind)} <b>${escapeHtml(n.title)}</b>\n`;
  const link = d.link ? `\n<a href="${escapeHtml(d.link)}">Open Wheelhouse</a>` : '';
  const reserve = head.length + link.length + 40; // room for "… and N more"
  const lines: string[] = [];
  let size = reserve;
  for (const l of d.lines) {
    const text = `\n• ${htmlLine(l)}`;
    // Cutting inside a tag would make Telegram refuse the message: drop whole lines instead.
    if (size + text.length > maxText) break;
    lines.push(text);
    size += text.length;
  }
  const more = d.more + d.lines.length - lines.length;
  return truncate(`${head}${lines.join('')}${more > 0 ? `\n… and ${more} more` : ''}${link}`, maxText);
}

/** The Telegram channel. */
export const telegramChannel: ChannelFactory = (spec, ctx) => {
  if (!spec.botToken) throw invalidConfig(spec, '"bot_token" is missing');
  if (!spec.chatId) throw invalidConfig(spec, '"chat_id" is missing');
  if (!/^[\w:-]+$/.test(spec.botToken)) throw invalidConfig(spec, '"bot_token" has characters a Telegram token never has');
  const base = httpUrl(spec, spec.apiUrl, 'api_url');
  const url = new URL(`${base.href.replace(/\/+$/, '')}/bot${spec.botToken}/sendMessage`);
  const chatId = spec.chatId;
  return {
    target: `telegram chat ${chatId} via ${base.host}`,
    async send(n, signal) {
      const payload: TelegramPayload = { chat_id: chatId, text: telegramText(n), parse_mode: 'HTML', disable_web_page_preview: true };
      const reply = await postJson(ctx.fetch, url, JSON.stringify(payload), {}, signal);
      let body: { ok?: unknown; description?: unknown; parameters?: { retry_after?: unknown } } = {};
      try {
        body = JSON.parse(reply.text) as typeof body;
      } catch {
        /* a proxy's HTML error page: the status alone decides */
      }
      const description = typeof body.description === 'string' ? body.description : undefined;
      const retryAfter = body.parameters?.retry_after;
      const err = statusError(reply, description, typeof retryAfter === 'number' ? retryAfter * 1000 : undefined);
      if (err) throw err;
      // A 2xx without {ok: true} is not Telegram (a proxy or captive portal): try again later.
      if (body.ok !== true) throw new DeliveryError(`HTTP ${reply.status} without {"ok": true}: not a Telegram answer${description ? ` (${description})` : ''}`, true);
    },
  };
};
