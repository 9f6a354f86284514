/** A service's current figures (health, uptime, CPU, memory), on its overview card and its page alike. */
import type { ReactNode } from 'react';
import { duration, megabytes, percent } from '../format';
import { Badge } from './badges';

export interface Figures {
  status: string;
  health: string;
  health_message: string | null;
  started_at: string | null;
  cpu_percent: number | null;
  memory_mb: number | null;
}

/** The figures as a definition list; `children` adds more entries after them. */
export function ServiceFigures({ s, now, children }: { s: Figures; now: number; children?: ReactNode }) {
  const up = s.status === 'running' && s.started_at ? (now - Date.parse(s.started_at)) / 1000 : null;
  return (
    <dl className="stats">
      <div>
        <dt>Health</dt>
        <dd title={s.health_message ?? ''}>
          <Badge value={s.health} />
        </dd>
      </div>
      <div>
        <dt>Uptime</dt>
        <dd>{up === null ? '–' : duration(up)}</dd>
      </div>
      <div>
        <dt>CPU</dt>
        <dd>{percent(s.cpu_percent)}</dd>
      </div>
      <div>
        <dt>Memory</dt>
        <dd>{megabytes(s.memory_mb)}</dd>
      </div>
      {children}
    </dl>
  );
}
