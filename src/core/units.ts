/** Parsing and printing of the duration and size units used in config and CLI flags. */

const durationUnits: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const sizeUnits: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };

/** "250ms" | "10s" | "5m" | "1h" | "1d" | milliseconds → milliseconds; undefined for anything else. */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(value.trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * durationUnits[m[2]!]!);
}

/** "512KB" | "10MB" | "1GB" | bytes → bytes; undefined for anything else. */
export function parseSize(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const m = /^(\d+(?:\.\d+)?)(B|KB|MB|GB)$/.exec(value.trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * sizeUnits[m[2]!]!);
}

/** Seconds → "2h 30m", "5m 3s", "42s": the uptime format of the status views. */
export function formatUptime(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${sec}s`;
  return `${sec}s`;
}
