/** Cron expressions in the configuration (restart.schedule), checked with croner, which also runs them. */
import { Cron } from 'croner';

/** Why `pattern` is not a cron expression croner accepts, or null when it is. */
export function cronProblem(pattern: string): string | null {
  try {
    new Cron(pattern, { paused: true }).stop();
    return null;
  } catch (err) {
    return (err as Error).message.replace(/^CronPattern: /, '');
  }
}
