/** Every channel kind and its factory. Adding a kind: one new file and one line here. */
import type { ChannelSpec } from '../../core/config/index.js';
import { DeliveryError, type Channel, type ChannelContext, type ChannelFactory } from './channel.js';
import { discordChannel } from './discord.js';
import { emailChannel } from './email.js';
import { slackChannel } from './slack.js';
import { telegramChannel } from './telegram.js';
import { webhookChannel } from './webhook.js';

/** The factory of each channel type. */
export const channelFactories = {
  webhook: webhookChannel,
  slack: slackChannel,
  discord: discordChannel,
  email: emailChannel,
  telegram: telegramChannel,
} satisfies Record<ChannelSpec['type'], ChannelFactory>;

/**
 * Builds the channel for `spec`. A spec that cannot work (the config check let it through,
 * e.g. a URL that does not parse) gives a channel whose every send fails permanently with
 * the reason, so the problem shows in the delivery log and in test sends rather than
 * stopping the hub.
 */
export function createChannel(spec: ChannelSpec, ctx: ChannelContext): Channel {
  try {
    return channelFactories[spec.type](spec, ctx);
  } catch (err) {
    const reason = err instanceof DeliveryError ? err : new DeliveryError(`invalid configuration of channel "${spec.name}": ${(err as Error).message}`, false);
    return {
      target: '(invalid configuration)',
      send: async () => {
        throw reason;
      },
    };
  }
}
