/** Which build of the code under test ran: the git commit and the newest file in dist/. */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** A build's identity: when its output last changed and the commit it came from. */
export interface BuildStamp {
  commit: string | null;
  /** Uncommitted changes under src/ went into the build too. */
  dirty: boolean;
  /** Newest modification time in dist/, ISO; null when there is no dist/. */
  distModified: string | null;
}

/** Stamps the build in `repo` now; compare two stamps to see whether it was rebuilt in between. */
export function buildStamp(repo: string): BuildStamp {
  const git = (...args: string[]): string | null => {
    try {
      return execFileSync('git', args, { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return null; // not a git checkout
    }
  };
  const newest = newestMtime(join(repo, 'dist'));
  return {
    commit: git('rev-parse', '--short', 'HEAD'),
    dirty: (git('status', '--porcelain', '--', 'src') ?? '') !== '',
    distModified: newest === null ? null : new Date(newest).toISOString(),
  };
}

function newestMtime(dir: string): number | null {
  let newest: number | null = null;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return null;
  }
  for (const name of entries) {
    const path = join(dir, name);
    let st;
    try {
      st = statSync(path);
    } catch {
      continue; // removed while we looked (a rebuild in progress)
    }
    const t = st.isDirectory() ? newestMtime(path) : st.mtimeMs;
    if (t !== null && (newest === null || t > newest)) newest = t;
  }
  return newest;
}

/**
 * The `wheelhouse` command of the build in `root`: the bundled dist/bin/wheelhouse.js, or
 * dist/cli/main.js for builds from before the bundle (to measure an older build side by side).
 */
export function commandOf(root: string): string {
  const bundled = join(root, 'dist', 'bin', 'wheelhouse.js');
  return existsSync(bundled) ? bundled : join(root, 'dist', 'cli', 'main.js');
}
