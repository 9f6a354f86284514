/**
 * Watch mode (PM2's `watch`): tells a unit when files under its watched paths change, a
 * burst of changes as one. chokidar is loaded with the first watched service; it walks the
 * paths itself and never enters an ignored directory, so node_modules costs nothing.
 */
import { basename, relative, sep } from 'node:path';
import type { WatchSpec } from '../core/config/index.js';

/** A running watch. */
export interface FileWatch {
  close(): Promise<void>;
}

/** What a watch reports to. */
export interface WatchEvents {
  /** Files (relative to `cwd`) that were added, changed or removed, once `debounceMs` passed without another change. */
  changed(files: string[]): void;
  error(err: Error): void;
}

/**
 * Starts watching; resolves once the initial scan is done (changes before that are not
 * reported). `exclude` are absolute directories never watched (the hub's data directory,
 * whose spool files the service itself writes).
 */
export async function watchFiles(spec: WatchSpec, cwd: string, exclude: readonly string[], events: WatchEvents): Promise<FileWatch> {
  const { watch } = await import('chokidar');
  const ignored = ignoreRule(spec, exclude);
  const watcher = watch(spec.paths, { ignoreInitial: true, ignored, persistent: false });
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const note = (path: string): void => {
    pending.add(relative(cwd, path) || basename(path));
    clearTimeout(timer);
    timer = setTimeout(() => {
      const files = [...pending].sort();
      pending.clear();
      events.changed(files);
    }, spec.debounceMs);
  };
  watcher.on('add', note).on('change', note).on('unlink', note);
  watcher.on('error', (err) => events.error(err instanceof Error ? err : new Error(String(err))));
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    close: async () => {
      clearTimeout(timer);
      await watcher.close();
    },
  };
}

/**
 * True for paths to leave out: inside an excluded directory, or with an ignored name (or a
 * `*.ext` ignored extension) anywhere below the watched path it belongs to. Names above the
 * watched path do not count: a project under ~/logs/app is still watched.
 */
export function ignoreRule(spec: WatchSpec, exclude: readonly string[]): (path: string) => boolean {
  const names = new Set(spec.ignore.filter((n) => !n.startsWith('*.')));
  const extensions = spec.ignore.filter((n) => n.startsWith('*.')).map((n) => n.slice(1));
  const within = (path: string, dir: string): boolean => path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
  return (path: string) => {
    if (exclude.some((dir) => within(path, dir))) return true;
    const root = spec.paths.find((p) => within(path, p));
    const rel = root === undefined ? basename(path) : relative(root, path);
    if (rel === '') return false;
    const parts = rel.split(sep);
    return parts.some((part) => names.has(part)) || extensions.some((ext) => parts[parts.length - 1]!.endsWith(ext));
  };
}

/**
 * One service's watch: started with its first process and kept across restarts and crashes,
 * stopped when the user stops the service or the hub lets go. Reports each burst of changes
 * as a restart reason ("files changed: src/a.js, src/b.js").
 */
export class ServiceWatch {
  private running: Promise<FileWatch> | null = null;

  constructor(
    private readonly spec: WatchSpec,
    private readonly cwd: string,
    private readonly exclude: readonly string[],
    private readonly events: { changed(reason: string): void; error(err: unknown): void },
  ) {}

  /** Starts watching unless it already does. */
  start(): void {
    if (this.running) return;
    const running = watchFiles(this.spec, this.cwd, this.exclude, {
      changed: (files) => {
        const shown = files.length > 3 ? `${files.slice(0, 3).join(', ')} and ${files.length - 3} more` : files.join(', ');
        this.events.changed(`files changed: ${shown}`);
      },
      error: (err) => this.events.error(err),
    });
    running.catch((err: unknown) => {
      this.events.error(err);
      if (this.running === running) this.running = null;
    });
    this.running = running;
  }

  async stop(): Promise<void> {
    const running = this.running;
    this.running = null;
    await (await running?.catch(() => null))?.close();
  }
}
