// Ingest under faults: a hub killed with SIGKILL mid-ingest keeps every entry it
// acknowledged; a full write queue answers 429 instead of growing.
import { afterEach, describe, expect, it } from 'vitest';
import { killQuietly, tempDir, writeConfig } from '../src/testing/helpers.js';
import { startHubProcess, type HubProcess } from '../src/testing/hub-process.js';
import { startTestHub } from '../src/testing/hub-inprocess.js';

const hubs: HubProcess[] = [];
afterEach(async () => {
  for (const h of hubs.splice(0)) {
    killQuietly(h.pid, 'SIGTERM');
    await h.exited;
  }
});

const batchSize = 200;
const batch = (b: number) => JSON.stringify(Array.from({ length: batchSize }, (_, i) => ({ service_name: 'dur', level: 'INFO', message: `entry ${b}-${i}`, context: { b, i } })));

async function storedMessages(hub: HubProcess): Promise<Set<string>> {
  const res = await fetch(`${hub.url}/api/logs/export?service=dur`, { headers: { authorization: `Bearer ${hub.token()}` } });
  return new Set(((await res.json()) as { message: string }[]).map((e) => e.message));
}

describe('ingest durability', () => {
  it('loses no acknowledged entry when the hub is killed with SIGKILL mid-ingest', async () => {
    const file = writeConfig(tempDir(), {});
    const dataDir = tempDir('wh-dur-');
    const hub = await startHubProcess(file, dataDir);
    const token = hub.token();
    const acked: number[] = [];
    let next = 0;
    let dead = false;
    const sender = async (): Promise<void> => {
      while (!dead) {
        const b = next++;
        try {
          const res = await fetch(`${hub.url}/api/logs/ingest`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: batch(b) });
          if (res.status === 200 && ((await res.json()) as { ingested: number }).ingested === batchSize) acked.push(b);
        } catch {
          return; // the hub is gone
        }
      }
    };
    const senders = Array.from({ length: 4 }, () => sender());
    while (acked.length < 40) await new Promise((r) => setTimeout(r, 5));
    process.kill(hub.pid, 'SIGKILL');
    dead = true;
    await Promise.all(senders);
    await hub.exited;
    expect(acked.length).toBeGreaterThanOrEqual(40);

    const again = await startHubProcess(file, dataDir);
    hubs.push(again);
    const stored = await storedMessages(again);
    const missing: string[] = [];
    for (const b of acked) for (let i = 0; i < batchSize; i++) if (!stored.has(`entry ${b}-${i}`)) missing.push(`entry ${b}-${i}`);
    expect(missing).toEqual([]);
    // Nothing half-written either: every stored batch is whole.
    const perBatch = new Map<string, number>();
    for (const m of stored) perBatch.set(m.split(' ')[1]!.split('-')[0]!, (perBatch.get(m.split(' ')[1]!.split('-')[0]!) ?? 0) + 1);
    expect([...perBatch.values()].every((n) => n === batchSize)).toBe(true);
  });

  it('answers 429 with Retry-After when the write queue is full, and stores every acknowledged entry', async () => {
    // A tiny queue: concurrent batches cannot all wait for the same commit.
    const q = await startTestHub({}, {}, { logs: { max_queue: 300 } });
    try {
      let refused = 0;
      let ackedEntries = 0;
      let retryAfter: string | null = null;
      for (let round = 0; round < 20 && refused === 0; round++) {
        const results = await Promise.all(
          Array.from({ length: 12 }, (_, k) =>
            q.fetch('/api/logs/ingest', { method: 'POST', headers: { authorization: `Bearer ${q.token}`, 'content-type': 'application/json' }, body: batch(round * 100 + k) }),
          ),
        );
        for (const res of results) {
          if (res.status === 429) {
            refused++;
            retryAfter = res.headers.get('retry-after');
            expect(((await res.json()) as { error: { code: string } }).error.code).toBe('logs/queue_full');
          } else {
            expect(res.status).toBe(200);
            ackedEntries += ((await res.json()) as { ingested: number }).ingested;
          }
        }
      }
      expect(refused).toBeGreaterThan(0);
      expect(retryAfter).toBe('1');
      const counted = (await (await q.fetch('/api/logs?service=dur&limit=1', { headers: { authorization: `Bearer ${q.token}` } })).json()) as { total: number };
      expect(counted.total).toBe(Math.min(ackedEntries, 10_000));
    } finally {
      await q.close();
    }
  });
});
