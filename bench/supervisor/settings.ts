/** The benchmark's knobs, in one place so the report and the JSON can show them. */
export const settings = {
  /** Web services each manager runs. */
  services: 10,
  coldTries: 3,
  warmTries: 3,
  /** kill -9 tries per manager, rotating through the services. */
  crashTries: 20,
  /** A service is killed only after it has been up this long (so every manager treats it as stable). */
  upBeforeKillMs: 3000,
  /** Idle time after the cold start before sampling the manager's memory. */
  idleMs: 5000,
  memorySamples: 5,
  captureLines: 1_000_000,
  crashLoopWindowMs: 20_000,
  /** Longest wait for any single expected event before the measurement is declared failed. */
  timeoutMs: 30_000,
} as const;
