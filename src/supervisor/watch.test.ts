// Which paths watch mode leaves out.
import { describe, expect, it } from 'vitest';
import { ignoreRule } from './watch.js';

describe('watch: ignoreRule', () => {
  const spec = { paths: ['/home/u/logs/app', '/home/u/logs/app/../shared'], ignore: ['node_modules', '.git', 'logs', '*.log'], debounceMs: 100 };
  const ignored = ignoreRule({ ...spec, paths: ['/home/u/logs/app', '/home/u/shared'] }, ['/home/u/logs/app/data']);

  it('skips ignored names at any depth below a watched path, and ignored extensions', () => {
    expect(ignored('/home/u/logs/app/node_modules')).toBe(true);
    expect(ignored('/home/u/logs/app/src/node_modules/x/index.js')).toBe(true);
    expect(ignored('/home/u/logs/app/.git/HEAD')).toBe(true);
    expect(ignored('/home/u/logs/app/logs/today.txt')).toBe(true);
    expect(ignored('/home/u/logs/app/server.log')).toBe(true);
    expect(ignored('/home/u/shared/lib/node_modules')).toBe(true);
  });

  it('keeps everything else, even under a directory named like an ignored one above the watched path', () => {
    expect(ignored('/home/u/logs/app')).toBe(false);
    expect(ignored('/home/u/logs/app/src/server.js')).toBe(false);
    expect(ignored('/home/u/logs/app/log.config.js')).toBe(false);
    expect(ignored('/home/u/shared/util.js')).toBe(false);
  });

  it('skips the excluded directories (the hub\'s data directory) whatever their names', () => {
    expect(ignored('/home/u/logs/app/data')).toBe(true);
    expect(ignored('/home/u/logs/app/data/spool/api.stdout')).toBe(true);
    expect(ignored('/home/u/logs/app/database.js')).toBe(false);
  });
});
