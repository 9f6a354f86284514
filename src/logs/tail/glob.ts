/**
 * Expands a service's log file patterns to the regular files they match right now, each
 * identified by device and inode (a path can change hands; an inode is one file). Each
 * pattern is globbed from the directory before its first wildcard, so only that directory
 * is crawled; a pattern without wildcards is a path and is just looked at.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';

// tinyglobby is loaded by the first service that has log file patterns, not at every hub's start.
let globber: Promise<typeof import('tinyglobby')> | undefined;

/** One matched regular file. */
export interface FileMatch {
  path: string;
  dev: string;
  ino: string;
}

/** Something wrong with a pattern or a match, to be warned about once (by `key`). */
export interface GlobProblem {
  key: string;
  message: string;
  fields: Record<string, unknown>;
}

/** What the patterns match. */
export interface Expansion {
  /** Distinct files (by device and inode), in pattern order. */
  matches: FileMatch[];
  problems: GlobProblem[];
  /** False when a pattern could not be expanded at all (its files may still be there). */
  complete: boolean;
}

/** Expands absolute glob patterns; never throws. */
export async function expandPatterns(patterns: readonly string[]): Promise<Expansion> {
  const matches = new Map<string, FileMatch>();
  const problems: GlobProblem[] = [];
  let complete = true;
  if (patterns.length === 0) return { matches: [], problems, complete };
  const { glob, isDynamicPattern } = await (globber ??= import('tinyglobby'));
  for (const pattern of patterns) {
    const { base, rest } = splitPattern(pattern, isDynamicPattern);
    let paths: string[];
    try {
      paths = rest === undefined ? [pattern] : await glob(rest, { cwd: base, absolute: true, onlyFiles: false, expandDirectories: false, followSymbolicLinks: true });
    } catch (err) {
      complete = false;
      problems.push({ key: `glob:${pattern}`, message: 'cannot expand log file pattern', fields: { pattern, err } });
      continue;
    }
    // `dir/**` matches directories on purpose; any other pattern matching one is a mistake worth telling.
    const wantsDirs = /(?:^|\/)\*\*$/.test(pattern);
    for (const listed of paths) {
      const path = listed.length > 1 && listed.endsWith('/') ? listed.slice(0, -1) : listed;
      let st;
      try {
        st = await stat(path, { bigint: true });
      } catch (err) {
        const code = errorCode(err);
        // Not there yet, or gone since the listing: nothing to read, nothing wrong.
        if (code === 'ENOENT' || code === 'ENOTDIR') continue;
        problems.push({ key: `stat:${path}:${code}`, message: 'cannot read log file; skipped', fields: { path, pattern, err } });
        continue;
      }
      if (st.isDirectory()) {
        if (!wantsDirs) problems.push({ key: `dir:${path}`, message: 'log file pattern matches a directory; skipped', fields: { path, pattern } });
        continue;
      }
      if (!st.isFile()) {
        problems.push({ key: `special:${path}`, message: 'log file pattern matches something that is not a regular file (a pipe, socket or device); skipped', fields: { path, pattern } });
        continue;
      }
      const id = `${st.dev}:${st.ino}`;
      if (!matches.has(id)) matches.set(id, { path, dev: String(st.dev), ino: String(st.ino) });
    }
    // The glob library skips directories it cannot read without a word: say so.
    if (rest !== undefined && paths.length === 0) {
      try {
        await access(base, constants.R_OK | constants.X_OK);
      } catch (err) {
        const code = errorCode(err);
        if (code !== 'ENOENT') problems.push({ key: `dir-access:${base}:${code}`, message: 'cannot list the directory of a log file pattern', fields: { path: base, pattern, err } });
      }
    }
  }
  return { matches: [...matches.values()], problems, complete };
}

/**
 * Splits a pattern into the directory before its first wildcard and the rest (undefined for a
 * plain path); `isDynamic` is the glob library's test for a wildcard segment.
 */
export function splitPattern(pattern: string, isDynamic: (segment: string) => boolean): { base: string; rest: string | undefined } {
  const parts = pattern.split('/');
  const i = parts.findIndex((p) => isDynamic(p));
  if (i < 0) return { base: pattern, rest: undefined };
  return { base: parts.slice(0, i).join('/') || '/', rest: parts.slice(i).join('/') };
}

/** The errno code of a filesystem error ('EACCES', …), or 'unknown'. */
export function errorCode(err: unknown): string {
  return (err as NodeJS.ErrnoException | undefined)?.code ?? 'unknown';
}
