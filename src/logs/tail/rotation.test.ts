import { closeSync, copyFileSync, openSync, renameSync, statSync, truncateSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
  return waitFor(`${n} entries of ${service}`, async () => {
    const m = await h.messages(service);
    if (m.length > n) throw new Error(`got ${m.length} entries, more than ${n}: ${m.slice(-5).join(' | ')}`);
    return m.length === n ? m : undefined;
  });
}

/** The messages that start with `prefix`, in stored order. */
const withPrefix = (messages: string[], prefix: string) => messages.filter((m) => m.startsWith(`${prefix} `));

describe('file rotation', () => {
  it.each([
    { name: 'renamed out of the glob', glob: '*.log' },
    { name: 'renamed to a name the glob still matches', glob: 'app.log*' },
  ])('rotation by rename while writing ($name): every line exactly once, in order per file', async ({ glob }) => {
    const file = join(h.dir, 'app.log');
    await h.tailer([serviceWithLogs('api', [join(h.dir, glob)])]);
    let fd = openSync(file, 'a');
    for (let i = 0; i < 300; i++) {
      writeSync(fd, `old ${i}\n`);
      if (i % 20 === 0) await sleep(10);
      if (i === 200) renameSync(file, `${file}.1`); // the writer has not noticed yet: it goes on with the old file
    }
    closeSync(fd);
    fd = openSync(file, 'a');
    for (let i = 0; i < 200; i++) {
      writeSync(fd, `new ${i}\n`);
      if (i % 20 === 0) await sleep(10);
    }
    closeSync(fd);
    const got = await expectCount('api', 500);
    expect(withPrefix(got, 'old')).toEqual(numbered('old', 0, 300));
    expect(withPrefix(got, 'new')).toEqual(numbered('new', 0, 200));
    // Rotated again later, with the old file still quiet: nothing is read twice.
    renameSync(file, `${file}.2`);
    writeFileSync(file, 'newest\n');
    await expectCount('api', 501);
    await sleep(1000); // past the rotate wait: the detached files are closed, nothing more arrives
    expect(await h.messages('api')).toHaveLength(501);
  });

  it('a rotated file is read to its end even after its tailer restarts', async () => {
    const file = join(h.dir, 'app.log');
    const svc = serviceWithLogs('api', [join(h.dir, 'app.log*')]);
    writeFileSync(file, lines(numbered('a', 0, 50)));
    const t1 = await h.tailer([svc]);
    await expectCount('api', 50);
    await t1.stop();
    // While no tailer runs: more lines, then rotation. The renamed file is still matched, and its position is known by inode.
    const fd = openSync(file, 'a');
    writeSync(fd, lines(numbered('a', 50, 80)));
    closeSync(fd);
    renameSync(file, `${file}.1`);
    writeFileSync(file, lines(numbered('b', 0, 10)));
    await h.tailer([svc]);
    const got = await expectCount('api', 90);
    expect(withPrefix(got, 'a')).toEqual(numbered('a', 0, 80));
    expect(withPrefix(got, 'b')).toEqual(numbered('b', 0, 10));
  });

  it('copy-truncate: a file that shrank, or was rewritten past the old position, is read again from the start', async () => {
    const file = join(h.dir, 'app.log');
    writeFileSync(file, lines(numbered('before', 0, 50)));
    await h.tailer([serviceWithLogs('api', [join(h.dir, '*.log')])]);
    await expectCount('api', 50);
    const ino = statSync(file).ino;

    // Shorter than the position when next looked at.
    copyFileSync(file, `${file}.1`);
    truncateSync(file, 0);
    writeFileSync(file, lines(numbered('after', 0, 5)), { flag: 'a' });
    expect(statSync(file).ino).toBe(ino);
    let got = await expectCount('api', 55);
    expect(withPrefix(got, 'after')).toEqual(numbered('after', 0, 5));

    // Truncated and rewritten past the position before the tailer looks (synchronously, in one turn).
    truncateSync(file, 0);
    writeFileSync(file, lines(numbered('again', 0, 100)), { flag: 'a' });
    got = await expectCount('api', 155);
    expect(withPrefix(got, 'again')).toEqual(numbered('again', 0, 100));
    expect(withPrefix(got, 'before')).toEqual(numbered('before', 0, 50));
  });

  it('a deleted file is read to its end, and a new file at its path from its start', async () => {
    const file = join(h.dir, 'app.log');
    await h.tailer([serviceWithLogs('api', [file])]);
    const fd = openSync(file, 'a');
    writeSync(fd, lines(numbered('one', 0, 10)));
    await expectCount('api', 10);
    unlinkSync(file);
    writeSync(fd, lines(numbered('one', 10, 20))); // still written after the unlink
    closeSync(fd);
    await expectCount('api', 20);
    await sleep(800); // past the rotate wait: the deleted file is closed
    writeFileSync(file, lines(numbered('two', 0, 10)));
    const got = await expectCount('api', 30);
    expect(withPrefix(got, 'one')).toEqual(numbered('one', 0, 20));
    expect(withPrefix(got, 'two')).toEqual(numbered('two', 0, 10));
  });
});
