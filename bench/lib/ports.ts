/** Free TCP ports on loopback, picked by the kernel at run time. */
import { createServer, type Server } from 'node:net';

/** Every port handed out so far in this process: a closed port is free again for the kernel to reuse. */
const handedOut = new Set<number>();

/**
 * `n` distinct free ports, never one handed out before by this process: a port handed out
 * earlier may be unused right now, yet belong to a service (or hub) about to be started.
 */
export async function freePorts(n: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    while (ports.length < n) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('listening socket has no port');
      // Held open until the end, so the kernel moves on to another port on the next try.
      if (handedOut.has(address.port)) continue;
      handedOut.add(address.port);
      ports.push(address.port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
}
