/**
 * Ordered start and stop of the hub's components: started one after another, stopped in
 * reverse; if one fails to start, those already started are stopped again.
 */

/** A part of the hub with a start and a stop. */
export interface Component {
  readonly name: string;
  start(): Promise<void>;
  /** Must not throw for a component whose start failed or never ran. */
  stop(): Promise<void>;
}

/** Runs components in order. */
export class Lifecycle {
  private readonly started: Component[] = [];

  constructor(
    private readonly components: Component[],
    private readonly onStopError: (component: string, err: unknown) => void,
  ) {}

  /** Starts every component in order; on failure stops the started ones and rethrows. */
  async start(): Promise<void> {
    for (const c of this.components) {
      try {
        await c.start();
      } catch (err) {
        await this.stop();
        throw err;
      }
      this.started.push(c);
    }
  }

  /** Stops started components in reverse order, continuing past failures. */
  async stop(): Promise<void> {
    while (this.started.length > 0) {
      const c = this.started.pop()!;
      try {
        await c.stop();
      } catch (err) {
        this.onStopError(c.name, err);
      }
    }
  }
}
