import { describe, expect, it } from 'vitest';
import { depthExceeds } from './entry.js';

/** An object nested `levels` deep ({a:{a:…{a:1}}}), built without recursion. */
function nested(levels: number, wrap: (inner: unknown) => unknown = (inner) => ({ a: inner })): unknown {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = wrap(v);
  return v;
}

describe('depthExceeds', () => {
  it('counts objects and arrays as levels; scalars at any place are not a level', () => {
    expect(depthExceeds(nested(10), 10)).toBe(false);
    expect(depthExceeds(nested(11), 10)).toBe(true);
    expect(depthExceeds(nested(11, (inner) => [inner]), 10)).toBe(true);
    expect(depthExceeds({ a: 1, b: 'x', c: null, d: [1, 2, { e: [] }] }, 4)).toBe(false);
    expect(depthExceeds({ a: 1, b: 'x', c: null, d: [1, 2, { e: [] }] }, 3)).toBe(true);
    expect(depthExceeds('text', 0)).toBe(false);
  });

  it('finds a deep branch behind shallow ones, and a key named __proto__', () => {
    const wide = { ...Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, { v: i }])), last: nested(20) };
    expect(depthExceeds(wide, 10)).toBe(true);
    expect(depthExceeds(JSON.parse(`{"__proto__": ${JSON.stringify(nested(12))}}`), 10)).toBe(true);
  });

  it('answers for a hostile depth without exhausting the stack', () => {
    expect(depthExceeds(nested(200_000), 10)).toBe(true);
    expect(depthExceeds(nested(200_000, (inner) => [inner]), 10)).toBe(true);
  });
});
