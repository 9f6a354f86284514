// After tsc: make the entry points executable (npm links them as the `wheelhouse` and
// `wheelhouse-agent` binaries).
import { chmodSync } from 'node:fs';

for (const entry of ['../dist/cli/main.js', '../dist/agent/main.js']) chmodSync(new URL(entry, import.meta.url), 0o755);
