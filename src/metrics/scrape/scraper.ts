/**
 * Scrapes Prometheus text endpoints (node_exporter and friends). Each target is fetched every
 * interval with its timeout; its samples become one point of source `scrape:<name>`, with the
 * target's labels plus `job="<name>"` and `instance="<host:port>"` (a scraped label that
 * collides is kept as `exported_<label>`, as Prometheus does), filtered by the target's
 * `keep` regexes (anchored, on the metric name). Like Prometheus, every scrape also records
 * `up` (1 or 0), `scrape_duration_seconds`, `scrape_samples_scraped` and
 * `scrape_samples_post_metric_relabeling`. NaN and infinite samples are skipped; sample
 * timestamps are ignored (a scrape is one instant).
 */
import type { Logger } from 'pino';
import type { ScrapeTargetSpec } from '../../core/config/index.js';
import type { MetricPoint } from '../../store/index.js';
import { seriesKey } from '../series.js';
import { parseText } from './parse.js';

/** Largest body read from a target. */
const maxBodyBytes = 32 * 1024 * 1024;
/** Most series kept from one scrape (Prometheus' sample_limit); beyond it the scrape fails. */
const maxSeries = 100_000;

/** The outcome of a target's last scrape, for /metrics and the log. */
export interface ScrapeStatus {
  up: boolean;
  at: number;
  durationS: number;
  samples: number;
  error: string | null;
}

/** What the scraper needs. */
export interface ScraperDeps {
  targets: readonly ScrapeTargetSpec[];
  /** Stores the point of one scrape. */
  ingest(points: MetricPoint[]): Promise<void>;
  logger: Logger;
  fetch?: typeof fetch;
}

/** Scrapes every target on its own interval until stopped. */
export class Scraper {
  private readonly loops: TargetLoop[];

  constructor(deps: ScraperDeps) {
    this.loops = deps.targets.map((t) => new TargetLoop(t, deps));
  }

  start(): void {
    for (const l of this.loops) l.start();
  }

  /** Stops every loop; resolves when in-flight scrapes have finished or been aborted. */
  async stop(): Promise<void> {
    await Promise.all(this.loops.map((l) => l.stop()));
  }

  /** Last status of each target, by name. */
  status(): Map<string, ScrapeStatus> {
    const out = new Map<string, ScrapeStatus>();
    for (const l of this.loops) if (l.status) out.set(l.target.name, l.status);
    return out;
  }
}

class TargetLoop {
  status: ScrapeStatus | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private readonly keep: RegExp[];
  private readonly baseLabels: Record<string, string>;
  private stopped = false;
  private lastError: string | null = null;

  constructor(
    readonly target: ScrapeTargetSpec,
    private readonly deps: ScraperDeps,
  ) {
    this.keep = target.keep.map((re) => new RegExp(`^(?:${re})$`));
    let instance = '';
    try {
      instance = new URL(target.url).host;
    } catch {
      /* the config schema checked the URL */
    }
    this.baseLabels = { instance, ...target.labels, job: target.name };
  }

  start(): void {
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.abort.abort();
    await this.running;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      const started = Date.now();
      this.running = this.scrape(started).finally(() => {
        this.running = undefined;
        this.schedule(Math.max(0, started + this.target.intervalMs - Date.now()));
      });
    }, delay);
    this.timer.unref();
  }

  /** One scrape: fetch, parse, store. Never throws. */
  async scrape(at: number): Promise<void> {
    const t0 = performance.now();
    let values: Record<string, number> = {};
    let scraped = 0;
    let error: string | null = null;
    try {
      const text = await this.fetchText();
      const parsed = parseText(text);
      scraped = parsed.samples.length;
      values = this.toValues(parsed.samples);
      if (parsed.errors.length > 0) {
        const first = parsed.errors[0]!;
        this.deps.logger.warn({ target: this.target.name, skipped: parsed.errors.length, first: `line ${first.line}: ${first.message}` }, 'scrape target served malformed lines; they were skipped');
      }
    } catch (err) {
      error = (err as Error).name === 'TimeoutError' ? `timed out after ${this.target.timeoutMs} ms` : (err as Error).message;
      values = {};
    }
    if (this.stopped) return;
    const durationS = (performance.now() - t0) / 1000;
    const kept = Object.keys(values).length;
    const meta = (name: string) => seriesKey(name, this.baseLabels);
    values[meta('up')] = error ? 0 : 1;
    values[meta('scrape_duration_seconds')] = durationS;
    values[meta('scrape_samples_scraped')] = scraped;
    values[meta('scrape_samples_post_metric_relabeling')] = kept;
    this.status = { up: !error, at, durationS, samples: kept, error };
    if (error !== this.lastError) {
      if (error) this.deps.logger.warn({ target: this.target.name, url: this.target.url, error }, 'scrape failed');
      else if (this.lastError) this.deps.logger.info({ target: this.target.name }, 'scrape target is back');
      this.lastError = error;
    }
    try {
      await this.deps.ingest([{ source: `scrape:${this.target.name}`, ts: at, values }]);
    } catch (err) {
      this.deps.logger.error({ err, target: this.target.name }, 'storing a scrape failed');
    }
  }

  private async fetchText(): Promise<string> {
    const res = await (this.deps.fetch ?? fetch)(this.target.url, {
      headers: { accept: 'text/plain;version=0.0.4;q=1,*/*;q=0.1', 'user-agent': 'wheelhouse' },
      signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.target.timeoutMs)]),
    });
    if (!res.ok) {
      await res.body?.cancel().catch(() => {});
      throw new Error(`HTTP ${res.status}`);
    }
    if (!res.body) return '';
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += chunk.byteLength;
      if (size > maxBodyBytes) throw new Error(`body larger than ${maxBodyBytes} bytes`);
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  /** Samples to series keys: finite values only, kept names only, target labels added. */
  private toValues(samples: ReturnType<typeof parseText>['samples']): Record<string, number> {
    const values: Record<string, number> = {};
    let n = 0;
    for (const s of samples) {
      if (!Number.isFinite(s.value)) continue;
      if (this.keep.length > 0 && !this.keep.some((re) => re.test(s.name))) continue;
      const labels: Record<string, string> = {};
      let nul = false;
      for (const [k, v] of Object.entries(s.labels)) {
        labels[k in this.baseLabels ? `exported_${k}` : k] = v;
        nul ||= v.includes('\u0000');
      }
      // The store refuses NUL in label values (PostgreSQL text cannot hold it).
      if (nul) continue;
      Object.assign(labels, this.baseLabels);
      const key = seriesKey(s.name, labels);
      if (!(key in values)) n++;
      if (n > maxSeries) throw new Error(`more than ${maxSeries} series`);
      values[key] = s.value;
    }
    return values;
  }
}
