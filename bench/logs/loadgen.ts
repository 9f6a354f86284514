/**
 * Load generator, run as its own process (`node --import tsx bench/logs/loadgen.ts '<json>'`)
 * so that its CPU is not the hub's: posts pre-serialized batches over a few keep-alive
 * connections with node:http, each connection sending its next batch as soon as the previous
 * one is answered. Only a 200 counts; a 429 is retried after Retry-After; other answers are
 * counted by status and not retried.
 *
 * Input: a file of batches, one per line, "<entries>\t<body>". With `durationS` it cycles
 * through them until that many seconds have passed; without, it sends each once.
 * Output (stdout, one JSON object per line): {"type":"progress",…} every second, then
 * {"type":"done",…} (see LoadReport).
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

/** What the generator is told to do. */
export interface LoadPlan {
  url: string;
  path: string;
  token: string;
  file: string;
  conns: number;
  /** How to read an answer: ingest → {ingested}; otlp → {partialSuccess.rejectedLogRecords}. */
  kind: 'ingest' | 'otlp';
  durationS?: number;
}

/** The final report. */
export interface LoadReport {
  type: 'done';
  /** Entries the hub acknowledged (200 answers only). */
  acked: number;
  /** Entries refused one by one inside 200 answers. */
  rejected: number;
  requests: number;
  /** Answers by status (200, 429, …; "error" for a failed connection). */
  statuses: Record<string, number>;
  firstSendEpochMs: number;
  lastAckEpochMs: number;
  /** From the first send to the last acknowledgement. */
  elapsedMs: number;
  /** CPU time of this process. */
  cpuMs: number;
  /** Time spent reading the batch file before the first send. */
  loadMs: number;
}

const plan = JSON.parse(process.argv[2] ?? '{}') as LoadPlan;
const epoch = (): number => performance.timeOrigin + performance.now();

const t0 = performance.now();
const batches = readFileSync(plan.file, 'utf8')
  .split('\n')
  .filter((l) => l !== '')
  .map((line) => {
    const tab = line.indexOf('\t');
    return { entries: Number(line.slice(0, tab)), body: Buffer.from(line.slice(tab + 1)) };
  });
const loadMs = performance.now() - t0;

const target = new URL(plan.url);
const agent = new Agent({ keepAlive: true, maxSockets: plan.conns });
const contentType = 'application/json';
const statuses: Record<string, number> = {};
let acked = 0;
let rejected = 0;
let requests = 0;
let next = 0;
let firstSend = 0;
let lastAck = 0;
let stop = false;
const deadline = plan.durationS !== undefined ? performance.now() + plan.durationS * 1000 : Infinity;

function post(body: Buffer): Promise<{ status: number; text: string; retryAfter: number | null }> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: plan.path,
        method: 'POST',
        agent,
        headers: { authorization: `Bearer ${plan.token}`, 'content-type': contentType, 'content-length': body.length },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          const ra = Number(res.headers['retry-after']);
          resolve({ status: res.statusCode ?? 0, text, retryAfter: Number.isFinite(ra) ? ra : null });
        });
        res.on('error', () => resolve({ status: 0, text: '', retryAfter: null }));
      },
    );
    req.on('error', () => resolve({ status: 0, text: '', retryAfter: null }));
    req.end(body);
  });
}

/** Entries acknowledged by a 200 answer. */
function ackedBy(text: string, entries: number): { acked: number; rejected: number } {
  const answer = JSON.parse(text) as { ingested?: number; partialSuccess?: { rejectedLogRecords?: number | string } };
  if (plan.kind === 'ingest') return { acked: answer.ingested ?? 0, rejected: entries - (answer.ingested ?? 0) };
  const refused = Number(answer.partialSuccess?.rejectedLogRecords ?? 0);
  return { acked: entries - refused, rejected: refused };
}

async function connection(): Promise<void> {
  while (!stop) {
    if (plan.durationS === undefined && next >= batches.length) return;
    if (performance.now() >= deadline) return;
    const batch = batches[next++ % batches.length]!;
    if (firstSend === 0) firstSend = epoch();
    for (let attempt = 0; ; attempt++) {
      const answer = await post(batch.body);
      requests += 1;
      const key = answer.status === 0 ? 'error' : String(answer.status);
      statuses[key] = (statuses[key] ?? 0) + 1;
      if (answer.status === 200) {
        const n = ackedBy(answer.text, batch.entries);
        acked += n.acked;
        rejected += n.rejected;
        lastAck = epoch();
        break;
      }
      // A full queue is back-pressure, not failure: wait as told and send the same batch again.
      if (answer.status === 429 && attempt < 100 && !stop) {
        await new Promise((r) => setTimeout(r, (answer.retryAfter ?? 0.1) * 1000));
        continue;
      }
      if (answer.status !== 429) process.stderr.write(`POST ${plan.path}: ${key} ${answer.text.slice(0, 300)}\n`);
      break;
    }
  }
}

const progress = setInterval(() => process.stdout.write(`${JSON.stringify({ type: 'progress', acked, epochMs: epoch() })}\n`), 1000);
process.on('SIGTERM', () => (stop = true));
await Promise.all(Array.from({ length: plan.conns }, connection));
clearInterval(progress);
agent.destroy();
const cpu = process.cpuUsage();
const report: LoadReport = {
  type: 'done',
  acked,
  rejected,
  requests,
  statuses,
  firstSendEpochMs: firstSend,
  lastAckEpochMs: lastAck,
  elapsedMs: lastAck - firstSend,
  cpuMs: (cpu.user + cpu.system) / 1000,
  loadMs,
};
process.stdout.write(`${JSON.stringify(report)}\n`);
