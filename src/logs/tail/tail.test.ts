import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, mkdirSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../core/errors.js';
import { waitFor } from '../../testing/helpers.js';
import { openHarness, serviceWithLogs, type TailHarness } from './testing/harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const numbered = (prefix: string, from: number, to: number) => Array.from({ length: to - from }, (_, i) => `${prefix} ${from + i}`);
const lines = (l: string[]) => l.map((s) => `${s}\n`).join('');

let h: TailHarness;
beforeEach(async () => {
  h = await openHarness();
});
afterEach(async () => {
  await h.close();
});

/** Waits until `service` has exactly `n` entries (fails if more arrive), returning their messages. */
async function expectCount(service: string, n: number): Promise<string[]> {
  const got = await waitFor(`${n} entries of ${service}`, async () => {
    const m = await h.messages(service);
    if (m.length > n) throw new Error(`got ${m.length} entries, more than ${n}`);
    return m.length === n ? m : undefined;
  }, 15_000);
  return got;
}

describe('file tailer', () => {
  it('stores JSON and plain lines with the service, level, message and context', async () => {
    const file = join(h.dir, 'app.log');
    const now = Date.now();
    writeFileSync(
      file,
      [
        JSON.stringify({ level: 'error', msg: 'json boom', time: now - 1000, user: 'u1', trace_id: 't-1' }),
        JSON.stringify({ level: 30, msg: 'pino info', time: now, pid: 42, hostname: 'box' }),
        'WARN disk almost full',
        'plain info line',
        '[debug] details',
        '{not json}',
        '',
      ].join('\n'),
    );
    await h.tailer([serviceWithLogs('api', [join(h.dir, '*.log')])]);
    await expectCount('api', 6);
    const e = await h.entries('api');
    expect(e.map((x) => [x.level, x.message])).toEqual([
      ['ERROR', 'json boom'],
      ['INFO', 'pino info'],
      ['WARNING', 'WARN disk almost full'],
      ['INFO', 'plain info line'],
      ['DEBUG', '[debug] details'],
      ['INFO', '{not json}'],
    ]);
    expect(e.every((x) => x.service_name === 'api' && x.source === 'file')).toBe(true);
    expect(e[0]).toMatchObject({ context: { user: 'u1' }, trace_id: 't-1', timestamp: new Date(now - 1000).toISOString(), hostname: 'test-host' });
    expect(e[1]).toMatchObject({ context: null, process_id: 42, hostname: 'box' });
    for (const plain of e.slice(2)) expect(plain).toMatchObject({ context: { file: file }, hostname: 'test-host', process_id: null });
  });

  it('picks up appended lines with the default poll', async () => {
    const file = join(h.dir, 'app.log');
    writeFileSync(file, 'one\n');
    await h.tailer([serviceWithLogs('api', [file])], { pollMs: undefined });
    await expectCount('api', 1);
    appendFileSync(file, 'two\nthree\n');
    expect(await expectCount('api', 3)).toEqual(['one', 'two', 'three']);
  });

  it('keeps a partial line until its newline arrives, across a restart too', async () => {
    const file = join(h.dir, 'app.log');
    writeFileSync(file, '{"msg":"first"}\n{"msg":"sec');
    const t1 = await h.tailer([serviceWithLogs('api', [file])]);
    await expectCount('api', 1);
    await sleep(600); // several polls: the partial line must still wait
    expect(await h.messages('api')).toEqual(['first']);
    await t1.stop();
    appendFileSync(file, 'ond"}\n{"msg":"thi');
    await h.tailer([serviceWithLogs('api', [file])]);
    expect(await expectCount('api', 2)).toEqual(['first', 'second']);
    appendFileSync(file, 'rd"}\n');
    expect(await expectCount('api', 3)).toEqual(['first', 'second', 'third']);
  });

  it('keeps a stack trace as one entry, also across chunk boundaries', async () => {
    const file = join(h.dir, 'app.log');
    const filler = numbered('INFO filler line', 0, 15);
    const trace = ['ERROR request failed: boom', '    at handler (/srv/app.js:10:5)', '    at next (/srv/router.js:3:1)', 'Caused by: Error: socket closed', '    ... 4 more'];
    // The first 400-byte chunk ends inside the trace.
    const traceStart = Buffer.byteLength(lines(filler));
    expect(traceStart).toBeLessThan(400);
    expect(traceStart + Buffer.byteLength(lines(trace))).toBeGreaterThan(400);
    writeFileSync(file, lines([...filler, ...trace, 'INFO after']));
    await h.tailer([serviceWithLogs('api', [file])], { maxMessageBytes: 200, chunkBytes: 400 });
    const got = await expectCount('api', filler.length + 2);
    expect(got.slice(filler.length)).toEqual([trace.join('\n'), 'INFO after']);
  });

  it('restarts neither re-reading nor skipping, while the file is being written', async () => {
    const file = join(h.dir, 'app.log');
    const svc = serviceWithLogs('api', [file]);
    let written = 0;
    const writeSome = (n: number) => {
      appendFileSync(file, lines(numbered('line', written, written + n)));
      written += n;
    };
    writeSome(100);
    const t1 = await h.tailer([svc]);
    let stoppedAt = 0;
    for (let round = 0; round < 3; round++) {
      // Keep writing while a tailer runs, stop it at an arbitrary point, write on, start a new one.
      const writer = setInterval(() => writeSome(7), 5);
      await sleep(150);
      if (round === 0) await t1.stop();
      else await (await h.tailer([svc])).stop();
      stoppedAt = written;
      clearInterval(writer);
      writeSome(13);
    }
    expect(stoppedAt).toBeGreaterThan(100);
    await h.tailer([svc]);
    expect(await expectCount('api', written)).toEqual(numbered('line', 0, written));
  });

  it('picks up a file that appears later', async () => {
    await h.tailer([serviceWithLogs('api', [join(h.dir, 'logs', '*.log')])]);
    await sleep(300);
    mkdirSync(join(h.dir, 'logs'));
    writeFileSync(join(h.dir, 'logs', 'late.log'), 'hello from a new file\n');
    expect(await expectCount('api', 1)).toEqual(['hello from a new file']);
    writeFileSync(join(h.dir, 'logs', 'later.log'), 'and another\n');
    expect(await expectCount('api', 2)).toEqual(['hello from a new file', 'and another']);
  });

  it('tails each service its own files', async () => {
    writeFileSync(join(h.dir, 'a.log'), 'from a\n');
    writeFileSync(join(h.dir, 'b.log'), 'from b\n');
    await h.tailer([serviceWithLogs('svc-a', [join(h.dir, 'a.log')]), serviceWithLogs('svc-b', [join(h.dir, 'b.log')]), serviceWithLogs('none', [])]);
    expect(await expectCount('svc-a', 1)).toEqual(['from a']);
    expect(await expectCount('svc-b', 1)).toEqual(['from b']);
  });

  it('stores lines longer than the message limit in pieces, warning once', async () => {
    const file = join(h.dir, 'app.log');
    const long = 'x'.repeat(999) + 'é'.repeat(700) + 'y'.repeat(500); // 2899 bytes
    writeFileSync(file, lines([long, 'short', long]));
    await h.tailer([serviceWithLogs('api', [file])], { maxMessageBytes: 1000 });
    const got = await expectCount('api', 7);
    expect(got.slice(0, 3).join('')).toBe(long);
    expect(got[3]).toBe('short');
    expect(got.slice(4).join('')).toBe(long);
    expect(got.every((m) => Buffer.byteLength(m) <= 1000)).toBe(true);
    expect(h.warnings.filter((w) => String(w.msg).includes('longer than the message limit'))).toHaveLength(1);
  });

  it('waits and reads again when the write queue is full or the store fails, losing nothing', async () => {
    const file = join(h.dir, 'app.log');
    writeFileSync(file, lines(numbered('line', 0, 500)));
    // The first chunk is stored; the second meets a full queue (twice), then a failing store.
    let calls = 0;
    const logs = {
      cursor: h.logs.cursor,
      write: ((entries, cursors) => {
        calls++;
        if (calls === 2 || calls === 3) throw new AppError('logs/queue_full', 'the log write queue is full');
        if (calls === 4) return Promise.reject(new Error('disk I/O error'));
        return h.logs.write(entries, cursors);
      }) as typeof h.logs.write,
    };
    await h.tailer([serviceWithLogs('api', [file])], { logs, chunkBytes: 1024, maxMessageBytes: 256 });
    expect(await expectCount('api', 500)).toEqual(numbered('line', 0, 500));
    appendFileSync(file, 'more\n');
    await expectCount('api', 501);
    const msgs = h.warnings.map((w) => String(w.msg));
    expect(msgs.filter((m) => m.includes('queue is full'))).toHaveLength(1);
    expect(msgs.filter((m) => m.includes('cannot read or store'))).toHaveLength(1);
  });

  it('opens at most maxOpenFiles files, the rest once others close', async () => {
    for (const n of ['a', 'b', 'c']) writeFileSync(join(h.dir, `${n}.log`), `from ${n}\n`);
    await h.tailer([serviceWithLogs('api', [join(h.dir, '*.log')])], { maxOpenFiles: 2 });
    const first = await expectCount('api', 2);
    await sleep(500);
    expect(await h.messages('api')).toHaveLength(2);
    expect(h.warnings.filter((w) => String(w.msg).includes('more files than can be open'))).toHaveLength(1);
    const done = first[0]!.slice('from '.length);
    unlinkSync(join(h.dir, `${done}.log`));
    expect((await expectCount('api', 3)).sort()).toEqual(['from a', 'from b', 'from c']);
  });

  it('survives directories, pipes, dangling links, unreadable and deleted files', async () => {
    const ok = join(h.dir, 'ok.log');
    writeFileSync(ok, 'ok 0\n');
    mkdirSync(join(h.dir, 'dir.log'));
    execFileSync('mkfifo', [join(h.dir, 'pipe.log')]);
    symlinkSync(join(h.dir, 'nowhere'), join(h.dir, 'dangling.log'));
    const locked = join(h.dir, 'locked.log');
    writeFileSync(locked, 'locked 0\n');
    chmodSync(locked, 0o000);
    const gone = join(h.dir, 'gone.log');
    writeFileSync(gone, 'gone 0\n');
    const isRoot = process.getuid?.() === 0; // root reads a mode-000 file anyway
    await h.tailer([serviceWithLogs('api', [join(h.dir, '*.log'), join(h.dir, 'pipe.log'), join(h.dir, 'missing', 'x.log')])]);
    await waitFor('ok and gone lines', async () => {
      const m = await h.messages('api');
      return m.includes('ok 0') && m.includes('gone 0');
    });
    unlinkSync(gone);
    appendFileSync(ok, 'ok 1\n');
    await waitFor('ok 1', async () => (await h.messages('api')).includes('ok 1'));
    await sleep(1000); // many polls, and the deleted file's rotate wait
    writeFileSync(gone, 'gone again\n');
    appendFileSync(ok, 'ok 2\n');
    const expected = ['ok 0', 'ok 1', 'ok 2', 'gone 0', 'gone again', ...(isRoot ? ['locked 0'] : [])].sort();
    const got = await waitFor('every readable line', async () => {
      const m = (await h.messages('api')).sort();
      return m.length >= expected.length ? m : undefined;
    });
    expect(got).toEqual(expected);
    const msgs = h.warnings.map((w) => `${String(w.msg)} ${String(w.path)}`);
    expect(msgs.filter((m) => m.includes('matches a directory'))).toEqual([`log file pattern matches a directory; skipped ${join(h.dir, 'dir.log')}`]);
    expect(msgs.filter((m) => m.includes('not a regular file'))).toHaveLength(1);
    if (!isRoot) expect(msgs.filter((m) => m.includes('cannot open log file'))).toEqual([`cannot open log file; skipped until it can be ${locked}`]);
  });
});
