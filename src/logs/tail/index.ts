/**
 * Log file tailing: the files matched by each service's `logs.files` globs are read into the
 * log store (source 'file', service = the service's name), JSON lines as structured entries
 * and plain lines by their level prefix, a stack trace as one entry. Plain lines get the
 * context {"file": <path the file was opened at>}; JSON lines keep the application's own
 * context untouched (no key is added to what the application wrote).
 *
 * Each file is known by device and inode, and its position is a source cursor committed in
 * the same transaction as the entries read before it (`file:<service>:<dev>:<ino>`), so a
 * hub restart neither repeats nor skips a line. The globs are expanded again every poll: new
 * files are picked up (and read from their start), a file renamed away (rotation) is read to
 * its end and closed once it has been quiet for `rotateWaitMs`, a file that shrank
 * (copy-truncate) is read again from 0. A line without its newline waits for it. Problems
 * (unreadable files, directories, a full write queue) are warned about once and never stop
 * the hub; lines that could not be stored are read again from the stored position.
 */
import type { Logger } from 'pino';
import type { ServiceSpec } from '../../core/config/index.js';
import type { LogService } from '../index.js';
import { FileFollower, type FollowerContext } from './follower.js';
import { expandPatterns, type FileMatch } from './glob.js';
import { Problems, Slots } from './problems.js';

/** What the file tailer is built from. */
export interface FileTailerDeps {
  /** Services whose `logFiles` (absolute globs) are tailed. */
  services: readonly ServiceSpec[];
  logs: Pick<LogService, 'write' | 'cursor'>;
  /** Stamped on entries that do not name their own host. */
  hostname: string;
  /** Longer lines are stored in pieces of at most this many bytes. */
  maxMessageBytes: number;
  logger: Logger;
  /** How often globs are expanded again and files checked for growth; default 1 s. */
  pollMs?: number;
  /** How long a file that is no longer matched must be quiet before it is closed; default 5 s. */
  rotateWaitMs?: number;
  /** Pause before reading again after a failed read or commit; default 1 s. */
  retryMs?: number;
  /** Bytes read at once per file (at least twice `maxMessageBytes`); default 1 MiB. */
  chunkBytes?: number;
  /** At most this many files are open at once; further matches wait (with a warning); default 1000. */
  maxOpenFiles?: number;
}

/** Tails the services' log files while started. */
export interface FileTailer {
  /** Resolves once every file matched now is open (their backlog is read in the background). */
  start(): Promise<void>;
  /**
   * Stops reading and closes the files; resolves after the commits in flight. What is not
   * stored (a partial last line, an entry held for continuation lines) is read again by
   * the next tailer on the same store. Call before the log service's `stop`.
   */
  stop(): Promise<void>;
}

/** At most this many files are read at once (each read holds a chunk in memory). */
const concurrentReads = 4;

/** Builds the file tailer. */
export function createFileTailer(deps: FileTailerDeps): FileTailer {
  const pollMs = deps.pollMs ?? 1000;
  const rotateWaitMs = deps.rotateWaitMs ?? 5000;
  const maxOpenFiles = deps.maxOpenFiles ?? 1000;
  const chunkBytes = Math.max(deps.chunkBytes ?? 1024 * 1024, 2 * deps.maxMessageBytes);
  const services = deps.services.filter((s) => s.logFiles.length > 0);
  const logger = deps.logger;
  const problems = new Problems(logger);
  const slots = new Slots(concurrentReads);
  /** Open files by service and identity. */
  const followers = new Map<string, { service: string; follower: FileFollower }>();
  let timer: NodeJS.Timeout | undefined;
  let scanning: Promise<void> | undefined;
  let stopped = true;

  const context = (service: string): FollowerContext => ({
    service,
    logs: deps.logs,
    hostname: deps.hostname,
    maxMessageBytes: deps.maxMessageBytes,
    chunkBytes,
    slots,
    logger,
    retryMs: deps.retryMs ?? 1000,
    flushAfterMs: 200,
  });

  const follow = async (service: string, match: FileMatch): Promise<FileFollower | undefined> => {
    try {
      return await FileFollower.open(context(service), match);
    } catch (err) {
      problems.report(`open:${service}:${match.path}`, { service, path: match.path, err }, 'cannot open log file; skipped until it can be');
      return undefined;
    }
  };

  /** Expands every service's globs, opens new files, reads all of them, closes finished ones. */
  const scan = async (): Promise<void> => {
    const seen = new Set<string>();
    for (const svc of services) {
      const found = await expandPatterns(svc.logFiles);
      for (const p of found.problems) problems.report(`${svc.name}:${p.key}`, { service: svc.name, ...p.fields }, p.message);
      if (!found.complete) {
        // A pattern failed to expand: its files may still be there, keep them open.
        for (const [key, f] of followers) if (f.service === svc.name) seen.add(key);
      }
      for (const match of found.matches) {
        if (stopped) return;
        const key = `${svc.name}\u0000${match.dev}:${match.ino}`;
        seen.add(key);
        const known = followers.get(key);
        if (known) {
          known.follower.attach(match.path);
          known.follower.kick();
          continue;
        }
        if (followers.size >= maxOpenFiles) {
          problems.report(`${svc.name}:too-many`, { service: svc.name, path: match.path, maxOpenFiles }, 'log file patterns match more files than can be open at once; the rest wait until others close');
          continue;
        }
        const follower = await follow(svc.name, match);
        if (!follower) continue;
        if (stopped) {
          await follower.close();
          return;
        }
        followers.set(key, { service: svc.name, follower });
        follower.start();
      }
    }
    const now = Date.now();
    for (const [key, { follower }] of followers) {
      if (stopped) return;
      if (seen.has(key)) continue;
      follower.detach(now);
      // Read on until the writer has clearly moved on and everything is read; then finish it.
      if (follower.quietFor(now) < rotateWaitMs || !follower.caughtUp) follower.kick();
      else if (await follower.finish()) followers.delete(key);
    }
    problems.sweep();
  };

  const runScan = (): Promise<void> =>
    (scanning ??= scan()
      .catch((err: unknown) => logger.error({ err }, 'log file scan failed'))
      .finally(() => (scanning = undefined)));

  return {
    async start() {
      if (!stopped || services.length === 0) return;
      stopped = false;
      await runScan();
      timer = setInterval(() => void runScan(), pollMs);
      timer.unref();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      timer = undefined;
      await scanning;
      await Promise.all([...followers.values()].map((f) => f.follower.close()));
      followers.clear();
    },
  };
}
