/** Reading a service's captured stdout back from Wheelhouse's log store, through its HTTP API. */
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { CapturedOutput } from './types.js';

/** The service's output in the log store: counted with /api/logs/counts, read back with /api/logs/export. */
export function storeOutput(url: string, token: () => string, service: string): CapturedOutput {
  const q = `service=${encodeURIComponent(service)}`;
  const get = async (path: string): Promise<Response> => {
    const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token()}` } });
    if (!res.ok || !res.body) throw new Error(`GET ${path}: HTTP ${res.status} ${await res.text()}`);
    return res;
  };
  return {
    where: `${url}/api/logs/export?${q}`,
    unit: 'lines',
    // Entries in the last hour ({DEBUG, INFO, …, total}); counts are committed with the entries themselves.
    stored: async () => {
      const body = (await (await get(`/api/logs/counts?window=1h&${q}`)).json()) as { services: Record<string, Record<string, number>> };
      return body.services[service]?.total ?? 0;
    },
    // JSON is the export's default format; not naming it keeps this working with builds whose
    // route rejected the format parameter (400 "unknown property format", seen in commit ecd00ed).
    lines: () => exportedStdout(get(`/api/logs/export?${q}`)),
  };
}

/** The JSON export streams one entry per line inside `[` … `]`: parse it line by line, not as one 200 MB document. */
async function* exportedStdout(response: Promise<Response>): AsyncGenerator<string> {
  const res = await response;
  const input = Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>);
  for await (const raw of createInterface({ input, crlfDelay: Infinity })) {
    // The separating comma leads or trails the entry, depending on the build.
    const line = raw.replace(/^,/, '').replace(/,$/, '');
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line) as { message: string; source: string };
    if (entry.source === 'stdout') yield entry.message;
  }
}
