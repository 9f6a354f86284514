/**
 * Slack incoming webhook: POST {text, blocks} (https://api.slack.com/messaging/webhooks).
 * `text` is the notification preview and the fallback; blocks carry a header, one mrkdwn
 * section with the alerts and a context line linking the hub. Slack answers 200 "ok", 4xx
 * with a reason ("invalid_payload", "no_service") and 429 with Retry-After.
 */
import { httpUrl, maskUrl, type ChannelFactory, type RenderedNotification } from './channel.js';
import { digest, emoji, escapeSlack, plainLine, truncate } from './format.js';
import { postJson, statusError } from './http.js';

/** The documented payload shape. */
export interface SlackPayload {
  text: string;
  blocks?: Record<string, unknown>[];
}

/** The Slack payload for a notification (limits: header 150, section 3000 characters). */
export function slackPayload(n: RenderedNotification): SlackPayload {
  const d = digest(n);
  const lines = d.lines.map((l) => `• ${escapeSlack(plainLine(l))}`);
  if (d.more > 0) lines.push(`… and ${d.more} more`);
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(`${emoji(n.kind)} ${n.title}`, 150), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: truncate(lines.join('\n'), 3000) } },
  ];
  if (d.link) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `<${d.link}|Open Wheelhouse>` }] });
  return { text: truncate(`${emoji(n.kind)} ${escapeSlack(n.title)}`, 3000), blocks };
}

/** The Slack channel. */
export const slackChannel: ChannelFactory = (spec, ctx) => {
  const url = httpUrl(spec, spec.url, 'url');
  return {
    target: maskUrl(url),
    async send(n, signal) {
      const err = statusError(await postJson(ctx.fetch, url, JSON.stringify(slackPayload(n)), {}, signal));
      if (err) throw err;
    },
  };
};
