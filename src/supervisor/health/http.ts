/** HTTP probe: a 2xx answer, and when the body is JSON with a `status` field, a healthy one. */
import { timed, type Probe } from './probe.js';

const healthyWords = new Set(['healthy', 'ok', 'up', 'pass', 'passing', 'green']);
const maxBody = 64 * 1024;

/** Builds an HTTP probe of `url`. */
export function httpProbe(url: string, timeoutMs: number): Probe {
  return {
    check: () =>
      timed(async () => {
        const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { 'user-agent': 'wheelhouse-health/1' } });
        const text = (await res.text()).slice(0, maxBody);
        if (res.status < 200 || res.status > 299) return { ok: false, message: `HTTP ${res.status}${statusSuffix(text)}` };
        const status = jsonStatus(res.headers.get('content-type'), text);
        if (status === undefined) return { ok: true, message: `HTTP ${res.status}` };
        const ok = healthyWords.has(status.toLowerCase());
        return { ok, message: `HTTP ${res.status}, status "${status}"` };
      }),
  };
}

function jsonStatus(contentType: string | null, text: string): string | undefined {
  if (!contentType?.includes('json')) return undefined;
  try {
    const body = JSON.parse(text) as { status?: unknown };
    return typeof body?.status === 'string' ? body.status : undefined;
  } catch {
    return undefined;
  }
}

function statusSuffix(text: string): string {
  const status = jsonStatus('json', text);
  return status ? `, status "${status}"` : '';
}
