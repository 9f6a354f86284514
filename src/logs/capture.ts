/**
 * The OutputSink of supervised services: spool lines become log entries (source stdout or
 * stderr), committed together with the spool offset to resume from, so a hub killed at any
 * moment neither loses nor repeats a line.
 */
import type { LogRepo } from '../store/index.js';
import type { OutputSink, OutputStream } from '../supervisor/index.js';
import { LineParser } from './lines.js';
import type { LogWriter } from './writer.js';

/** Captures supervised services' output into the log store. */
export class ServiceOutputCapture implements OutputSink {
  private readonly parsers = new Map<string, LineParser>();

  constructor(
    private readonly repo: LogRepo,
    private readonly writer: LogWriter,
    private readonly opts: { hostname: string; maxMessageBytes: number },
  ) {}

  async resumeOffset(service: string, stream: OutputStream): Promise<number> {
    return Number((await this.repo.cursor(cursorKey(service, stream))) ?? 0);
  }

  async lines(target: { service: string; stream: OutputStream; pid: number | null }, data: Buffer, end: number, flush: boolean): Promise<number> {
    const parser = this.parser(target.service, target.stream, target.pid);
    const text = data.toString('utf8');
    const lines = text.length === 0 ? [] : text.split('\n');
    // The text ends with a newline, so the last split element is empty.
    if (lines.length > 0) lines.pop();
    const entries = parser.push(lines, Date.now(), flush, lineStarts(data, end - data.length));
    // An entry held open for continuation lines is not stored yet: resume from where it began.
    const safe = parser.heldFrom ?? end;
    await this.writer.write(entries, [{ key: cursorKey(target.service, target.stream), value: String(safe) }]);
    return safe;
  }

  reset(service: string, stream: OutputStream): void {
    this.parsers.get(`${service}\u0000${stream}`)?.reset();
  }

  async truncated(service: string, stream: OutputStream): Promise<void> {
    this.reset(service, stream);
    await this.writer.write([], [{ key: cursorKey(service, stream), value: '0' }]);
  }

  async recent(service: string, stream: OutputStream, sinceMs: number, maxBytes: number): Promise<string> {
    const rows = await this.repo.query({ service, since: sinceMs - 1000 }, 50, 0);
    const text = rows
      .filter((r) => r.source === stream)
      .reverse()
      .map((r) => r.message)
      .join('\n');
    return text.slice(-maxBytes);
  }

  private parser(service: string, stream: OutputStream, pid: number | null): LineParser {
    const key = `${service}\u0000${stream}`;
    let p = this.parsers.get(key);
    if (!p) {
      p = new LineParser({ service, source: stream, hostname: this.opts.hostname, processId: pid, maxMessageBytes: this.opts.maxMessageBytes });
      this.parsers.set(key, p);
    }
    p.setProcessId(pid);
    return p;
  }
}

function cursorKey(service: string, stream: OutputStream): string {
  return `spool:${service}:${stream}`;
}

/** Absolute byte offset where each line of `data` begins. Newline is one byte in UTF-8, so these line up with text.split('\n'). */
function lineStarts(data: Buffer, base: number): number[] {
  const starts: number[] = [];
  let pos = 0;
  while (pos < data.length) {
    starts.push(base + pos);
    const nl = data.indexOf(10, pos);
    if (nl < 0) break;
    pos = nl + 1;
  }
  return starts;
}
