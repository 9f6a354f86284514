/**
 * The "port already in use" check for a batch of starts. Reading /proc/net/tcp costs ~5–10 ms
 * of kernel time on a busy host (it lists every socket, TIME_WAIT included), so `start all`
 * reads it once for every service in the batch rather than once per service.
 */
import { tcpListening } from '../system/proc.js';

/** How long one reading answers for: the services of one wave start within it. */
const maxAgeMs = 100;

/** Ports with a listening TCP socket, read on first use and again once older than `maxAgeMs`. */
export class ListeningPorts {
  private ports: Set<number> | undefined;
  private readAt = 0;

  /**
   * Whether `port` may be taken. False means it was free at a reading less than `maxAgeMs` old;
   * true is to be confirmed by an exact look (which also names the owner).
   */
  mayBeTaken(port: number): boolean {
    const now = performance.now();
    if (!this.ports || now - this.readAt > maxAgeMs) {
      this.ports = readListening();
      this.readAt = now;
    }
    return this.ports.has(port);
  }
}

function readListening(): Set<number> {
  return new Set(tcpListening().map((s) => s.port));
}
