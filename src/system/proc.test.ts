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
    // AT_PHENT (4): the size of one ELF program header of the node binary, 56 bytes in a 64-bit
    // executable, a value the fallback could not supply; an absent type gives the fallback.
    expect(auxValue(4, -1)).toBe(56);
    expect(auxValue(4242, 7)).toBe(7);
  });
});
