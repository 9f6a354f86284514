// Example service "worker": no port; processes a job every few seconds and logs what it did,
// to stdout (captured by the hub) and to an audit file (tailed by the hub: logs.files).
import { appendFileSync, mkdirSync } from 'node:fs';

const everyMs = Number(process.env.WORK_INTERVAL_MS ?? 5000);
let processed = 0;
mkdirSync('logs', { recursive: true });

const timer = setInterval(() => {
  processed += 1;
  const ms = Math.round(20 + Math.random() * 200);
  console.log(JSON.stringify({ timestamp: new Date().toISOString(), level: 'info', message: 'job processed', context: { job: processed, ms } }));
  appendFileSync('logs/worker-audit.log', `${new Date().toISOString()} INFO audit: job ${processed} done in ${ms}ms\n`);
  if (processed % 10 === 0) console.error(JSON.stringify({ timestamp: new Date().toISOString(), level: 'warning', message: 'queue is backing up', context: { depth: processed } }));
}, everyMs);

process.on('SIGTERM', () => {
  clearInterval(timer);
  console.log(JSON.stringify({ timestamp: new Date().toISOString(), level: 'info', message: 'worker stopping', context: { processed } }));
  process.exit(0);
});
