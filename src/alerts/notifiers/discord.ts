/**
 * Discord webhook: POST {content, embeds, allowed_mentions}
 * (https://discord.com/developers/docs/resources/webhook#execute-webhook). Mentions are
 * disabled so label values cannot ping anyone. Discord answers 204 (or 200), and 429 with
 * {retry_after: seconds} in the body as well as Retry-After.
 */
import { httpUrl, maskUrl, type ChannelFactory, type RenderedNotification } from './channel.js';
import { colour, digest, emoji, escapeDiscord, plainLine, truncate } from './format.js';
import { postJson, statusError } from './http.js';

/** The documented payload shape. */
export interface DiscordPayload {
  content: string;
  embeds?: { title: string; description: string; color: number; timestamp: string; url?: string }[];
  allowed_mentions: { parse: string[] };
}

/** The Discord payload for a notification (limits: content 2000, title 256, description 4096). */
export function discordPayload(n: RenderedNotification, now = new Date()): DiscordPayload {
  const d = digest(n);
  const lines = d.lines.map((l) => `• ${escapeDiscord(plainLine(l))}`);
  if (d.more > 0) lines.push(`… and ${d.more} more`);
  const embed: NonNullable<DiscordPayload['embeds']>[number] = {
    title: truncate(n.title, 256),
    description: truncate(lines.join('\n'), 4096),
    color: colour(n),
    timestamp: now.toISOString(),
  };
  if (d.link) embed.url = d.link;
  return { content: truncate(`${emoji(n.kind)} **${escapeDiscord(n.title)}**`, 2000), embeds: [embed], allowed_mentions: { parse: [] } };
}

/** The Discord channel. */
export const discordChannel: ChannelFactory = (spec, ctx) => {
  const url = httpUrl(spec, spec.url, 'url');
  return {
    target: maskUrl(url),
    async send(n, signal) {
      const reply = await postJson(ctx.fetch, url, JSON.stringify(discordPayload(n)), {}, signal);
      let body: { message?: unknown; retry_after?: unknown } = {};
      try {
        body = JSON.parse(reply.text) as typeof body;
      } catch {
        /* not JSON: the status alone decides */
      }
      const retryAfterMs = typeof body.retry_after === 'number' ? Math.ceil(body.retry_after * 1000) : undefined;
      const err = statusError(reply, typeof body.message === 'string' ? body.message : undefined, retryAfterMs);
      if (err) throw err;
    },
  };
};
