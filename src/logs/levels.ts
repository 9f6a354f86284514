/** Log levels: the five of seed 000, their codes in the store, and the names others use for them. */

/** The level names, lowest first. */
export const levelNames = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'] as const;
/** A level name. */
export type LevelName = (typeof levelNames)[number];

/** Stored code of each level (1 = DEBUG … 5 = CRITICAL); order matters for "at least" filters. */
export const levelCode: Record<LevelName, number> = { DEBUG: 1, INFO: 2, WARNING: 3, ERROR: 4, CRITICAL: 5 };

const aliases: Record<string, LevelName> = {
  trace: 'DEBUG', debug: 'DEBUG', dbg: 'DEBUG',
  info: 'INFO', information: 'INFO', notice: 'INFO', log: 'INFO',
  warn: 'WARNING', warning: 'WARNING',
  error: 'ERROR', err: 'ERROR',
  critical: 'CRITICAL', crit: 'CRITICAL', fatal: 'CRITICAL', alert: 'CRITICAL', emerg: 'CRITICAL', emergency: 'CRITICAL', panic: 'CRITICAL',
};

/** The level a name stands for (case-insensitive, common aliases); undefined when unknown. */
export function parseLevel(name: string): LevelName | undefined {
  return aliases[name.toLowerCase()];
}

/** pino's numeric levels (10 trace … 60 fatal) mapped to ours. */
export function levelFromPino(n: number): LevelName {
  if (n >= 60) return 'CRITICAL';
  if (n >= 50) return 'ERROR';
  if (n >= 40) return 'WARNING';
  if (n >= 30) return 'INFO';
  return 'DEBUG';
}

/** OpenTelemetry severity numbers (1–24) mapped to ours. */
export function levelFromSeverity(n: number): LevelName {
  if (n >= 21) return 'CRITICAL';
  if (n >= 17) return 'ERROR';
  if (n >= 13) return 'WARNING';
  if (n >= 9) return 'INFO';
  return 'DEBUG';
}

/** The name for a stored code. */
export function levelName(code: number): LevelName {
  return levelNames[Math.min(5, Math.max(1, code)) - 1]!;
}
