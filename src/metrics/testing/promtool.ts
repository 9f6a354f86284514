/** Test helper: `promtool check metrics` on an exposition, when WHEELHOUSE_TEST_PROMTOOL names the binary. Not part of the build. */
import { spawnSync } from 'node:child_process';
import { expect } from 'vitest';

/** Checks `text` with promtool (no output and exit 0 means valid, lint included); prints "skipped: …" without it. */
export function promtoolCheck(text: string): void {
  const promtool = process.env.WHEELHOUSE_TEST_PROMTOOL;
  if (!promtool) {
    console.log('skipped: promtool check metrics (WHEELHOUSE_TEST_PROMTOOL is not set)');
    return;
  }
  const r = spawnSync(promtool === '1' ? '/usr/bin/promtool' : promtool, ['check', 'metrics'], { input: text, encoding: 'utf8' });
  expect(r.error).toBeUndefined();
  expect({ status: r.status, out: `${r.stdout}${r.stderr}` }).toEqual({ status: 0, out: '' });
}
