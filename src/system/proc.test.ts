import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { auxValue, clockTicks, pageSize, tcpListening } from './proc.js';

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

describe('tcpListening', () => {
  /** Every LISTEN line of both files, read whole: what the early-stopping reader must agree with. */
  const everyListener = (): string[] =>
    ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) =>
      readFileSync(file, 'latin1')
        .split('\n')
        .slice(1)
        .map((line) => line.trim().split(/\s+/))
        .filter((f) => f.length >= 10 && f[3] === '0A')
        .map((f) => `${parseInt(f[1]!.slice(f[1]!.lastIndexOf(':') + 1), 16)}/${f[9]}`),
    );

  it('lists every listener, with connections of other states listed after them', async () => {
    const servers: Server[] = [];
    const sockets: Socket[] = [];
    try {
      for (const host of ['127.0.0.1', '::1']) {
        const server = createServer((s) => sockets.push(s)).listen(0, host);
        await once(server, 'listening');
        servers.push(server);
      }
      // Established connections (and, once closed, TIME_WAIT ones) on both sides of each server.
      for (const server of servers) {
        const { port, address } = server.address() as { port: number; address: string };
        for (let i = 0; i < 20; i++) {
          const c = createConnection({ port, host: address });
          await once(c, 'connect');
          sockets.push(c);
        }
      }
      const listed = tcpListening();
      for (const server of servers) expect(listed.map((l) => l.port)).toContain((server.address() as { port: number }).port);
      // Other tests open and close listeners meanwhile: compare within a window where the whole file did not change.
      for (let attempt = 0; ; attempt++) {
        const before = everyListener().sort();
        const read = tcpListening().map((l) => `${l.port}/${l.inode}`).sort();
        const after = everyListener().sort();
        if (before.join() !== after.join() && attempt < 20) continue;
        expect(read).toEqual(after);
        break;
      }
    } finally {
      for (const s of sockets) s.destroy();
      for (const server of servers) server.close();
    }
  });
});
