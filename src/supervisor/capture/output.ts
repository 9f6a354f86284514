/**
 * One service's captured output: its stdout and stderr spools, each tailed into the sink
 * from the offset stored with the lines before it.
 */
import type { Logger } from 'pino';
import { SpoolTailer, type OutputSink, type OutputStream } from './spool.js';

/** The spool files of one service under the data directory. */
export interface SpoolPaths {
  spoolOut: string;
  spoolErr: string;
}

const streams = ['stdout', 'stderr'] as const;

/** A service's two spools, followed while the unit holds the service. */
export class ServiceOutput {
  private tailers: Record<OutputStream, SpoolTailer> | undefined;

  constructor(
    private readonly service: string,
    private readonly paths: SpoolPaths,
    private readonly sink: OutputSink,
    private readonly logger: Logger,
    /** The running process's pid (null when none): lines are stored under it unless their writer is known to have exited. */
    private readonly currentPid: () => number | null,
  ) {}

  /** Starts following both spools from where the stored lines end. */
  async follow(): Promise<void> {
    this.tailers = { stdout: await this.tailer('stdout'), stderr: await this.tailer('stderr') };
    this.tailers.stdout.start();
    this.tailers.stderr.start();
  }

  /** Everything in the spools now was written by `pid`, which has exited. */
  writerExited(pid: number): void {
    this.tailers?.stdout.writerExited(pid);
    this.tailers?.stderr.writerExited(pid);
  }

  /** Hands on all captured output; with `final` (the process is gone) empties the spools once stored. */
  async drain(final: boolean): Promise<void> {
    if (!this.tailers) return;
    for (const stream of streams) {
      try {
        await this.tailers[stream].drain(final);
        if (final && this.currentPid() === null && (await this.tailers[stream].truncateIfConsumed())) await this.sink.truncated(this.service, stream);
      } catch (err) {
        this.logger.warn({ service: this.service, stream, err }, 'could not drain service output');
      }
    }
  }

  /** Stops following; call `drain` first to hand on what is left. */
  async stop(): Promise<void> {
    await this.tailers?.stdout.stop();
    await this.tailers?.stderr.stop();
  }

  private async tailer(stream: OutputStream): Promise<SpoolTailer> {
    const { sink, service } = this;
    const offset = await sink.resumeOffset(service, stream);
    return new SpoolTailer(
      stream === 'stdout' ? this.paths.spoolOut : this.paths.spoolErr,
      offset,
      (data, end, flush, writer) => sink.lines({ service, stream, pid: writer ?? this.currentPid() }, data, end, flush),
      () => sink.reset(service, stream),
    );
  }
}
