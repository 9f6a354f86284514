/**
 * A private copy of the build for the run. Other people rebuild dist/ in this checkout while a
 * run takes its 15 minutes; a hub started from a half-written dist/ fails to load (seen:
 * "does not provide an export named …"), and hubs started from two builds measure two codes.
 * So the run copies dist/ (with schema/ and package.json, which the hub reads, and a link to
 * node_modules) once, checks that a hub starts from the copy, and runs every hub and the
 * floor's store code from it.
 */
import { cpSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { buildStamp, type BuildStamp } from '../lib/build.js';
import { sleep } from '../lib/clock.js';

/** Copies the build of `repo` into `dir` and resolves once `check(dir)` passes on the copy; retries a copy taken mid-rebuild. */
export async function snapshotBuild(repo: string, dir: string, check: (app: string) => Promise<void>, log: (m: string) => void): Promise<BuildStamp> {
  for (let attempt = 1; ; attempt++) {
    const before = buildStamp(repo);
    if (before.distModified === null) throw new Error(`${join(repo, 'dist')} not found: run npm run build first`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    cpSync(join(repo, 'dist'), join(dir, 'dist'), { recursive: true });
    cpSync(join(repo, 'schema'), join(dir, 'schema'), { recursive: true });
    cpSync(join(repo, 'package.json'), join(dir, 'package.json'));
    symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const after = buildStamp(repo);
    let problem = before.distModified !== after.distModified ? 'dist/ changed while it was copied' : undefined;
    if (!problem) {
      try {
        await check(dir);
        return after;
      } catch (err) {
        problem = (err as Error).message.split('\n').slice(0, 8).join('\n');
      }
    }
    if (attempt >= 5) throw new Error(`no usable copy of the build after ${attempt} tries: ${problem}`);
    log(`copy of the build unusable (${problem}); copying again in 10 s`);
    await sleep(10_000);
  }
}
