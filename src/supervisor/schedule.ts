/** Scheduled restarts (restart.schedule, PM2's cron_restart): croner runs the cron expression. */
import type { Cron } from 'croner';

/** Calls `fire` on every tick of `pattern` (local time) until stopped. */
export class RestartSchedule {
  private job: Cron | undefined;
  private stopped = false;

  constructor(pattern: string, fire: () => void) {
    // Loaded with the first scheduled service (the config check has loaded it already).
    void import('croner').then(({ Cron }) => {
      if (!this.stopped) this.job = new Cron(pattern, { protect: true }, fire);
    });
  }

  stop(): void {
    this.stopped = true;
    this.job?.stop();
  }
}
