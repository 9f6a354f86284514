import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { auxValue, clockTicks, pageSize } from './proc.js';

const getconf = (name: string): number => Number(execFileSync('getconf', [name], { encoding: 'utf8' }).trim());

describe('values from the auxiliary vector', () => {
  it('agree with getconf', () => {
    expect(clockTicks()).toBe(getconf('CLK_TCK'));
    expect(pageSize()).toBe(getconf('PAGESIZE'));
  });

  it('are read from the vector, not the fallbacks', () => {
    // AT_UID (11) and AT_GID (13): values the fallback could not guess (0, as for root, reads as absent).
    expect(auxValue(11, -1)).toBe(process.getuid!() === 0 ? -1 : process.getuid!());
    expect(auxValue(13, -1)).toBe(process.getgid!() === 0 ? -1 : process.getgid!());
    expect(auxValue(4242, 7)).toBe(7);
  });
});
