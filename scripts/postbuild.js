// After tsc and vite: make the entry points executable (npm links them as the `wheelhouse`
// and `wheelhouse-agent` binaries), and store gzip and brotli copies of the dashboard's
// assets so the hub sends them compressed without compressing on every request.
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

for (const entry of ['../dist/bin/wheelhouse.js', '../dist/agent/main.js']) chmodSync(new URL(entry, import.meta.url), 0o755);

const web = new URL('../dist/web/', import.meta.url);
const compressible = /\.(js|css|html|svg|json)$/;
for (const dir of ['', 'assets/']) {
  for (const name of readdirSync(new URL(dir, web))) {
    if (!compressible.test(name)) continue;
    const file = new URL(dir + name, web);
    const body = readFileSync(file);
    writeFileSync(new URL(`${dir + name}.gz`, web), gzipSync(body, { level: 9 }), { mode: 0o644 });
    writeFileSync(new URL(`${dir + name}.br`, web), brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }), { mode: 0o644 });
  }
}
