import { describe, expect, it } from 'vitest';
import { RestartPolicy } from './policy.js';

const spec = {
  policy: 'always' as const,
  backoffMs: 100,
  maxBackoffMs: 1000,
  stableAfterMs: 1000,
  crashLoopExits: 5,
  crashLoopWindowMs: 10_000,
};

describe('restart policy', () => {
  it('restarts a stable service at once and backs off exponentially on quick exits', () => {
    const p = new RestartPolicy(spec);
    expect(p.onExit({ code: 1, signal: null, runMs: 5000, now: 0 })).toEqual({ action: 'restart', delayMs: 0 });
    const delays = [100, 200, 400].map((_, i) => p.onExit({ code: 1, signal: null, runMs: 50, now: 20_000 + i * 3000 }));
    expect(delays).toEqual([
      { action: 'restart', delayMs: 100 },
      { action: 'restart', delayMs: 200 },
      { action: 'restart', delayMs: 400 },
    ]);
  });

  it('caps the backoff at max_backoff', () => {
    const p = new RestartPolicy({ ...spec, crashLoopExits: 100 });
    let last = { action: 'restart', delayMs: 0 } as ReturnType<RestartPolicy['onExit']>;
    for (let i = 0; i < 10; i++) last = p.onExit({ code: 1, signal: null, runMs: 10, now: i * 20_000 });
    expect(last).toEqual({ action: 'restart', delayMs: 1000 });
  });

  it('gives up after crash_loop_exits exits within the window, naming the reason', () => {
    const p = new RestartPolicy(spec);
    const decisions = [0, 1, 2, 3, 4].map((i) => p.onExit({ code: 3, signal: null, runMs: 100, now: i * 500 }));
    expect(decisions.slice(0, 4).every((d) => d.action === 'restart')).toBe(true);
    expect(decisions[4]).toEqual({ action: 'give-up', reason: 'crash loop: 5 exits within 10s (last: exited with code 3)' });
  });

  it('does not count exits older than the window', () => {
    const p = new RestartPolicy(spec);
    for (let i = 0; i < 10; i++) expect(p.onExit({ code: null, signal: 'SIGKILL', runMs: 3000, now: i * 3000 }).action).toBe('restart');
  });

  it.each([
    ['never', 0, null, 'stay-stopped'],
    ['never', 1, null, 'stay-stopped'],
    ['on-failure', 0, null, 'stay-stopped'],
    ['on-failure', 1, null, 'restart'],
    ['on-failure', null, 'SIGKILL', 'restart'],
    ['always', 0, null, 'restart'],
  ] as const)('policy %s with code %s signal %s → %s', (policy, code, signal, action) => {
    const p = new RestartPolicy({ ...spec, policy });
    expect(p.onExit({ code, signal, runMs: 5000, now: 0 }).action).toBe(action);
  });

  it('starts clean after reset', () => {
    const p = new RestartPolicy(spec);
    for (let i = 0; i < 4; i++) p.onExit({ code: 1, signal: null, runMs: 10, now: i });
    p.reset();
    expect(p.onExit({ code: 1, signal: null, runMs: 10, now: 10 })).toEqual({ action: 'restart', delayMs: 100 });
  });
});
