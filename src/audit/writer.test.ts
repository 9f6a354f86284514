import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '../store/index.js';
import { AuditWriter } from './writer.js';

const rec = (target: string): AuditRecord => ({ at: '2026-01-01T00:00:00.000Z', actor: 'a', action: 'x.create', target, result: 'ok', status: 200, address: null, details: null });

function logSink() {
  const lines: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
  return {
    lines,
    warn: (obj: object, msg: string) => lines.push({ level: 'warn', obj: obj as Record<string, unknown>, msg }),
    error: (obj: object, msg: string) => lines.push({ level: 'error', obj: obj as Record<string, unknown>, msg }),
  };
}

describe('audit writer', () => {
  it('returns at once and appends in order after the current turn', async () => {
    const written: string[] = [];
    const w = new AuditWriter({ append: async (r) => (written.push(r.target!), written.length) }, logSink());
    for (const t of ['a', 'b', 'c']) w.push(rec(t));
    expect(written).toEqual([]);
    await w.drain();
    expect(written).toEqual(['a', 'b', 'c']);
    w.push(rec('d'));
    await w.drain();
    expect(written).toEqual(['a', 'b', 'c', 'd']);
  });

  it('logs a store error with the record instead of throwing, and goes on', async () => {
    const written: string[] = [];
    const log = logSink();
    let now = 0;
    const w = new AuditWriter(
      { append: async (r) => { if (r.target !== 'ok') throw new Error('disk full'); written.push(r.target); return 1; } },
      log,
      { now: () => now },
    );
    w.push(rec('bad1'));
    w.push(rec('bad2'));
    w.push(rec('ok'));
    await w.drain();
    expect(written).toEqual(['ok']);
    expect(log.lines.map((l) => (l.obj.record as AuditRecord).target)).toEqual(['bad1', 'bad2']);
    // The error itself at most every 10 s; the record always.
    expect(log.lines.map((l) => 'err' in l.obj)).toEqual([true, false]);
    now = 20_000;
    w.push(rec('bad3'));
    await w.drain();
    expect('err' in log.lines[2]!.obj).toBe(true);
  });

  it('drops past its bound and then records how many it dropped', async () => {
    const written: AuditRecord[] = [];
    const log = logSink();
    const w = new AuditWriter({ append: async (r) => (written.push(r), written.length) }, log, { maxPending: 2 });
    for (const t of ['a', 'b', 'c', 'd']) w.push(rec(t));
    await w.drain();
    expect(written.map((r) => r.target ?? r.action)).toEqual(['a', 'b', 'audit.dropped']);
    expect(written[2]).toMatchObject({ actor: 'wheelhouse', result: 'failed', details: { count: 2 } });
    expect(log.lines.filter((l) => l.level === 'warn').length).toBe(1);
  });
});
