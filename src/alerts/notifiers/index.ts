/**
 * Notification channels behind one interface, one file per channel type (webhook, slack,
 * discord, email, telegram). Sending never blocks alert evaluation: `dispatch` queues and
 * returns; retries with backoff; every attempt is written to the delivery log.
 *
 * STUB — the implementation is being written (createNotifier): until then nothing is sent.
 */
import type { Logger } from 'pino';
import { AppError } from '../../core/errors.js';
import type { ChannelSpec } from '../../core/config/index.js';
import type { AlertRecord, AlertRepo } from '../../store/index.js';

/** One notification: a group of alerts that fire (or resolve) together, for some channels. */
export interface Notification {
  kind: 'firing' | 'resolved';
  /** Labels the group shares (the group_by labels). */
  groupLabels: Record<string, string>;
  alerts: AlertRecord[];
  channels: string[];
}

/** Outcome of a test send. */
export interface TestResult {
  channel: string;
  ok: boolean;
  error: string | null;
  ms: number;
}

/** The notifier's interface. */
export interface Notifier {
  /** Queues the notification for each of its channels and returns at once. */
  dispatch(n: Notification): void;
  /** Sends a test message to one channel now (one attempt, no retry); throws AppError when the channel is unknown. */
  test(channel: string): Promise<TestResult>;
  /** The configured channels (secrets masked). */
  channels(): { name: string; type: ChannelSpec['type']; target: string }[];
  /** Waits for queued deliveries to finish (bounded), then stops retrying. */
  stop(): Promise<void>;
}

/** What the notifier is built from. `fetch` is injectable for tests of odd network failures. */
export interface NotifierDeps {
  channels: ChannelSpec[];
  repo: AlertRepo;
  logger: Logger;
  /** Public base URL of the hub, for links in messages. */
  hubUrl: string;
  fetch?: typeof fetch;
}

/** Builds the notifier. */
export function createNotifier(deps: NotifierDeps): Notifier {
  void deps;
  return {
    dispatch: () => {},
    test: async (channel) => {
      throw new AppError('request/invalid', `unknown channel "${channel}"`);
    },
    channels: () => [],
    stop: async () => {},
  };
}
