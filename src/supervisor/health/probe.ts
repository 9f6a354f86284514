/** The health-probe plugin interface: one kind per file, registered in ./index.ts. */

/** Outcome of one probe. */
export interface ProbeResult {
  ok: boolean;
  message: string;
  latencyMs: number;
}

/**
 * A configured probe. `check` must settle within the timeout it was built with (it aborts
 * its own work) and never rejects: failures are results with ok false.
 */
export interface Probe {
  check(): Promise<ProbeResult>;
}

/** Runs `work` and turns a thrown error into a failed result, timing it either way. */
export async function timed(work: () => Promise<{ ok: boolean; message: string }>): Promise<ProbeResult> {
  const start = performance.now();
  try {
    const r = await work();
    return { ...r, latencyMs: Math.round(performance.now() - start) };
  } catch (err) {
    return { ok: false, message: errorText(err), latencyMs: Math.round(performance.now() - start) };
  }
}

function errorText(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'timed out';
  if (e.cause?.code) return e.cause.code === 'ECONNREFUSED' ? 'connection refused' : e.cause.code;
  return e.message ?? String(err);
}
